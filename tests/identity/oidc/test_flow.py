"""A relying party's view: a real OIDC client library against the running server."""

import re
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from django.test import Client

from motcua.identity.oidc.services import register_client

HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _log_in_browser(user) -> requests.Session:
    """A browser already logged in: the session cookie of a Django test-client login."""
    django_client = Client()
    django_client.force_login(user)
    browser = requests.Session()
    browser.cookies.set("sessionid", django_client.cookies["sessionid"].value)
    return browser


def _agree(browser: requests.Session, authorization_url: str) -> str:
    """Show the consent screen, press "agree"; returns the redirect back to the client."""
    page = browser.get(authorization_url, allow_redirects=False)
    assert page.status_code == 200, page.text
    fields = dict(HIDDEN_INPUT.findall(page.text))
    fields["allow"] = "Authorize"
    # The cookie is marked Secure; the live server speaks http, so hand it over ourselves.
    csrf = page.cookies["csrftoken"]
    answer = browser.post(
        page.url,
        data=fields,
        cookies={"csrftoken": csrf},
        headers={"X-CSRFToken": csrf},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def _log_in_with_eid(live_server, user, scope: str, monkeypatch) -> tuple[dict, dict, str, str]:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the live server speaks http
    redirect_uri = f"{live_server.url}/callback"
    registered = register_client("Cổng dịch vụ công tỉnh", redirect_uris=[redirect_uri])
    discovery = requests.get(f"{live_server.url}/.well-known/openid-configuration").json()
    relying_party = OAuth2Session(
        registered.client_id,
        registered.client_secret,
        scope=scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    verifier = generate_token(48)
    nonce = secrets.token_urlsafe(16)
    url, _state = relying_party.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    back = _agree(_log_in_browser(user), url)
    # RFC 9207: the response names who issued it, against mix-up attacks.
    assert parse_qs(urlparse(back).query)["iss"] == [discovery["issuer"]]
    token = relying_party.fetch_token(
        discovery["token_endpoint"], authorization_response=back, code_verifier=verifier
    )
    jwks = requests.get(discovery["jwks_uri"]).json()
    claims = jwt.decode(
        token["id_token"],
        JsonWebKey.import_key_set(jwks),
        claims_options={
            "iss": {"essential": True, "value": discovery["issuer"]},
            "aud": {"essential": True, "value": registered.client_id},
            "nonce": {"essential": True, "value": nonce},
            "exp": {"essential": True},
        },
    )
    claims.validate()
    return discovery, dict(claims), registered.client_id, token["access_token"]


@pytest.mark.django_db(transaction=True)
def test_a_relying_party_logs_a_citizen_in_with_code_and_pkce(
    live_server, citizen_user, monkeypatch
):
    user = citizen_user()
    discovery, claims, _client_id, access_token = _log_in_with_eid(
        live_server, user, "openid profile id_number", monkeypatch
    )
    assert discovery["issuer"] == live_server.url
    assert claims["iss"] == live_server.url
    assert claims["sub"] == str(user.pk)
    assert claims["sub"] != user.citizen.id_number
    assert claims["name"] == "Trần Thị Bình"
    assert claims["birthdate"] == "1990-03-08"
    assert claims["acr"] == "urn:motcua:eid:level2"
    assert claims["id_number"] == user.citizen.id_number
    userinfo = requests.get(
        discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
    ).json()
    assert userinfo["sub"] == str(user.pk)
    assert userinfo["id_number"] == user.citizen.id_number


@pytest.mark.django_db(transaction=True)
def test_the_id_number_leaves_only_under_its_own_scope(live_server, citizen_user, monkeypatch):
    user = citizen_user(level=1)
    _discovery, claims, _client_id, _token = _log_in_with_eid(
        live_server, user, "openid profile", monkeypatch
    )
    assert "id_number" not in claims
    assert claims["name"] == "Trần Thị Bình"
    assert claims["acr"] == "urn:motcua:eid:level1"
