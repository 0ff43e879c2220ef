"""Signing keys: generated once, private, rotated without breaking tokens already out."""

import json
import stat

import pytest
from authlib.jose import JsonWebKey, jwt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from motcua.identity.oidc import keys
from tests.identity.oidc.conftest import consent, exchange, pkce_pair


def _id_token(health_book, user) -> str:
    web = Client()
    web.force_login(user)
    verifier, challenge = pkce_pair()
    code = consent(web, health_book.client_id, "openid", challenge)
    response = exchange(Client(), health_book, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()["id_token"]


def _kid(token: str) -> str:
    import base64

    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def _verifies(token: str) -> bool:
    jwks = Client().get("/o/.well-known/jwks.json").json()
    jwt.decode(token, JsonWebKey.import_key_set(jwks)).validate()
    return True


def test_the_signing_key_is_generated_once_and_readable_by_its_owner_only(tmp_path):
    first = keys.load(tmp_path)
    again = keys.load(tmp_path)
    assert first.active == again.active
    mode = stat.S_IMODE((tmp_path / "oidc" / "active.pem").stat().st_mode)
    assert mode == 0o600


def test_after_rotation_old_tokens_still_verify_and_new_ones_use_the_new_key(
    health_book, citizen_user
):
    user = citizen_user()
    before = _id_token(health_book, user)
    call_command("oidc_rotate_key")
    after = _id_token(health_book, user)
    assert _kid(before) != _kid(after)
    assert _verifies(before)
    assert _verifies(after)
    kids = {key["kid"] for key in Client().get("/o/.well-known/jwks.json").json()["keys"]}
    assert kids == {_kid(before), _kid(after)}


def test_rotation_is_refused_when_the_key_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv(keys.ENV_ACTIVE, keys.new_private_key_pem())
    with pytest.raises(CommandError, match="MOTCUA_OIDC_PRIVATE_KEY"):
        call_command("oidc_rotate_key")


def test_keys_from_the_environment_include_the_previous_ones(tmp_path, monkeypatch):
    active, old = keys.new_private_key_pem(), keys.new_private_key_pem()
    monkeypatch.setenv(keys.ENV_ACTIVE, active)
    monkeypatch.setenv(keys.ENV_PREVIOUS, old)
    ring = keys.load(tmp_path)
    assert ring.active == active.strip()
    assert ring.previous == (old.strip(),)
    assert not (tmp_path / "oidc").exists()


def test_a_client_added_in_the_admin_without_an_algorithm_still_gets_rs256_tokens(citizen_user):
    from types import SimpleNamespace

    from oauth2_provider.models import Application

    from tests.identity.oidc.conftest import REDIRECT

    application = Application.objects.create(
        name="Added in the admin",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        client_secret="s3cret-from-the-admin",
    )
    client = SimpleNamespace(client_id=application.client_id, client_secret="s3cret-from-the-admin")
    token = _id_token(client, citizen_user())
    assert _verifies(token)
