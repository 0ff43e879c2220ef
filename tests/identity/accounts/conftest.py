import datetime as dt

import pytest

from motcua.identity.accounts import services
from tests.registry.conftest import communes, make_citizen  # noqa: F401

PASSWORD = "Hạ-Long-bay-2026"


@pytest.fixture
def sign_up(make_citizen):  # noqa: F811
    """sign_up(**citizen fields) → a level-1 citizen account with PASSWORD."""

    def make(**fields):
        citizen = make_citizen(**fields)
        return services.sign_up(
            id_number=citizen.id_number,
            full_name=citizen.full_name,
            birth_date=citizen.birth_date or dt.date(1985, 4, 12),
            contact="0912345678",
            password=PASSWORD,
        )

    return make


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read English messages: pages and services speak English here."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
