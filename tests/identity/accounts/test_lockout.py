import pytest
from django.contrib.auth import get_user
from django.test import Client

from motcua.security.models import AuditRecord
from tests.identity.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(
    client, sign_up, settings
):
    settings.MOTCUA_LOGIN_FAILURES_BEFORE_LOCK = 5
    user = sign_up()
    for _ in range(5):
        client.post("/account/login/", {"username": user.username, "password": "wrong"})
    response = client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    page = response.content.decode()
    assert "locked, try again after" in page
    assert not get_user(client).is_authenticated
    assert AuditRecord.objects.filter(action="account_locked", object_repr=user.username).exists()


def test_four_wrong_passwords_do_not_lock_the_account(client, sign_up, settings):
    settings.MOTCUA_LOGIN_FAILURES_BEFORE_LOCK = 5
    user = sign_up()
    for _ in range(4):
        client.post("/account/login/", {"username": user.username, "password": "wrong"})
    client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert get_user(client) == user


def test_one_address_failing_on_many_accounts_is_throttled(sign_up, settings):
    settings.MOTCUA_LOGIN_FAILURES_PER_IP = 6
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(6):
        attacker.post("/account/login/", {"username": f"02218500{number:04d}", "password": "x"})
    user = sign_up()
    response = attacker.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert "try again after" in response.content.decode()
    assert not get_user(attacker).is_authenticated

    elsewhere = Client(REMOTE_ADDR="198.51.100.8")
    elsewhere.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert get_user(elsewhere) == user


def test_staff_are_locked_out_too(client, superuser, settings):
    settings.MOTCUA_LOGIN_FAILURES_BEFORE_LOCK = 3
    for _ in range(3):
        client.post("/backoffice/login/", {"username": "root", "password": "wrong"})
    response = client.post(
        "/backoffice/login/", {"username": "root", "password": "pw-Quang-Ninh-22"}
    )
    assert "try again after" in response.content.decode()
