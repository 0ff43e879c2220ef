"""Seeding the catalog from its data files."""

import pytest
from django.core.management import call_command

from motcua.catalog.models import (
    EssentialService,
    Procedure,
    ProcedureDocument,
    ReuseSource,
    StepTemplate,
)
from motcua.catalog.services import seed_catalog

pytestmark = pytest.mark.django_db


def test_seed_loads_25_project06_procedures_and_53_essentials_with_43_online(catalog):
    assert Procedure.objects.count() == 25
    assert EssentialService.objects.count() == 53
    assert EssentialService.objects.filter(provided_online=True).count() == 43
    project06 = EssentialService.objects.filter(is_project06=True)
    assert project06.count() == 25
    assert not project06.filter(procedure=None).exists()


def test_seeding_twice_changes_nothing(catalog):
    counts = (
        Procedure.objects.count(),
        ProcedureDocument.objects.count(),
        StepTemplate.objects.count(),
        EssentialService.objects.count(),
    )
    again = seed_catalog()
    assert again["procedures_created"] == 0
    assert counts == (
        Procedure.objects.count(),
        ProcedureDocument.objects.count(),
        StepTemplate.objects.count(),
        EssentialService.objects.count(),
    )


def test_every_seeded_procedure_has_five_steps_adding_up_to_100(catalog):
    for procedure in Procedure.objects.all():
        shares = list(procedure.steps.values_list("share_percent", flat=True))
        assert len(shares) == 5 and sum(shares) == 100


def test_no_procedure_asks_for_an_id_card_or_household_book_as_paper(catalog):
    identity_papers = ProcedureDocument.objects.filter(
        document_type__code__in=["id_card", "household_book"]
    )
    assert identity_papers.exists()
    assert not identity_papers.exclude(document_type__reuse_source=ReuseSource.REGISTRY).exists()


def test_known_fees_and_processing_times(catalog):
    passport = Procedure.objects.get(code="2.002286")
    assert passport.processing_hours == 8 * 8
    assert passport.fees.get().amount == 200_000
    assert Procedure.objects.get(code="2.000488").fees.get().amount == 200_000
    assert Procedure.objects.get(code="1.002804").fees.get().amount == 135_000
    assert Procedure.objects.get(code="1.004194").processing_hours == 7 * 8


def test_management_command_seeds(db, capsys):
    call_command("catalog_seed")
    assert "25 procedures" in capsys.readouterr().out
