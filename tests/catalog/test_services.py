"""Changing procedures and their step templates."""

import pytest

from motcua.catalog.models import Procedure, Step
from motcua.catalog.services import (
    DEFAULT_SHARES,
    DocumentSpec,
    FeeSpec,
    ProcedureSpec,
    save_procedure,
    set_step_template,
    update_procedure,
)
from motcua.core.exceptions import DomainError
from motcua.identity.models import Role
from motcua.security.models import AuditAction, AuditRecord

pytestmark = pytest.mark.django_db


def test_step_shares_that_do_not_add_up_to_100_are_refused_with_the_total(catalog):
    procedure = Procedure.objects.get(code="1.001193")
    shares = dict(DEFAULT_SHARES)
    shares[Step.APPRAISE] = (Role.SPECIALIST, 50)
    with pytest.raises(DomainError) as error:
        set_step_template(procedure, shares)
    assert error.value.code == "shares"
    assert "90" in error.value.message
    assert sorted(procedure.steps.values_list("share_percent", flat=True)) == [5, 5, 10, 20, 60]


def test_a_step_template_without_all_five_steps_is_refused(catalog):
    procedure = Procedure.objects.get(code="1.001193")
    shares = dict(DEFAULT_SHARES)
    del shares[Step.RETURN]
    with pytest.raises(DomainError) as error:
        set_step_template(procedure, shares)
    assert error.value.code == "steps"


def test_save_procedure_writes_documents_fees_and_steps_and_audits(catalog):
    spec = ProcedureSpec(
        code="9.999999",
        name="Thủ tục thử",
        sector="Thử nghiệm",
        agency_level="commune",
        online_level="full",
        eid_level=2,
        processing_hours=16,
        documents=[DocumentSpec("declaration_ct01")],
        fees=[FeeSpec("Lệ phí", 10_000)],
    )
    procedure = save_procedure(spec)
    assert procedure.documents.count() == 1
    assert procedure.fees.get().amount == 10_000
    assert procedure.steps.count() == 5
    assert AuditRecord.objects.filter(
        action=AuditAction.CREATE, object_id=str(procedure.pk), object_type="catalog.procedure"
    ).exists()


def test_save_procedure_with_an_unknown_document_type_leaves_nothing(catalog):
    spec = ProcedureSpec(
        code="9.999998",
        name="Thủ tục thử",
        sector="Thử nghiệm",
        agency_level="commune",
        online_level="full",
        eid_level=1,
        processing_hours=8,
        documents=[DocumentSpec("no_such_paper")],
    )
    with pytest.raises(DomainError):
        save_procedure(spec)
    assert not Procedure.objects.filter(code="9.999998").exists()


def test_update_procedure_refuses_an_e_id_level_of_three(catalog):
    procedure = Procedure.objects.get(code="1.001193")
    with pytest.raises(DomainError):
        update_procedure(procedure, eid_level=3)
