"""The consent step: who may authorize, and what a client must send."""

from urllib.parse import parse_qs, urlparse

from django.test import Client

from tests.identity.oidc.conftest import (
    authorization_params,
    consent,
    exchange,
    pkce_pair,
)


def test_anonymous_authorize_request_goes_to_the_citizen_login(health_book):
    _, challenge = pkce_pair()
    params = authorization_params(health_book.client_id, "openid", challenge)
    response = Client().get("/o/authorize/", params)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == "/account/login/"
    assert parse_qs(target.query)["next"][0].startswith("/o/authorize/?")


def test_consent_screen_lists_what_the_client_will_receive(health_book, citizen_user):
    web = Client()
    web.force_login(citizen_user())
    _, challenge = pkce_pair()
    params = authorization_params(health_book.client_id, "openid profile id_number", challenge)
    page = web.get("/o/authorize/", params, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Sổ sức khỏe điện tử" in text
    assert "Your full name and date of birth" in text or "ngày sinh" in text
    assert "ID number" in text or "định danh" in text


def test_user_without_electronic_identity_cannot_authorize(health_book, citizen_user):
    web = Client()
    web.force_login(citizen_user(level=0))
    _, challenge = pkce_pair()
    response = web.get(
        "/o/authorize/", authorization_params(health_book.client_id, "openid", challenge)
    )
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode()


def test_user_without_electronic_identity_cannot_post_consent_either(health_book, citizen_user):
    web = Client()
    web.force_login(citizen_user(level=0))
    _, challenge = pkce_pair()
    params = authorization_params(health_book.client_id, "openid", challenge)
    response = web.post("/o/authorize/", {**params, "allow": "Authorize"})
    assert response.status_code == 403


def test_client_without_pkce_is_refused(health_book, citizen_user):
    web = Client()
    web.force_login(citizen_user())
    params = authorization_params(health_book.client_id, "openid", challenge=None)
    response = web.get("/o/authorize/", params)
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


def test_plain_pkce_is_refused(health_book, citizen_user):
    web = Client()
    web.force_login(citizen_user())
    verifier, _ = pkce_pair()
    params = authorization_params(health_book.client_id, "openid", challenge=None)
    params |= {"code_challenge": verifier, "code_challenge_method": "plain"}
    response = web.post("/o/authorize/", {**params, "allow": "Authorize"})
    query = parse_qs(urlparse(response.get("Location", "")).query)
    assert "code" not in query
    assert query["error"] == ["invalid_request"]


def test_wrong_code_verifier_is_refused(health_book, citizen_user):
    web = Client()
    web.force_login(citizen_user())
    _, challenge = pkce_pair()
    code = consent(web, health_book.client_id, "openid", challenge)
    other_verifier, _ = pkce_pair()
    response = exchange(Client(), health_book, code, other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_code_is_refused_once_its_owner_lost_the_electronic_identity(health_book, citizen_user):
    user = citizen_user()
    web = Client()
    web.force_login(user)
    verifier, challenge = pkce_pair()
    code = consent(web, health_book.client_id, "openid", challenge)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = exchange(Client(), health_book, code, verifier)
    assert response.status_code == 400
    assert "id_token" not in response.json()


def test_consent_is_recorded_in_the_audit_trail(health_book, citizen_user):
    from motcua.security.models import AuditAction, AuditRecord

    user = citizen_user()
    web = Client()
    web.force_login(user)
    _, challenge = pkce_pair()
    consent(web, health_book.client_id, "openid id_number", challenge)
    entry = AuditRecord.objects.filter(action=AuditAction.READ, actor=user).get()
    assert entry.purpose == "OpenID Connect: Sổ sức khỏe điện tử"
    assert entry.data["scopes"] == ["id_number", "openid"]
