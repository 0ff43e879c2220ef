"""Shared fixtures. The province (units and agencies) and the procedure catalog are loaded
once into the test database; transactional tests, which empty the database, run last and
reload them."""

import pytest
from django.db import connection

from motcua.core.models import Agency, AgencyKind
from motcua.core.services import seed_agencies
from motcua.core.units import load_units
from motcua.identity.models import Role, User
from motcua.identity.services import create_staff_user, grant_role

JUSTICE = "000.00.04.H49"  # Sở Tư pháp
HEALTH = "000.00.10.H49"  # Sở Y tế
PROVINCE_PC = "000.00.00.H49"  # Ủy ban nhân dân tỉnh


def _ensure_province() -> None:
    """Units, agencies and the procedure catalog: reference data every test may use."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import seed_catalog

    if not Agency.objects.filter(code=PROVINCE_PC).exists():
        load_units()
        seed_agencies()
    if not Procedure.objects.exists():
        seed_catalog()
        # Reference data, not something a test did: tests of the audit trail start empty.
        from motcua.security.models import AuditChainHead, AuditRecord

        AuditRecord.objects.all().delete()
        AuditChainHead.objects.all().delete()


@pytest.fixture(autouse=True)
def quick_password_hashing(request, settings):
    """Argon2 costs ~0.5 s a password by design; tests create hundreds of accounts. Tests of
    hashing itself opt out with @pytest.mark.real_password_hashing."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _ensure_province()


@pytest.fixture
def province(db):
    _ensure_province()
    return Agency.objects.get(code=PROVINCE_PC)


@pytest.fixture
def justice(province) -> Agency:
    return Agency.objects.get(code=JUSTICE)


@pytest.fixture
def health(province) -> Agency:
    return Agency.objects.get(code=HEALTH)


@pytest.fixture
def make_staff(province):
    """make_staff(role, agency=…, unit=…) → a logged-in-able staff user with that role."""
    counter = iter(range(1, 10_000))

    def make(role: Role, *, agency: Agency | None = None, unit=None, password="pw-Quang-Ninh-22"):
        user = create_staff_user(
            f"{role}-{next(counter)}", full_name="Nguyễn Văn An", password=password
        )
        grant_role(user, role, agency=agency, unit=unit)
        return user

    return make


@pytest.fixture
def superuser(province) -> User:
    return User.objects.create_superuser("root", password="pw-Quang-Ninh-22")


def commune_committees(limit: int = 2) -> list[Agency]:
    return list(
        Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE, level="commune").order_by("code")[
            :limit
        ]
    )


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def subprocess_env() -> dict[str, str]:
    """Environment for a `motcua …` subprocess that must use this test database."""
    import os

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        user = settings_dict.get("USER") or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or "5432"
        url = f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "motcua.settings"}
