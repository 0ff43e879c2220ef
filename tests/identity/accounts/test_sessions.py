import datetime as dt

import pytest
from django.contrib.auth import get_user
from django.test import Client

from motcua.identity.models import AccountSession
from motcua.registry.services import record_death
from tests.identity.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    browser = Client()
    browser.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert get_user(browser) == user
    return browser


def test_changing_the_password_logs_out_other_devices_but_not_this_one(sign_up):
    user = sign_up()
    phone, laptop = _logged_in(user), _logged_in(user)
    response = laptop.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Cửa-Ông-temple-77",
            "new_password2": "Cửa-Ông-temple-77",
        },
    )
    assert response.status_code == 302
    assert get_user(laptop) == user
    assert not get_user(phone).is_authenticated
    assert AccountSession.objects.filter(user=user, ended_at=None).count() == 1


def test_logging_out_ends_the_session_on_the_account_page(sign_up):
    user = sign_up()
    browser = _logged_in(user)
    browser.post("/account/logout/")
    assert not AccountSession.objects.filter(user=user, ended_at=None).exists()


def test_a_death_in_the_registry_disables_the_account_and_ends_its_sessions(
    sign_up, django_capture_on_commit_callbacks
):
    user = sign_up()
    browser = _logged_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        record_death(user.citizen, dt.date(2026, 1, 2))
    user.refresh_from_db()
    assert not user.is_active
    assert user.disabled_reason == "death"
    assert not get_user(browser).is_authenticated
    assert not AccountSession.objects.filter(user=user, ended_at=None).exists()
    again = Client()
    again.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert not get_user(again).is_authenticated


def test_the_account_page_shows_the_login_history(sign_up):
    user = sign_up()
    Client().post("/account/login/", {"username": user.username, "password": "wrong"})
    response = _logged_in(user).get("/account/")
    actions = [entry.action for entry in response.context["history"]]
    assert actions == ["login", "login_failed"]


def test_a_revoked_card_disables_the_account_at_once(sign_up, django_capture_on_commit_callbacks):
    from motcua.registry.services import issue_card, revoke_card

    user = sign_up()
    browser = _logged_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        card = issue_card(user.citizen, dt.date(2024, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        revoke_card(card, "lost")
    user.refresh_from_db()
    assert not user.is_active
    assert user.disabled_reason == "card_revoked"
    assert not get_user(browser).is_authenticated


def test_a_citizen_cannot_use_the_staff_login_nor_staff_the_citizen_login(sign_up, superuser):
    user = sign_up()
    citizen_at_staff = Client()
    citizen_at_staff.post("/backoffice/login/", {"username": user.username, "password": PASSWORD})
    staff_at_citizen = Client()
    staff_at_citizen.post("/account/login/", {"username": "root", "password": "pw-Quang-Ninh-22"})
    assert not get_user(citizen_at_staff).is_authenticated
    assert not get_user(staff_at_citizen).is_authenticated


def test_a_death_revokes_the_tokens_other_systems_got_through_e_id_login(
    sign_up, django_capture_on_commit_callbacks
):
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application, RefreshToken

    user = sign_up()
    client_app = Application.objects.create(
        name="Hệ thống y tế",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://yte.example/cb",
    )
    access = AccessToken.objects.create(
        user=user,
        application=client_app,
        token="access-1",
        scope="openid",
        expires=timezone.now() + dt.timedelta(hours=1),
    )
    RefreshToken.objects.create(
        user=user, application=client_app, token="refresh-1", access_token=access
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_death(user.citizen, dt.date(2026, 1, 2))
    assert not AccessToken.objects.filter(user=user).exists()
    assert not RefreshToken.objects.filter(user=user, revoked__isnull=True).exists()
