"""Every way to a session passes the same checks: second factor and one lockout.

The ways in: the citizen and staff login pages, the Django admin, the OIDC token endpoint
(authorization code, refresh token, password grant) and bearer tokens on the userinfo
endpoint. Only the two login pages check passwords, and both count failures towards one
lockout per account.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import Client

from motcua.identity.models import User
from tests.identity.accounts.conftest import PASSWORD as CITIZEN_PASSWORD
from tests.identity.accounts.helpers import code_for, enrol_totp

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Quang-Ninh-22"


@pytest.fixture
def root(superuser) -> User:
    enrol_totp(superuser)
    return superuser


def test_admin_login_asks_for_the_password_on_the_staff_page_not_its_own(client, root):
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/login/")
    assert "next=%2Fadmin%2F" in response["Location"]
    assert not get_user(client).is_authenticated
    assert client.get("/admin/").status_code == 302


def test_admin_opens_only_after_the_second_factor(client, root):
    client.post("/backoffice/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert not get_user(client).is_authenticated
    assert client.get("/admin/").status_code == 302
    client.post("/account/login/code/", {"code": code_for(root.totp_secret)})
    assert get_user(client).is_authenticated
    assert client.get("/admin/").status_code == 200


def test_a_locked_account_cannot_reach_the_admin(client, root, settings):
    settings.MOTCUA_LOGIN_FAILURES_BEFORE_LOCK = 10
    for _ in range(10):
        client.post("/backoffice/login/", {"username": "root", "password": "wrong"})
    client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    page = client.post(
        "/backoffice/login/?next=/admin/", {"username": "root", "password": PASSWORD}
    )
    assert "try again after" in page.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("first_path", ["/account/login/", "/backoffice/login/"])
def test_ten_wrong_passwords_on_either_page_lock_a_citizen_out_of_their_own(
    first_path, sign_up, settings
):
    settings.MOTCUA_LOGIN_FAILURES_BEFORE_LOCK = 10
    user = sign_up()
    attacker = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(10):
        attacker.post(first_path, {"username": user.username, "password": "wrong"})
    owner = Client(REMOTE_ADDR="203.0.113.5")
    page = owner.post("/account/login/", {"username": user.username, "password": CITIZEN_PASSWORD})
    assert "try again after" in page.content.decode()
    assert not get_user(owner).is_authenticated


def test_ten_wrong_staff_passwords_lock_the_staff_page_and_the_admin(root, settings):
    settings.MOTCUA_LOGIN_FAILURES_BEFORE_LOCK = 10
    attacker = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(10):
        attacker.post("/backoffice/login/", {"username": "root", "password": "wrong"})
    for path in ("/backoffice/login/", "/admin/login/"):
        owner = Client(REMOTE_ADDR="203.0.113.5")
        page = owner.post(path, {"username": "root", "password": PASSWORD}, follow=True)
        assert "try again after" in page.content.decode() or path == "/admin/login/"
        assert not get_user(owner).is_authenticated
        assert owner.get("/admin/").status_code == 302


def test_the_admin_login_form_checks_no_password_so_it_cannot_be_used_to_guess(client, root):
    right = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    wrong = client.post("/admin/login/", {"username": "root", "password": "wrong"})
    assert right.status_code == wrong.status_code == 302
    assert right["Location"] == wrong["Location"]
    assert not get_user(client).is_authenticated
