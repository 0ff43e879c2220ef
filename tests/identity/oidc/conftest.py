import base64
import datetime as dt
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import pytest

from motcua.identity.models import AccountKind, EidLevel, User
from motcua.identity.oidc.services import register_client
from tests.registry.conftest import communes, make_citizen  # noqa: F401

REDIRECT = "https://health-book.example.vn/callback"


@pytest.fixture(autouse=True)
def own_keys_and_http(settings, tmp_path):
    """Each test signs with its own fresh keys; the live server's http:// is allowed."""
    settings.VAR_DIR = tmp_path
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    }


@pytest.fixture
def citizen_user(make_citizen):  # noqa: F811
    def make(level: int = EidLevel.LEVEL_2, **fields) -> User:
        citizen = make_citizen(
            full_name="Trần Thị Bình", birth_date=dt.date(1990, 3, 8), sex="female", **fields
        )
        return User.objects.create_user(
            f"c{citizen.id_number}",
            password=None,
            kind=AccountKind.CITIZEN,
            full_name=citizen.full_name,
            citizen=citizen,
            eid_level=level,
        )

    return make


@pytest.fixture
def health_book(db):
    return register_client("Sổ sức khỏe điện tử", redirect_uris=[REDIRECT])


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_params(client_id: str, scope: str, challenge: str | None, **extra) -> dict:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "state-1",
        "nonce": "nonce-1",
        **extra,
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params


def consent(web, client_id: str, scope: str, challenge: str) -> str:
    """Agree on the consent screen as the logged-in `web` client; returns the code."""
    params = authorization_params(client_id, scope, challenge)
    shown = web.get("/o/authorize/", params)
    assert shown.status_code == 200, shown.content
    answer = web.post("/o/authorize/", {**params, "allow": "Authorize"})
    assert answer.status_code == 302, answer.content
    query = parse_qs(urlparse(answer["Location"]).query)
    return query["code"][0]


def exchange(web, registered, code: str, verifier: str):
    return web.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": registered.client_id,
            "client_secret": registered.client_secret,
            "code_verifier": verifier,
        },
    )
