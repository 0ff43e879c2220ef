"""Back-office pages of the one-stop engine: the inbox, a dossier's page with the actions
the officer may take now and its papers (scanned into the warehouse at step 2, opened
through the warehouse's audited access), counter intake, the forms as PDF and the SLA
dashboard.

State changes go through `services`, `interruptions` and `payments` only; this module
decides which actions to offer and turns domain errors into form errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure, Step
from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import Agency
from motcua.dossiers import interruptions, selectors, services, slips
from motcua.dossiers.actions import (
    allowed_actions,
    digitisation_form,
    dossier_documents,
    file_scans,
    form_kwargs,
    may_digitise,
    offers,
    papers,
    perform,
    rebound,
)
from motcua.dossiers.charts import on_time_chart
from motcua.dossiers.formdata import InvalidFormData
from motcua.dossiers.forms import (
    ACTION_FORMS,
    FIELD_PREFIX,
    ActionForm,
    DigitisationForm,
    InboxFilterForm,
    IntakeForm,
    ProcedureChoiceForm,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import deny, in_scope, open_step
from motcua.identity.models import Role, User
from motcua.identity.permissions import (
    acting_user,
    require_role,
    role_required,
    scoped,
)
from motcua.security.models import AuditAction
from motcua.security.services import record
from motcua.warehouse.models import Document
from motcua.warehouse.services import open_document

# Everyone who takes one of the five steps may open the dossiers of their agencies.
STAFF = (Role.ONE_STOP_OFFICER, Role.CLERK, Role.SPECIALIST, Role.LEADER)
PURPOSE = "one-stop processing"
PER_PAGE = 25


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


# --- inbox -----------------------------------------------------------------------------


def _urgency(due: dt.datetime | None, now: dt.datetime) -> str:
    if due is None:
        return ""
    if due < now:
        return "overdue"
    if timezone.localdate(due) == timezone.localdate(now):
        return "due-today"
    return ""


@role_required(*STAFF)
def inbox(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = InboxFilterForm(request.GET or None)
    tab, step = "", ""
    if form.is_valid():
        tab = form.cleaned_data["tab"]
        step = form.cleaned_data["step"] or ""
    counts = {
        "mine": selectors.queue(user, mine=True, step=step).count(),
        "agency": selectors.queue(user, mine=False, step=step).count(),
    }
    # Without a choice: the steps handed to me by name, when there are any.
    tab = tab or ("mine" if counts["mine"] else "agency")
    page = Paginator(selectors.queue(user, mine=tab == "mine", step=step), PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [
        {
            "step": row,
            "dossier": row.dossier,
            "step_state": _urgency(row.due_at, now),
            "deadline_state": _urgency(row.dossier.due_at, now),
        }
        for row in page
    ]
    return render(
        request,
        "dossiers/backoffice/inbox.html",
        {
            "form": form,
            "tab": tab,
            "step": step,
            "counts": counts,
            "page": page,
            "rows": rows,
            "steps": Step.choices,
        },
    )


# --- one dossier: what may be done ------------------------------------------------------


def _dossier_for(request: HttpRequest, code: str) -> Dossier:
    """The dossier, if the officer holds a one-stop role over its handling or receiving
    agency; otherwise 403, with the denial in the audit trail."""
    try:
        dossier = selectors.staff_dossier(request.user, code)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if not in_scope(request.user, STAFF, dossier):
        require_role(request, STAFF, dossier)  # not in scope: audits the denial and raises
    return dossier


@role_required(*STAFF)
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier_for(request, code)
    user = acting_user(request)
    posted: ActionForm | None = None
    kept: ActionForm | None = None
    conflict = ""
    if request.method == "POST":
        key = request.POST.get("action", "")
        cls = ACTION_FORMS.get(key)
        if cls is None:
            raise Http404(key)
        row = open_step(dossier)
        form = cls(request.POST, **form_kwargs(key, dossier, row))
        stale = str(request.POST.get(form.add_prefix("version"), "")) != str(dossier.version)
        if key not in allowed_actions(user, dossier):
            if not stale:
                raise deny(user, dossier, STAFF)
            # Someone acted first and the action is gone: keep the text to copy.
            conflict = _(
                "Dossier %(code)s was changed by someone else while you were working on it; "
                "this action is no longer possible. What you typed is kept below."
            ) % {"code": dossier.code}
            form.is_valid()
            kept = form
        elif form.is_valid():
            try:
                message = perform(key, form, dossier, user)
            except Conflict as exc:
                dossier = _dossier_for(request, code)
                conflict = exc.message
                posted = rebound(form, dossier)
                posted.add_error(None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
                posted = form
            else:
                messages.success(request, message)
                dossier.refresh_from_db()
                if not in_scope(user, STAFF, dossier):
                    return redirect("dossiers:inbox")
                return redirect("dossiers:detail", code=dossier.code)
        else:
            posted = form
    return _render_detail(request, dossier, user, posted=posted, kept=kept, conflict=conflict)


def _form_values(dossier: Dossier) -> list[tuple[str, Any]]:
    """The application's fields with their labels, in the procedure's order."""
    data = dict(dossier.form_data or {})
    values = []
    for spec in dossier.procedure.form_fields or []:
        if spec["name"] in data:
            values.append((spec.get("label") or spec["name"], data.pop(spec["name"])))
    return values + sorted(data.items())


def _render_detail(
    request: HttpRequest,
    dossier: Dossier,
    user: User,
    *,
    posted: ActionForm | None = None,
    kept: ActionForm | None = None,
    conflict: str = "",
    scans: DigitisationForm | None = None,
    status: int | None = None,
) -> HttpResponse:
    # Personal data on screen: every showing of the page goes to the audit trail.
    record(AuditAction.READ, request=request, obj=dossier, purpose=PURPOSE)
    now = timezone.now()
    slip = list(
        dossier.steps.select_related(
            "handed_by", "handed_from_agency", "assignee", "completed_by", "agency"
        ).order_by("started_at", "pk")
    )
    available = offers(user, dossier, posted)
    if status is None:
        status = 409 if conflict else (400 if posted is not None else 200)
    documents = dossier_documents(dossier)
    if scans is None and may_digitise(user, dossier):
        scans = digitisation_form(dossier)
    return render(
        request,
        "dossiers/backoffice/detail.html",
        {
            "dossier": dossier,
            "open_step": open_step(dossier),
            "slip": [
                {"row": row, "late_now": row.completed_at is None and row.due_at < now}
                for row in slip
            ],
            "events": dossier.events.select_related("actor").order_by("at", "pk"),
            "attachments": dossier.attachments.select_related("document_type"),
            "documents": documents,
            "papers": papers(dossier, documents),
            "scans": scans,
            "payments": dossier.payments.select_related("recorded_by"),
            "apologies": dossier.apologies.order_by("created_at"),
            "supplement": getattr(dossier, "supplement_request", None),
            "form_values": _form_values(dossier),
            "forms": slips.available_forms(dossier),
            "primary": [offer for offer in available if offer.primary],
            "others": [offer for offer in available if not offer.primary],
            "kept": kept,
            "conflict": conflict,
            "deadline_state": _urgency(dossier.due_at, now) if not dossier.is_closed else "",
            "just_received": request.GET.get("received") == "1",
        },
        status=status,
    )


FORM_NAMES = {
    "01": "receipt-and-appointment",
    "02": "supplement-request",
    "03": "refusal",
    "04": "apology",
    "05": "control-slip",
}


@role_required(*STAFF)
def form_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    dossier = _dossier_for(request, code)
    try:
        pdf = slips.render(dossier, number)
    except ValueError as exc:
        raise Http404(number) from exc
    record(AuditAction.READ, request=request, obj=dossier, purpose=PURPOSE, data={"form": number})
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{dossier.code}-{number}-{FORM_NAMES.get(number, 'form')}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@role_required(*STAFF)
def attachment(request: HttpRequest, code: str, pk: int) -> FileResponse:
    dossier = _dossier_for(request, code)
    found = dossier.attachments.filter(pk=pk).first()
    if found is None:
        raise Http404
    record(AuditAction.READ, request=request, obj=dossier, purpose=PURPOSE, data={"attachment": pk})
    return FileResponse(
        found.file.open("rb"), filename=found.name, content_type=found.content_type or None
    )


# --- papers scanned at the counter (step 2) ---------------------------------------------


@role_required(*STAFF)
@require_POST
def digitise_papers(request: HttpRequest, code: str) -> HttpResponse:
    """File the scanned papers of a dossier at step 2 into its owner's warehouse. Each input
    is one document, filed on its own (see `actions.file_scans`)."""
    dossier = _dossier_for(request, code)
    user = acting_user(request)
    if not may_digitise(user, dossier):
        if not in_scope(user, {Role.ONE_STOP_OFFICER, Role.CLERK}, dossier):
            raise deny(user, dossier, STAFF)
        conflict = _(
            "Dossier %(code)s is not waiting for its papers to be digitised by you; "
            "nothing was stored."
        ) % {"code": dossier.code}
        return _render_detail(request, dossier, user, conflict=conflict)
    form = digitisation_form(dossier, request.POST, request.FILES)
    stored = []
    if form.is_valid():
        try:
            stored = file_scans(dossier, user, form)
        except DomainError as exc:
            form.add_error(None, exc.message)
    if stored:
        messages.success(
            request,
            ngettext(
                "%(count)d paper was filed in the applicant's warehouse.",
                "%(count)d papers were filed in the applicant's warehouse.",
                len(stored),
            )
            % {"count": len(stored)},
        )
    if form.is_valid():
        return redirect("dossiers:detail", code=dossier.code)
    # A refused file: its reason next to its input; whatever else was filed is listed.
    return _render_detail(request, dossier, user, scans=form, status=422)


@role_required(*STAFF)
def document(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """Open one of the dossier's warehouse documents; the warehouse checks that the dossier
    references it and records the opening in the audit trail."""
    dossier = _dossier_for(request, code)
    found = Document.objects.select_related("file", "document_type").filter(pk=pk).first()
    if found is None:
        raise Http404
    handle = open_document(request.user, found, PURPOSE, dossier=dossier)
    return FileResponse(
        handle,
        filename=f"{dossier.code}-{found.document_type.code}-{found.pk}.pdf",
        content_type="application/pdf",
    )


# --- counter intake ---------------------------------------------------------------------


def _desk_agencies(user: Any, procedure: Procedure) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_active=True, level=procedure.agency_level)
    return scoped(user, Role.ONE_STOP_OFFICER, agencies, agency_path="").order_by("name")


@role_required(Role.ONE_STOP_OFFICER)
def intake(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    code = request.POST.get("procedure") or request.GET.get("procedure") or ""
    chooser = ProcedureChoiceForm({"procedure": code} if code else None)
    if not code or not chooser.is_valid():
        return render(request, "dossiers/backoffice/intake.html", {"chooser": chooser})
    procedure: Procedure = chooser.cleaned_data["procedure"]
    agencies = _desk_agencies(user, procedure)
    form = IntakeForm(
        request.POST if request.method == "POST" else None,
        procedure=procedure,
        agencies=agencies,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        app = services.Application(
            procedure=procedure,
            form_data=form.form_data(),
            agency=data["agency"],
            phone=data["phone"],
            email=data["email"],
            representative_name=data["representative_name"],
            representative_id_number=data["representative_id_number"],
            idempotency_key=data["idempotency_key"],
        )
        try:
            dossier = services.intake_at_counter(
                user, app, data["id_number"], channel=data["channel"]
            )
        except InvalidFormData as exc:
            for name, text in exc.errors.items():
                field = FIELD_PREFIX + name
                form.add_error(field if field in form.fields else None, text)
        except DomainError as exc:
            form.add_error("id_number" if exc.code == "id_number" else None, exc.message)
        except PermissionDenied as exc:
            form.add_error("agency", str(exc))
        else:
            messages.success(
                request,
                _("Dossier %(code)s was received at the counter.") % {"code": dossier.code},
            )
            return redirect(reverse("dossiers:detail", args=[dossier.code]) + "?received=1")
    return render(
        request,
        "dossiers/backoffice/intake.html",
        {"chooser": chooser, "form": form, "procedure": procedure},
        status=400 if form.is_bound else 200,
    )


# --- SLA dashboard ----------------------------------------------------------------------


@role_required(*STAFF)
def sla(request: HttpRequest) -> HttpResponse:
    visible = selectors.visible_to_staff(request.user)
    figures = selectors.dashboard(visible)
    apologies = [
        (dossier, interruptions.propose_apology_date(dossier))
        for dossier in interruptions.needing_apology(visible)
    ]
    return render(
        request,
        "dossiers/backoffice/sla.html",
        {
            "figures": figures,
            "on_time_percent": round(figures.on_time_rate * 100, 1),
            "by_agency": [(row, round(row.on_time_rate * 100, 1)) for row in figures.by_agency],
            "by_procedure": [
                (row, round(row.on_time_rate * 100, 1)) for row in figures.by_procedure
            ],
            "agency_chart": on_time_chart(figures.by_agency),
            "procedure_chart": on_time_chart(figures.by_procedure),
            "apologies": apologies,
            "now": timezone.now(),
        },
    )
