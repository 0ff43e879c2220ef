"""Changing the catalog: procedures with their papers, fees and steps; the seed loader."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    STEP_ORDER,
    DocumentType,
    EssentialService,
    OnlineLevel,
    Procedure,
    ProcedureDocument,
    ProcedureFee,
    ReuseSource,
    Step,
    StepTemplate,
)
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency, AgencyLevel
from motcua.identity.models import Role
from motcua.security.models import AuditAction
from motcua.security.services import record

DATA_DIR = Path(__file__).parent / "data"

DEFAULT_SHARES: dict[str, tuple[str, int]] = {
    Step.RECEIVE: (Role.ONE_STOP_OFFICER, 5),
    Step.DIGITISE: (Role.ONE_STOP_OFFICER, 5),
    Step.APPRAISE: (Role.SPECIALIST, 60),
    Step.APPROVE: (Role.LEADER, 20),
    Step.RETURN: (Role.ONE_STOP_OFFICER, 10),
}

# A procedure that declares no fields still asks what the applicant wants.
DEFAULT_FORM_FIELDS = (
    {"name": "request", "label": "Nội dung đề nghị", "type": "text", "required": True},
)

MAIN_FIELDS = (
    "name",
    "sector",
    "agency_level",
    "agency",
    "online_level",
    "eid_level",
    "processing_hours",
    "legal_basis",
    "is_active",
)


@dataclass
class DocumentSpec:
    document_type: str  # DocumentType.code
    required: bool = True
    note: str = ""


@dataclass
class FeeSpec:
    label: str
    amount: int
    note: str = ""


@dataclass
class ProcedureSpec:
    code: str
    name: str
    sector: str
    agency_level: str
    online_level: str
    eid_level: int
    processing_hours: int
    legal_basis: str = ""
    is_active: bool = True
    agency: Any = None
    documents: list[DocumentSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    steps: dict[str, tuple[str, int]] = field(default_factory=lambda: dict(DEFAULT_SHARES))
    form_fields: list[dict[str, Any]] = field(default_factory=list)


def _validate(spec: ProcedureSpec) -> None:
    if not spec.code.strip() or not spec.name.strip():
        raise DomainError(_("A procedure needs a national code and a name."), code="required")
    if spec.agency_level not in AgencyLevel.values:
        raise DomainError(_("Unknown handling level."), code="agency_level")
    if spec.online_level not in OnlineLevel.values:
        raise DomainError(_("Unknown online level."), code="online_level")
    if spec.eid_level not in (1, 2):
        raise DomainError(_("The e-ID level required is 1 or 2."), code="eid_level")
    if spec.processing_hours < 1:
        raise DomainError(
            _("The processing time is at least one working hour."), code="processing_hours"
        )
    for fee in spec.fees:
        if fee.amount < 0:
            raise DomainError(_("A fee cannot be negative."), code="fee")


def _check_shares(shares: dict[str, tuple[str, int]]) -> None:
    missing = [step.label for step in Step if step.value not in shares]
    if missing or set(shares) - set(Step.values):
        raise DomainError(
            _("The step template needs exactly the five steps; missing: %(steps)s.")
            % {"steps": ", ".join(str(label) for label in missing) or "—"},
            code="steps",
        )
    for role, percent in shares.values():
        if role not in Role.values:
            raise DomainError(_("Unknown role %(role)s.") % {"role": role}, code="role")
        if percent < 0:
            raise DomainError(_("A step's share cannot be negative."), code="shares")
    total = sum(percent for _role, percent in shares.values())
    if total != 100:
        raise DomainError(
            _("The five steps' shares must add up to 100%%; they add up to %(total)s%%.")
            % {"total": total},
            code="shares",
        )


def _write_steps(procedure: Procedure, shares: dict[str, tuple[str, int]]) -> None:
    procedure.steps.all().delete()
    StepTemplate.objects.bulk_create(
        StepTemplate(
            procedure=procedure,
            step=step,
            order=STEP_ORDER[step],
            role=role,
            share_percent=percent,
        )
        for step, (role, percent) in sorted(shares.items(), key=lambda item: STEP_ORDER[item[0]])
    )


@transaction.atomic
def set_step_template(
    procedure: Procedure,
    shares: dict[str, tuple[str, int]],
    *,
    actor: Any = None,
    audit: bool = True,
) -> None:
    """Replace a procedure's five steps. Guarantees all five are present, every role is a
    staff role and the shares add up to exactly 100; otherwise nothing changes."""
    _check_shares(shares)
    _write_steps(procedure, shares)
    if audit:
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=procedure,
            data={"steps": {str(k): [str(r), p] for k, (r, p) in shares.items()}},
        )


def _document_types(specs: list[DocumentSpec]) -> dict[str, DocumentType]:
    codes = {spec.document_type for spec in specs}
    found = {d.code: d for d in DocumentType.objects.filter(code__in=codes)}
    unknown = codes - set(found)
    if unknown:
        raise DomainError(
            _("Unknown document type: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="document_type",
        )
    return found


@transaction.atomic
def save_procedure(spec: ProcedureSpec, *, actor: Any = None) -> Procedure:
    """Create or replace a procedure with its documents, fees and step template, all in one
    transaction and one audit record; a validation error leaves the catalog unchanged."""
    _validate(spec)
    _check_shares(spec.steps)
    types = _document_types(spec.documents)
    values = {name: getattr(spec, name) for name in MAIN_FIELDS}
    values["form_fields"] = spec.form_fields or list(DEFAULT_FORM_FIELDS)
    procedure, created = Procedure.objects.select_for_update().update_or_create(
        code=spec.code, defaults=values
    )
    procedure.documents.all().delete()
    ProcedureDocument.objects.bulk_create(
        ProcedureDocument(
            procedure=procedure,
            document_type=types[doc.document_type],
            required=doc.required,
            note=doc.note,
        )
        for doc in spec.documents
    )
    procedure.fees.all().delete()
    ProcedureFee.objects.bulk_create(
        ProcedureFee(procedure=procedure, label=fee.label, amount=fee.amount, note=fee.note)
        for fee in spec.fees
    )
    _write_steps(procedure, spec.steps)
    record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        obj=procedure,
        data={"code": procedure.code},
    )
    return procedure


@transaction.atomic
def update_procedure(procedure: Procedure, *, actor: Any = None, **changes: Any) -> Procedure:
    """Change a procedure's main fields (not its papers or steps), audited with the old and
    new values of what changed. Unknown field names are refused."""
    unknown = set(changes) - set(MAIN_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here."), code="fields")
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    spec_values = {name: changes.get(name, getattr(locked, name)) for name in MAIN_FIELDS}
    _validate(ProcedureSpec(code=locked.code, **spec_values))
    diff: dict[str, list[Any]] = {}
    for name, value in changes.items():
        old = getattr(locked, name)
        if old != value:
            diff[name] = [str(old), str(value)]
            setattr(locked, name, value)
    if diff:
        locked.save(update_fields=list(diff))
        record(AuditAction.UPDATE, actor=actor, obj=locked, data={"changes": diff})
    return locked


def _load(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _spec_from_json(item: dict[str, Any]) -> ProcedureSpec:
    days = item.get("processing_days")
    hours = item.get("processing_hours") or round(float(days or 0) * 8)
    return ProcedureSpec(
        code=item["code"],
        name=item["name"],
        sector=item["sector"],
        agency_level=item["agency_level"],
        online_level=item["online_level"],
        eid_level=item["eid_level"],
        processing_hours=hours,
        legal_basis=item.get("legal_basis", ""),
        documents=[DocumentSpec(**doc) for doc in item.get("documents", [])],
        fees=[FeeSpec(**fee) for fee in item.get("fees", [])],
        form_fields=item.get("form_fields", []),
        agency=Agency.objects.filter(code=item.get("agency") or "").first(),
    )


@transaction.atomic
def seed_catalog() -> dict[str, int]:
    """Load the document types, the 25 Project 06 procedures and the 53 essential services
    from `catalog/data/`. Idempotent: a second run leaves the same rows; procedures an
    administrator already changed are left as they are."""
    data = _load("procedures.json")
    for item in data["document_types"]:
        DocumentType.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "reuse_source": item.get("reuse_source", ReuseSource.NONE),
            },
        )
    created = 0
    for item in data["procedures"]:
        if not Procedure.objects.filter(code=item["code"]).exists():
            save_procedure(_spec_from_json(item))
            created += 1
    procedures = {p.code: p for p in Procedure.objects.all()}
    for item in _load("essential_services.json"):
        EssentialService.objects.update_or_create(
            number=item["number"],
            defaults={
                "name": item["name"],
                "is_project06": item.get("is_project06", False),
                "provided_online": item.get("provided_online", False),
                "procedure": procedures.get(item.get("procedure") or ""),
            },
        )
    return {
        "procedures_created": created,
        "procedures": Procedure.objects.count(),
        "essential_services": EssentialService.objects.count(),
    }
