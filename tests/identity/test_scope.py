"""Every role is held within a scope; outside it, pages and the API answer 403."""

import pytest

from motcua.core.models import AdministrativeUnit
from motcua.identity.models import Role
from motcua.security.models import AuditAction, AuditRecord
from tests.conftest import commune_committees

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_page_of_an_agency_outside_the_role_scope_is_forbidden(
    client, make_staff, justice, health, role
):
    client.force_login(make_staff(role, agency=justice))
    assert client.get(f"/backoffice/agencies/{justice.code}/").status_code == 200
    response = client.get(f"/backoffice/agencies/{health.code}/")
    assert response.status_code == 403
    assert "Sở Y tế" not in response.content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_api_read_of_an_agency_outside_the_role_scope_is_forbidden(
    client, make_staff, justice, health, role
):
    client.force_login(make_staff(role, agency=justice))
    assert client.get(f"/api/core/agencies/{justice.code}").json()["name"] == "Sở Tư pháp"
    response = client.get(f"/api/core/agencies/{health.code}")
    assert response.status_code == 403
    assert "detail" in response.json()


@pytest.mark.parametrize("role", Role.values)
def test_agency_list_shows_only_the_scope(client, make_staff, justice, role):
    client.force_login(make_staff(role, agency=justice))
    codes = {agency["code"] for agency in client.get("/api/core/agencies").json()}
    assert codes == {justice.code}


def test_commune_scoped_officer_sees_own_commune_only(client, make_staff):
    own, other = commune_committees(2)
    officer = make_staff(Role.REGISTRY_OFFICER, unit=own.unit)
    client.force_login(officer)
    assert client.get(f"/api/core/agencies/{own.code}").status_code == 200
    assert client.get(f"/api/core/agencies/{other.code}").status_code == 403
    assert client.get(f"/backoffice/agencies/{other.code}/").status_code == 403


def test_province_wide_role_reaches_every_agency(client, make_staff, province, health):
    client.force_login(make_staff(Role.LEADER, agency=province))
    assert client.get(f"/backoffice/agencies/{health.code}/").status_code == 200
    assert len(client.get("/api/core/agencies").json()) == 75


def test_a_denial_is_written_to_the_audit_trail(client, make_staff, justice, health):
    specialist = make_staff(Role.SPECIALIST, agency=justice)
    client.force_login(specialist)
    client.get(f"/backoffice/agencies/{health.code}/")
    denial = AuditRecord.objects.filter(action=AuditAction.PERMISSION_DENIED).latest("sequence")
    assert denial.actor == specialist
    assert denial.object_id == str(health.pk)
    assert denial.source_ip == "127.0.0.1"


def test_anonymous_visitor_is_sent_to_login_and_the_api_says_401(client, justice):
    response = client.get(f"/backoffice/agencies/{justice.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/login/")
    assert client.get(f"/api/core/agencies/{justice.code}").status_code == 401


def test_role_pages_need_the_role(client, make_staff, justice, province):
    client.force_login(make_staff(Role.SPECIALIST, agency=justice))
    assert client.get("/backoffice/audit/").status_code == 403
    assert client.get("/backoffice/calendar/").status_code == 403
    assert client.get("/api/security/audit").status_code == 403


def test_administrator_of_a_department_cannot_change_the_province_calendar(
    client, make_staff, justice
):
    client.force_login(make_staff(Role.ADMINISTRATOR, agency=justice))
    assert client.get("/backoffice/calendar/").status_code == 403


def test_province_unit_scope_counts_as_province_wide(client, make_staff, health):
    province_unit = AdministrativeUnit.objects.current().get(level="province", code="22")
    client.force_login(make_staff(Role.SECURITY_OFFICER, unit=province_unit))
    assert client.get("/backoffice/audit/").status_code == 200
