import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.catalog.models import Procedure
from motcua.core.models import Agency, AgencyKind
from motcua.dossiers.services import Application, submit_online
from motcua.identity.models import Role
from tests.registry.conftest import communes, make_citizen  # noqa: F401

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
BIRTH = "1.001193"
BIRTH_FORM = {
    "child_full_name": "Trần Minh Khôi",
    "child_birth_date": "2026-11-20",
    "child_sex": "Nam",
    "birth_place": "Bệnh viện Bãi Cháy",
    "mother_id_number": "022185000123",
}


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read English messages."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def catalog(province):
    """The seeded catalog (loaded with the province, once per test database)."""


@pytest.fixture
def birth(catalog) -> Procedure:
    return Procedure.objects.get(code=BIRTH)


@pytest.fixture
def commune_pc(communes) -> Agency:  # noqa: F811
    return Agency.objects.get(kind=AgencyKind.PEOPLES_COMMITTEE, unit=communes[0])


@pytest.fixture
def other_pc(communes) -> Agency:  # noqa: F811
    return Agency.objects.get(kind=AgencyKind.PEOPLES_COMMITTEE, unit=communes[1])


@pytest.fixture
def applicant(make_citizen):  # noqa: F811
    """A level-2 citizen account living in the first commune."""
    from motcua.identity.models import AccountKind, User

    citizen = make_citizen(
        full_name="Nguyễn Thị Ánh Tuyết", sex="female", birth_date=dt.date(1990, 3, 8)
    )
    return User.objects.create_user(
        citizen.id_number,
        password="Hạ-Long-bay-2026",
        kind=AccountKind.CITIZEN,
        citizen=citizen,
        eid_level=2,
        email="tuyet@example.vn",
        first_name=citizen.full_name,
    )


@pytest.fixture
def staff(make_staff, commune_pc):
    """One officer per role at the applicant's commune People's Committee."""
    return {
        role: make_staff(role, agency=commune_pc)
        for role in (Role.ONE_STOP_OFFICER, Role.CLERK, Role.SPECIALIST, Role.LEADER)
    }


@pytest.fixture
def submit(applicant, birth):
    """submit(**application fields) → an online birth-registration dossier."""

    def make(at=None, **fields):
        values = {"procedure": birth, "form_data": dict(BIRTH_FORM), "email": "", **fields}
        return submit_online(applicant, Application(**values), at=at)

    return make
