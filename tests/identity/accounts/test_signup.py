import datetime as dt

import pytest

from motcua.identity.models import AccountKind, EidLevel, User
from motcua.registry.models import CitizenStatus

pytestmark = pytest.mark.django_db


def _form(citizen, **changes):
    return {
        "id_number": citizen.id_number,
        "full_name": citizen.full_name,
        "birth_date": citizen.birth_date.isoformat(),
        "contact": "an.nguyen@example.vn",
        "password1": "Hạ-Long-bay-2026",
        "password2": "Hạ-Long-bay-2026",
        **changes,
    }


def test_a_citizen_in_the_registry_signs_up_at_level_1(client, make_citizen):
    citizen = make_citizen(full_name="Nguyễn Thị Hồng Nhung")
    response = client.post("/account/signup/", _form(citizen, full_name="NGUYEN thi hong  nhung"))
    assert response.status_code == 302
    user = User.objects.get(username=citizen.id_number)
    assert user.kind == AccountKind.CITIZEN
    assert user.eid_level == EidLevel.LEVEL_1
    assert user.citizen == citizen
    assert user.full_name == "Nguyễn Thị Hồng Nhung"
    assert user.email == "an.nguyen@example.vn"


def _refused(client, data) -> str:
    response = client.post("/account/signup/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    return page


def test_an_id_number_not_in_the_registry_is_refused(client, make_citizen):
    citizen = make_citizen()
    page = _refused(client, _form(citizen, id_number="022185000999"))
    assert "found no person" in page
    assert not User.objects.filter(kind=AccountKind.CITIZEN).exists()


def test_a_wrong_name_or_birth_date_is_refused_without_saying_which(client, make_citizen):
    citizen = make_citizen()
    wrong_name = _refused(client, _form(citizen, full_name="Trần Văn Bình"))
    wrong_date = _refused(client, _form(citizen, birth_date="1985-04-13"))
    assert "found no person" in wrong_name and "found no person" in wrong_date
    assert not User.objects.filter(kind=AccountKind.CITIZEN).exists()


def test_a_dead_person_cannot_have_an_account(client, make_citizen):
    citizen = make_citizen(status=CitizenStatus.DEAD, death_date=dt.date(2025, 1, 1))
    assert "cannot be opened" in _refused(client, _form(citizen))
    assert not User.objects.filter(kind=AccountKind.CITIZEN).exists()


def test_a_second_account_for_the_same_person_is_refused(client, make_citizen):
    citizen = make_citizen()
    client.post("/account/signup/", _form(citizen))
    page = _refused(client, _form(citizen, contact="0912345678"))
    assert "already exists" in page
    assert User.objects.filter(kind=AccountKind.CITIZEN).count() == 1


def test_a_weak_password_is_refused(client, make_citizen):
    citizen = make_citizen()
    _refused(client, _form(citizen, password1="12345678", password2="12345678"))
    assert not User.objects.filter(kind=AccountKind.CITIZEN).exists()
