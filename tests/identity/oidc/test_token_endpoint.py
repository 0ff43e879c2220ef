"""The token endpoint and bearer tokens: no password grant, tokens only in the header,
a replayed authorization code revokes what it gave."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_login_failed
from django.test import Client, RequestFactory
from oauth2_provider.models import AccessToken, Application, RefreshToken

from motcua.identity.models import AccountKind, EidLevel, User
from motcua.identity.oidc.services import register_client
from motcua.security.models import AuditRecord
from tests.identity.accounts.helpers import enrol_totp
from tests.identity.oidc.conftest import REDIRECT, consent, exchange, pkce_pair

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Quang-Ninh-22"


@pytest.fixture
def root(superuser) -> User:
    enrol_totp(superuser)
    return superuser


def _password_grant(registered, username: str, password: str):
    return Client().post(
        "/o/token/",
        {
            "grant_type": "password",
            "username": username,
            "password": password,
            "client_id": registered.client_id,
            "client_secret": registered.client_secret,
        },
    )


def test_the_password_grant_is_not_offered_and_says_nothing_about_the_password(root):
    registered = register_client("Hệ thống quản lý văn bản", redirect_uris=[REDIRECT])
    # Even a client an administrator switched to the password grant gets none.
    Application.objects.filter(pk=registered.application.pk).update(
        authorization_grant_type=Application.GRANT_PASSWORD
    )
    right = _password_grant(registered, "root", PASSWORD)
    wrong = _password_grant(registered, "root", "wrong")
    assert right.status_code == wrong.status_code == 400
    assert right.json() == wrong.json()
    assert right.json()["error"] == "unsupported_grant_type"
    assert not AccessToken.objects.exists()


def test_a_failed_login_signal_without_a_user_on_the_request_is_audited():
    request = RequestFactory().post("/o/token/")
    assert not hasattr(request, "user")
    user_login_failed.send(sender=__name__, credentials={"username": "root"}, request=request)
    assert AuditRecord.objects.filter(action="login_failed", object_repr="root").exists()


@pytest.fixture
def tokens(citizen_user, health_book):
    user = citizen_user(level=EidLevel.LEVEL_2)
    assert user.kind == AccountKind.CITIZEN
    web = Client()
    web.force_login(user)
    verifier, challenge = pkce_pair()
    code = consent(web, health_book.client_id, "openid profile", challenge)
    answer = exchange(Client(), health_book, code, verifier)
    assert answer.status_code == 200, answer.content
    return code, verifier, answer.json()


def test_an_access_token_in_the_header_is_accepted(tokens):
    _, _, issued = tokens
    answer = Client().get(
        "/o/userinfo/", headers={"Authorization": f"Bearer {issued['access_token']}"}
    )
    assert answer.status_code == 200
    assert answer.json()["name"] == "Trần Thị Bình"


def test_an_access_token_in_the_query_string_is_refused(tokens):
    _, _, issued = tokens
    answer = Client().get("/o/userinfo/", {"access_token": issued["access_token"]})
    assert answer.status_code in (401, 403)
    assert "name" not in answer.content.decode()


def test_an_access_token_in_a_form_body_is_refused(tokens):
    _, _, issued = tokens
    answer = Client().post("/o/userinfo/", {"access_token": issued["access_token"]})
    assert answer.status_code in (401, 403)
    assert "name" not in answer.content.decode()


def test_a_reused_code_is_refused_and_revokes_the_tokens_it_gave(tokens, health_book):
    code, verifier, issued = tokens
    again = exchange(Client(), health_book, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    answer = Client().get(
        "/o/userinfo/", headers={"Authorization": f"Bearer {issued['access_token']}"}
    )
    assert answer.status_code in (401, 403)
    refreshed = Client().post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": issued["refresh_token"],
            "client_id": health_book.client_id,
            "client_secret": health_book.client_secret,
        },
    )
    assert refreshed.status_code == 400
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert AuditRecord.objects.filter(data__event="authorization_code_reused").exists()
