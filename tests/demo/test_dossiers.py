import re

import pytest
from django.db import transaction

from motcua.demo.dossiers import load_demo_dossiers
from motcua.demo.services import load_demo_province
from motcua.dossiers.models import Dossier, DossierStatus, Timeliness
from motcua.registry.generate import generate_population

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H49-\d{6}-\d{4}$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """120 demo dossiers on a small registry, built once for the module's tests and rolled
    back after them, so other modules see an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_province()
        generate_population(2500, defect_rate=0.02, seed=22)
        yield load_demo_dossiers(count=120, seed=22)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_every_dossier_was_played_to_its_end(demo):
    assert demo.created == 120
    assert demo.interrupted == 0


def test_dossiers_end_in_every_status(demo):
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert statuses == set(DossierStatus.values)


def test_dossiers_are_handled_by_several_agencies(demo):
    assert Dossier.objects.values("agency").distinct().count() >= 3
    assert Dossier.objects.values("receiving_agency").distinct().count() >= 3


def test_some_dossiers_finished_late(demo):
    assert Dossier.objects.filter(timeliness=Timeliness.LATE).exists()


def test_codes_are_unique_and_well_formed(demo):
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 120
    assert all(CODE.match(code) for code in codes)


def test_each_returned_dossier_has_five_control_slip_lines(demo):
    returned = Dossier.objects.filter(status=DossierStatus.RESULT_RETURNED)
    assert returned.exists()
    for dossier in returned:
        assert dossier.steps.count() == 5
        assert not dossier.steps.filter(completed_at=None).exists()


def test_a_second_load_adds_nothing(demo):
    again = load_demo_dossiers(count=120, seed=22)
    assert again.created == 0
    assert again.dossiers == 120
