import datetime as dt

import pytest

from motcua.identity.models import Role
from motcua.registry.models import Citizen
from motcua.security.models import AuditAction, AuditRecord

pytestmark = pytest.mark.django_db

PURPOSE = "Kiểm tra hồ sơ"


@pytest.fixture
def officer(make_staff, province):
    return make_staff(Role.REGISTRY_OFFICER, agency=province)


@pytest.fixture
def people(make_citizen):
    return {
        "an": make_citizen("Nguyễn Văn An", dt.date(1985, 4, 12)),
        "anh": make_citizen("Nguyễn Văn Anh", dt.date(1990, 1, 1)),
        "dung": make_citizen("Đỗ Thị Dung", dt.date(1970, 2, 2), "female"),
        "lan": make_citizen("Trần Thị Lan", dt.date(1985, 4, 12), "female"),
    }


def search(client, **params):
    response = client.get("/api/registry/citizens", {"purpose": PURPOSE, **params})
    assert response.status_code == 200, response.content
    return [row["full_name"] for row in response.json()]


def test_name_without_diacritics_finds_the_name_with_them(client, officer, people):
    client.force_login(officer)
    assert search(client, q="nguyen van an") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert search(client, q="NGUYỄN VĂN AN")[0] == "Nguyễn Văn An"


def test_d_with_stroke_is_found_as_d(client, officer, people):
    client.force_login(officer)
    assert search(client, q="do thi dung") == ["Đỗ Thị Dung"]


def test_a_part_of_the_name_is_found_too(client, officer, people):
    client.force_login(officer)
    assert search(client, q="thi lan") == ["Trần Thị Lan"]


def test_search_by_id_number_and_by_birth_date(client, officer, people):
    client.force_login(officer)
    assert search(client, q=people["dung"].id_number) == ["Đỗ Thị Dung"]
    assert sorted(search(client, birth_date="1985-04-12")) == ["Nguyễn Văn An", "Trần Thị Lan"]


def test_every_search_and_read_is_audited_with_its_purpose(client, officer, people):
    client.force_login(officer)
    search(client, q="nguyen van an")
    audit = AuditRecord.objects.filter(action=AuditAction.READ).latest("sequence")
    assert audit.purpose == PURPOSE
    assert audit.actor == officer
    assert people["an"].id_number in audit.data["results"]
    client.get(f"/api/registry/citizens/{people['an'].id_number}", {"purpose": PURPOSE})
    read = AuditRecord.objects.filter(action=AuditAction.READ).latest("sequence")
    assert read.object_id == str(people["an"].pk)


def test_a_lookup_without_purpose_is_refused_and_reveals_nothing(client, officer, people):
    client.force_login(officer)
    response = client.get(f"/api/registry/citizens/{people['an'].id_number}")
    assert response.status_code == 422
    assert "Nguyễn" not in response.content.decode()
    assert not AuditRecord.objects.filter(action=AuditAction.READ).exists()


def test_a_commune_officer_sees_only_residents_of_their_commune(
    client, make_staff, communes, make_citizen
):
    here = make_citizen("Phạm Minh Tuấn", permanent_commune=communes[0])
    there = make_citizen("Phạm Minh Tuấn", permanent_commune=communes[1])
    client.force_login(make_staff(Role.REGISTRY_OFFICER, unit=communes[0]))
    response = client.get("/api/registry/citizens", {"purpose": PURPOSE, "q": "pham minh tuan"})
    assert [row["id_number"] for row in response.json()] == [here.id_number]
    denied = client.get(f"/api/registry/citizens/{there.id_number}", {"purpose": PURPOSE})
    assert denied.status_code == 403
    assert AuditRecord.objects.filter(action=AuditAction.PERMISSION_DENIED).exists()


def test_other_roles_cannot_read_the_registry(client, make_staff, province, people):
    client.force_login(make_staff(Role.SPECIALIST, agency=province))
    assert client.get("/api/registry/citizens", {"purpose": PURPOSE, "q": "an"}).status_code == 403
    assert client.get("/backoffice/registry/").status_code == 403


def test_household_lookup_lists_current_members(client, officer, people):
    from motcua.registry import services

    household = services.create_household("2212345678", head=people["an"])
    services.add_member(household, people["lan"], "spouse")
    client.force_login(officer)
    data = client.get("/api/registry/households/2212345678", {"purpose": PURPOSE}).json()
    assert {m["full_name"]: m["relation"] for m in data["members"]} == {
        "Nguyễn Văn An": "head",
        "Trần Thị Lan": "spouse",
    }
    assert client.get("/api/registry/households/0000", {"purpose": PURPOSE}).status_code == 404


def test_search_page_needs_a_criterion_and_a_purpose(client, officer, people):
    client.force_login(officer)
    page = client.get("/backoffice/registry/", {"q": "", "purpose": PURPOSE}).content.decode()
    assert 'role="alert"' in page
    page = client.get("/backoffice/registry/", {"q": "nguyen van an", "purpose": PURPOSE})
    assert "Nguyễn Văn An" in page.content.decode()


def test_citizen_page_asks_the_purpose_before_showing_anything(client, officer, people):
    client.force_login(officer)
    url = f"/backoffice/registry/citizens/{people['an'].id_number}/"
    first = client.get(url).content.decode()
    assert "12/04/1985" not in first and "Tổ 1, Khu 2" not in first
    assert not AuditRecord.objects.filter(action=AuditAction.READ).exists()
    page = client.get(url, {"purpose": PURPOSE}).content.decode()
    assert "12/04/1985" in page and "Tổ 1, Khu 2" in page
    assert PURPOSE in page  # the "who read this record" list shows this very read
    assert Citizen.objects.count() == 4
