"""The forms 01–05 of a dossier: which ones exist, and their content from the dossier."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierStatus, DossierStep
from motcua.dossiers.printing import FormData, SlipLine, render_form


def available_forms(dossier: Dossier) -> list[str]:
    """Form numbers that apply to the dossier as it stands."""
    forms = []
    if dossier.received_at is not None:
        forms.append("01")
    if hasattr(dossier, "supplement_request"):
        forms.append("02")
    if dossier.status == DossierStatus.REFUSED:
        forms.append("03")
    if dossier.apologies.exists():
        forms.append("04")
    forms.append("05")
    return forms


def _person(user: object | None) -> str:
    if user is None:
        return ""
    name = user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
    return str(name)


def _party(user: object | None, agency: object | None, role_label: str = "") -> str:
    who = _person(user) or role_label
    return " — ".join(part for part in (who, str(agency or "")) if part)


def _slip_line(row: DossierStep) -> SlipLine:
    return SlipLine(
        step=str(row.get_step_display()),
        from_party=_party(row.handed_by, row.handed_from_agency) or _("Applicant"),
        to_party=_party(row.assignee or row.completed_by, row.agency, str(row.get_role_display())),
        handed_at=row.started_at,
        due_at=row.due_at,
        timeliness=str(row.get_timeliness_display()) if row.timeliness else "",
        note=row.note[:300],
    )


def form_data(dossier: Dossier, *, lookup_url: str = "") -> FormData:
    agency = dossier.receiving_agency
    parent = agency.parent.name if agency.parent_id else ""  # type: ignore[union-attr]
    supplement = getattr(dossier, "supplement_request", None)
    apology = dossier.apologies.order_by("-created_at").first()
    steps = list(
        dossier.steps.select_related(
            "handed_by", "handed_from_agency", "assignee", "completed_by", "agency"
        ).order_by("started_at", "pk")
    )
    first = steps[0] if steps else None
    refusal = dossier.events.filter(kind="refused").order_by("-at").first()
    return FormData(
        agency_name=agency.name,
        parent_agency_name=parent,
        dossier_code=dossier.code,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.owner_id_number,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        applicant_email=dossier.applicant_email,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        officer_name=_person(first.completed_by) if first else "",
        documents=tuple(
            f"{d.document_type}"
            for d in dossier.procedure.documents.select_related("document_type")
        ),
        supplement_items=tuple(supplement.items) if supplement else (),
        reason=(
            (refusal.note if refusal else "")
            or (apology.reason if apology else "")
            or (supplement.reason if supplement else "")
        ),
        new_due_at=apology.new_due_at if apology else None,
        fees=tuple((fee.label, fee.amount) for fee in dossier.procedure.fees.all()),
        slip=tuple(_slip_line(row) for row in steps),
        issued_at=timezone.now(),
        lookup_url=lookup_url,
        place=agency.unit.name if agency.unit_id else "",
    )


def render(dossier: Dossier, number: str, *, lookup_url: str = "", language: str = "vi") -> bytes:
    """The PDF of form `number` for the dossier; ValueError for a form that does not apply."""
    if number not in available_forms(dossier):
        raise ValueError(number)
    return render_form(number, form_data(dossier, lookup_url=lookup_url), language=language)
