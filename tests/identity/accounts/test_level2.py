import pytest
from django.contrib.auth import get_user
from django.http import HttpResponse
from django.test import Client, RequestFactory

from motcua.identity.accounts.level import require_eid_level
from motcua.identity.models import EidLevel, Role
from motcua.security.models import AuditRecord
from tests.identity.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_of(make_staff):
    def make(commune):
        officer = make_staff(Role.REGISTRY_OFFICER, unit=commune)
        browser = Client()
        browser.force_login(officer)
        return officer, browser

    return make


def test_an_officer_in_scope_raises_an_account_to_level_2(sign_up, communes, officer_of):
    account = sign_up()
    officer, browser = officer_of(communes[0])
    page = browser.get("/backoffice/identity/level2/", {"id_number": account.username})
    assert account.full_name in page.content.decode()
    read = AuditRecord.objects.filter(action="read", object_id=str(account.citizen_id)).first()
    assert read is not None and read.actor == officer and "level 2" in read.purpose
    response = browser.post(
        f"/backoffice/identity/level2/{account.username}/", {"place": "Công an phường Hồng Gai"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.eid_level == EidLevel.LEVEL_2
    assert account.level2_verified_by == officer
    assert account.level2_verified_place == "Công an phường Hồng Gai"
    assert account.level2_verified_at is not None
    assert AuditRecord.objects.filter(
        object_id=str(account.pk), data__event="eid_level2", actor=officer
    ).exists()


def test_the_place_of_the_check_is_required(sign_up, communes, officer_of):
    account = sign_up()
    _officer, browser = officer_of(communes[0])
    response = browser.post(f"/backoffice/identity/level2/{account.username}/", {"place": ""})
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.eid_level == EidLevel.LEVEL_1


def test_an_officer_of_another_commune_is_refused(sign_up, communes, officer_of):
    account = sign_up()
    _officer, browser = officer_of(communes[1])
    response = browser.post(
        f"/backoffice/identity/level2/{account.username}/", {"place": "Công an phường"}
    )
    assert response.status_code == 403
    assert (
        browser.get("/backoffice/identity/level2/", {"id_number": account.username}).status_code
        == 403
    )
    account.refresh_from_db()
    assert account.eid_level == EidLevel.LEVEL_1


@require_eid_level(2)
def _level2_service(request):
    return HttpResponse("the level-2 service")


def test_require_eid_level_sends_level_1_users_to_the_explanation(sign_up):
    account = sign_up()
    request = RequestFactory().get("/services/land/")
    request.user = account
    response = _level2_service(request)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/level2-needed/")
    browser = Client()
    browser.post("/account/login/", {"username": account.username, "password": PASSWORD})
    assert get_user(browser) == account
    page = browser.get(response["Location"]).content.decode()
    assert "commune" in page and "VNeID" in page


def test_require_eid_level_sends_anonymous_users_to_the_citizen_login():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/services/land/")
    request.user = AnonymousUser()
    response = _level2_service(request)
    assert response["Location"].startswith("/account/login/?next=")


def test_a_level_2_user_passes(sign_up):
    account = sign_up()
    account.eid_level = EidLevel.LEVEL_2
    request = RequestFactory().get("/services/land/")
    request.user = account
    assert _level2_service(request).content == b"the level-2 service"


def test_a_dead_citizens_account_cannot_be_raised(
    sign_up, communes, officer_of, django_capture_on_commit_callbacks
):
    import datetime as dt

    from motcua.registry.services import record_death

    account = sign_up()
    with django_capture_on_commit_callbacks(execute=True):
        record_death(account.citizen, dt.date(2026, 1, 2))
    _officer, browser = officer_of(communes[0])
    response = browser.post(
        f"/backoffice/identity/level2/{account.username}/", {"place": "Công an phường"}
    )
    assert 'role="alert"' in response.content.decode()
    account.refresh_from_db()
    assert account.eid_level == EidLevel.LEVEL_1


def test_an_api_handler_below_the_level_gets_a_clear_refusal(sign_up):
    from motcua.identity.accounts.level import EidLevelTooLow, ensure_eid_level

    request = RequestFactory().get("/api/land/")
    request.user = sign_up()
    with pytest.raises(EidLevelTooLow) as refusal:
        ensure_eid_level(request, 2)
    assert refusal.value.status_code == 403
    assert "VNeID" in refusal.value.message
