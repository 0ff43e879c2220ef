"""Another system registers as a client: from the command line, once, secret shown once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from oauth2_provider.models import Application

from motcua.core.exceptions import DomainError
from motcua.identity.oidc.services import register_client


@pytest.mark.real_password_hashing
def test_the_command_prints_the_id_and_a_secret_that_is_stored_only_hashed(db):
    out = StringIO()
    call_command(
        "oidc_client",
        "Hệ thống lý lịch tư pháp",
        "--redirect-uri",
        "https://lltp.example.vn/cb",
        stdout=out,
        stderr=StringIO(),
    )
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    application = Application.objects.get(client_id=lines["client_id"])
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.algorithm == Application.RS256_ALGORITHM
    assert application.client_secret != lines["client_secret"]
    assert application.client_secret.startswith(("argon2", "pbkdf2"))


def test_registering_the_same_system_twice_is_refused(db):
    register_client("Sổ sức khỏe", redirect_uris=["https://a.example.vn/cb"])
    with pytest.raises(DomainError) as refused:
        register_client("sổ sức khỏe", redirect_uris=["https://b.example.vn/cb"])
    assert refused.value.code == "client_exists"


def test_a_redirect_uri_that_is_not_a_url_is_refused_by_the_command(db):
    with pytest.raises(CommandError):
        call_command("oidc_client", "Hệ thống X", "--redirect-uri", "not a url", stdout=StringIO())


def test_discovery_is_served_at_the_site_root_and_names_the_site_as_issuer(db):
    document = Client().get("/.well-known/openid-configuration").json()
    assert document["issuer"] == "http://testserver"
    assert document["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"sub", "name", "birthdate", "acr", "id_number"} <= set(document["claims_supported"])
    assert set(document["scopes_supported"]) == {"openid", "profile", "id_number"}
