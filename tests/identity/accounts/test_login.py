import pytest
from django.contrib.auth import get_user
from django.test import Client

from motcua.identity.models import AccountSession, EidLevel, RecoveryCode
from motcua.security.models import AuditAction, AuditRecord
from tests.identity.accounts.conftest import PASSWORD
from tests.identity.accounts.helpers import code_for, enrol_totp, secret_on_page

pytestmark = pytest.mark.django_db


def _level2(user):
    user.eid_level = EidLevel.LEVEL_2
    user.save(update_fields=["eid_level"])
    return user


def test_a_citizen_logs_in_with_the_id_number(client, sign_up):
    user = sign_up()
    response = client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert get_user(client) == user
    page = client.get("/account/").content.decode()
    assert user.citizen.id_number in page and "Level 1" in page
    assert AccountSession.objects.filter(user=user, ended_at=None).count() == 1


def test_a_wrong_password_is_refused_with_a_message(client, sign_up):
    user = sign_up()
    response = client.post("/account/login/", {"username": user.username, "password": "nope"})
    assert 'role="alert"' in response.content.decode()
    assert not get_user(client).is_authenticated


def test_a_level_2_citizen_needs_the_totp_code_and_a_wrong_one_is_refused_and_audited(
    client, sign_up
):
    user = _level2(sign_up())
    secret = enrol_totp(user)
    response = client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert response["Location"] == "/account/login/code/"
    assert not get_user(client).is_authenticated

    wrong = "000000" if code_for(secret) != "000000" else "111111"
    response = client.post("/account/login/code/", {"code": wrong})
    assert "not right" in response.content.decode()
    assert not get_user(client).is_authenticated
    failed = AuditRecord.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.data["factor"] == "totp"

    response = client.post("/account/login/code/", {"code": code_for(secret)})
    assert response.status_code == 302
    assert get_user(client) == user


def test_the_same_totp_code_is_never_accepted_twice(sign_up):
    user = _level2(sign_up())
    secret = enrol_totp(user)
    code = code_for(secret)
    first, second = Client(), Client()
    for browser in (first, second):
        browser.post("/account/login/", {"username": user.username, "password": PASSWORD})
    first.post("/account/login/code/", {"code": code})
    response = second.post("/account/login/code/", {"code": code})
    assert get_user(first) == user
    assert not get_user(second).is_authenticated
    assert "already been used" in response.content.decode()


def test_a_level_2_citizen_without_a_second_factor_enrols_right_after_the_password(client, sign_up):
    user = _level2(sign_up())
    response = client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert response["Location"] == "/account/second-factor/"
    page = client.get("/account/second-factor/").content.decode()
    assert "<svg" in page
    secret = secret_on_page(page)
    response = client.post("/account/second-factor/", {"code": code_for(secret)})
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert get_user(client) == user
    stored = RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True)
    assert not set(codes) & {value.split("$")[-1] for value in stored}
    assert all(code not in value for code in codes for value in stored)


def test_a_recovery_code_works_once_and_is_refused_the_second_time(sign_up):
    user = _level2(sign_up())
    client = Client()
    client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    secret = secret_on_page(client.get("/account/second-factor/").content.decode())
    codes = client.post("/account/second-factor/", {"code": code_for(secret)}).context["codes"]

    again = Client()
    again.post("/account/login/", {"username": user.username, "password": PASSWORD})
    response = again.post("/account/login/recovery/", {"code": codes[3].upper()})
    assert response.status_code == 302
    assert get_user(again) == user

    third = Client()
    third.post("/account/login/", {"username": user.username, "password": PASSWORD})
    response = third.post("/account/login/recovery/", {"code": codes[3]})
    assert "already been used" in response.content.decode()
    assert not get_user(third).is_authenticated
