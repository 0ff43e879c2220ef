"""The catalog's back-office pages."""

import pytest

from motcua.catalog.models import Procedure
from motcua.core.services import province_unit
from motcua.identity.models import Role
from motcua.security.models import AuditAction, AuditRecord

pytestmark = pytest.mark.django_db

CODE = "2.000488"


@pytest.fixture
def administrator(make_staff, province):
    return make_staff(Role.ADMINISTRATOR, unit=province_unit())


def _main_fields(procedure: Procedure, **changes) -> dict:
    data = {
        "action": "main",
        "name": procedure.name,
        "sector": procedure.sector,
        "agency_level": procedure.agency_level,
        "agency": "",
        "online_level": procedure.online_level,
        "eid_level": procedure.eid_level,
        "processing_hours": procedure.processing_hours,
        "legal_basis": procedure.legal_basis,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_administrator_sees_the_list_with_filters(client, catalog, administrator):
    client.force_login(administrator)
    response = client.get("/backoffice/catalog/", {"sector": "Hộ tịch"})
    assert response.status_code == 200
    assert "1.001193" in response.content.decode()
    assert "2.002286" not in response.content.decode()


def test_administrator_changes_the_processing_time_and_it_is_audited(
    client, catalog, administrator
):
    client.force_login(administrator)
    procedure = Procedure.objects.get(code=CODE)
    response = client.post(
        f"/backoffice/catalog/{CODE}/", _main_fields(procedure, processing_hours=64)
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.processing_hours == 64
    audit = AuditRecord.objects.filter(
        action=AuditAction.UPDATE, object_type="catalog.procedure", object_id=str(procedure.pk)
    ).latest("sequence")
    assert audit.actor == administrator
    assert audit.data["changes"]["processing_hours"] == ["80", "64"]


def test_step_shares_not_adding_up_are_shown_as_an_alert(client, catalog, administrator):
    client.force_login(administrator)
    data = {"action": "steps"}
    for step, role, percent in [
        ("receive", "one_stop_officer", 5),
        ("digitise", "one_stop_officer", 5),
        ("appraise", "specialist", 70),
        ("approve", "leader", 20),
        ("return", "one_stop_officer", 10),
    ]:
        data[f"{step}_role"] = role
        data[f"{step}_percent"] = percent
    response = client.post(f"/backoffice/catalog/{CODE}/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "110" in body


def test_a_specialist_is_refused(client, catalog, make_staff, province):
    client.force_login(make_staff(Role.SPECIALIST, agency=province))
    assert client.get("/backoffice/catalog/").status_code == 403
    assert client.get(f"/backoffice/catalog/{CODE}/").status_code == 403
