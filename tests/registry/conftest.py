import datetime as dt

import pytest

from motcua.core.models import AdministrativeUnit
from motcua.registry import idnumber
from motcua.registry.models import Citizen
from motcua.registry.names import name_key


@pytest.fixture
def communes(province) -> list[AdministrativeUnit]:
    """Two current communes of Quảng Ninh."""
    return list(AdministrativeUnit.objects.current().filter(parent__code="22").order_by("code")[:2])


@pytest.fixture
def make_citizen(communes):
    """make_citizen(full_name=…, birth_date=…, sex=…, **fields) → a stored Citizen with a
    consistent ID number, written directly (tests of rules need records services refuse)."""
    serials = iter(range(1, 1_000_000))

    def make(full_name="Nguyễn Văn An", birth_date=dt.date(1985, 4, 12), sex="male", **fields):
        number = fields.pop("id_number", None) or idnumber.compose(
            "022", birth_date.year if birth_date else 1985, sex or "male", next(serials)
        )
        values = {
            "id_number": number,
            "full_name": full_name,
            "name_key": name_key(full_name),
            "birth_date": birth_date,
            "sex": sex,
            "birth_province_code": number[:3],
            "ethnicity": "Kinh",
            "permanent_commune": communes[0],
            "permanent_address": "Tổ 1, Khu 2",
            "last_verified_at": dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC),
            **fields,
        }
        return Citizen.objects.create(**values)

    return make
