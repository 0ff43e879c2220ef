import pytest

from motcua.catalog.services import seed_catalog


@pytest.fixture
def catalog(db):
    return seed_catalog()
