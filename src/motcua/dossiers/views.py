"""Back-office pages of the one-stop engine: the inbox, a dossier's page with the actions
the officer may take now, counter intake, the forms as PDF and the SLA dashboard.

State changes go through `services`, `interruptions` and `payments` only; this module
decides which actions to offer and turns domain errors into form errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import STEP_ORDER, Procedure, Step
from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import Agency
from motcua.dossiers import interruptions, payments, selectors, services, slips
from motcua.dossiers.charts import on_time_chart
from motcua.dossiers.formdata import InvalidFormData
from motcua.dossiers.forms import (
    ACTION_FORMS,
    FIELD_PREFIX,
    ActionForm,
    InboxFilterForm,
    IntakeForm,
    ProcedureChoiceForm,
)
from motcua.dossiers.models import Dossier, DossierStatus, DossierStep
from motcua.dossiers.transitions import DESK_STEPS, deny, in_scope, open_step
from motcua.identity.models import Role, User
from motcua.identity.permissions import (
    acting_user,
    has_role,
    require_role,
    role_required,
    scope_of,
    scoped,
)
from motcua.security.models import AuditAction
from motcua.security.services import record

# Everyone who takes one of the five steps may open the dossiers of their agencies.
STAFF = (Role.ONE_STOP_OFFICER, Role.CLERK, Role.SPECIALIST, Role.LEADER)
PURPOSE = "one-stop processing"
PER_PAGE = 25

# The step action, the status it needs and the step that follows.
STEP_ACTIONS: dict[str, tuple[str, int, str | None]] = {
    Step.RECEIVE: ("receive", DossierStatus.SUBMITTED, Step.DIGITISE),
    Step.DIGITISE: ("digitise", DossierStatus.RECEIVED, Step.APPRAISE),
    Step.APPRAISE: ("appraise", DossierStatus.PROCESSING, Step.APPROVE),
    Step.APPROVE: ("approve", DossierStatus.PROCESSING, Step.RETURN),
    Step.RETURN: ("return", DossierStatus.RESULT_READY, None),
}
STAFF_ACTING = interruptions.STAFF_ACTING


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


def _next_step(step: str) -> str | None:
    later = [s for s in Step if STEP_ORDER[s] == STEP_ORDER[step] + 1]
    return later[0].value if later else None


def _handover_people(dossier: Dossier, next_step: str | None) -> tuple[QuerySet[User], str]:
    """The active people who hold the next step's role over the agency it will run at."""
    if next_step is None:
        return User.objects.none(), ""
    template = dossier.procedure.steps.filter(step=next_step).first()
    if template is None:
        return User.objects.none(), ""
    agency = dossier.receiving_agency if next_step in DESK_STEPS else dossier.agency
    scope = scope_of(agency)
    people = (
        User.objects.filter(is_active=True)
        .filter(
            Q(role_assignments__role=template.role)
            & (
                Q(role_assignments__agency_id__in=scope.agency_ids)
                | Q(role_assignments__unit_id__in=scope.unit_ids)
            )
        )
        .distinct()
        .order_by("full_name", "username")
    )
    return people, str(template.get_role_display())


def _transfer_targets(dossier: Dossier) -> QuerySet[Agency]:
    return (
        Agency.objects.filter(is_active=True, level=dossier.agency.level)
        .exclude(pk=dossier.agency_id)
        .order_by("name")
    )


@dataclass
class Offer:
    """An action the officer may take now, with the form to show for it."""

    key: str
    form: ActionForm
    primary: bool = False


def _form_kwargs(key: str, dossier: Dossier, row: DossierStep | None) -> dict[str, Any]:
    if key in ("receive", "digitise", "appraise", "approve") and row is not None:
        people, role_label = _handover_people(dossier, _next_step(row.step))
        return {"people": people, "role_label": role_label}
    if key == "transfer":
        return {"agencies": _transfer_targets(dossier)}
    return {}


def _initial(key: str, dossier: Dossier) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": dossier.version}
    if key == "apology":
        proposed = interruptions.propose_apology_date(dossier)
        if proposed is not None:
            initial["new_due_at"] = timezone.localtime(proposed)
    if key == "payment":
        initial["amount"] = dossier.fees_outstanding
    return initial


def allowed_actions(user: Any, dossier: Dossier) -> list[str]:
    """The actions `user` may take on `dossier` now, the open step's action first."""
    keys: list[str] = []
    status = dossier.status
    row = open_step(dossier)
    holds_step = row is not None and has_role(user, {row.role}, row.agency)
    if row is not None and holds_step:
        key, needed, _next = STEP_ACTIONS[row.step]
        if status == needed:
            keys.append(key)
    unfinished = status in interruptions.UNFINISHED
    if (
        holds_step
        and status in (DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.PROCESSING)
        and not hasattr(dossier, "supplement_request")
    ):
        keys.append("supplement")
    desk = in_scope(user, {Role.ONE_STOP_OFFICER}, dossier)
    if status == DossierStatus.SUPPLEMENT_REQUESTED and desk:
        keys.append("supplemented")
    if status in payments.PAYABLE and dossier.fees_outstanding and desk:
        keys.append("payment")
    acting = in_scope(user, STAFF_ACTING, dossier)
    if unfinished and acting and dossier.due_at is not None:
        keys.append("apology")
    if unfinished and acting:
        keys.extend(["transfer", "refuse"])
    if (unfinished or status == DossierStatus.FEES_DUE) and in_scope(user, {Role.LEADER}, dossier):
        keys.append("stop")
    return keys


def _offers(user: Any, dossier: Dossier, posted: ActionForm | None = None) -> list[Offer]:
    row = open_step(dossier)
    offers = []
    for index, key in enumerate(allowed_actions(user, dossier)):
        if posted is not None and posted.key == key:
            form = posted
        else:
            cls = ACTION_FORMS[key]
            form = cls(initial=_initial(key, dossier), **_form_kwargs(key, dossier, row))
        offers.append(Offer(key, form, primary=index == 0 and key in _step_keys()))
    return offers


def _step_keys() -> set[str]:
    return {key for key, _status, _next in STEP_ACTIONS.values()}


def _perform(key: str, form: ActionForm, dossier: Dossier, user: User) -> str:
    """Run the action through its service function; returns the success message."""
    data = form.cleaned_data
    version = data["version"]
    to_user = data.get("to_user")
    if key == "receive":
        services.receive(dossier, user, version=version, to_user=to_user, note=data["note"])
        return _("The dossier was received; the deadline runs from now.")
    if key == "digitise":
        services.digitise(dossier, user, version=version, to_user=to_user, note=data["note"])
        return _("The papers are digitised; the dossier went for appraisal.")
    if key == "appraise":
        services.appraise(dossier, user, opinion=data["opinion"], version=version, to_user=to_user)
        return _("The appraisal went for approval.")
    if key == "approve":
        services.approve(
            dossier, user, result_summary=data["result_summary"], version=version, to_user=to_user
        )
        return _("The result was approved.")
    if key == "return":
        services.return_result(dossier, user, version=version, note=data["note"])
        return _("The result was returned to the applicant.")
    if key == "supplement":
        items = form.item_list()  # type: ignore[attr-defined]
        interruptions.request_supplement(
            dossier, user, items=items, reason=data["reason"], version=version
        )
        return _("The supplement request was sent to the applicant (form 02).")
    if key == "supplemented":
        interruptions.provide_supplement(dossier, user, note=data["note"], version=version)
        return _("The supplement was recorded; the dossier resumes.")
    if key == "refuse":
        interruptions.refuse(dossier, user, reason=data["reason"], version=version)
        return _("The dossier was refused (form 03).")
    if key == "stop":
        interruptions.stop(dossier, user, reason=data["reason"], version=version)
        return _("Handling of the dossier was stopped.")
    if key == "transfer":
        interruptions.transfer(
            dossier, user, to_agency=data["to_agency"], reason=data["reason"], version=version
        )
        return _("The dossier was transferred to %(agency)s.") % {"agency": data["to_agency"]}
    if key == "apology":
        interruptions.apologise(
            dossier, user, reason=data["reason"], new_due_at=data["new_due_at"], version=version
        )
        return _("The apology and the new return date were recorded (form 04).")
    if key == "payment":
        if version != dossier.version:
            raise Conflict(
                _("The dossier changed while you were working on it; check the fees still due."),
                code="stale",
            )
        payments.record_payment(
            dossier, user, amount=data["amount"], method=data["method"], reference=data["reference"]
        )
        return _("The payment was recorded.")
    raise Http404(key)


def _rebound(form: ActionForm, dossier: Dossier) -> ActionForm:
    """The posted form again, carrying the dossier's current version: what the officer typed
    stays, and posting it once more acts on the dossier as it now is."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix("version")] = str(dossier.version)
    row = open_step(dossier)
    fresh = type(form)(data, **_form_kwargs(form.key, dossier, row))
    fresh.is_valid()
    return fresh


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
        form = cls(request.POST, **_form_kwargs(key, dossier, row))
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
                message = _perform(key, form, dossier, user)
            except Conflict as exc:
                dossier = _dossier_for(request, code)
                conflict = exc.message
                posted = _rebound(form, dossier)
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
) -> HttpResponse:
    # Personal data on screen: every showing of the page goes to the audit trail.
    record(AuditAction.READ, request=request, obj=dossier, purpose=PURPOSE)
    now = timezone.now()
    slip = list(
        dossier.steps.select_related(
            "handed_by", "handed_from_agency", "assignee", "completed_by", "agency"
        ).order_by("started_at", "pk")
    )
    offers = _offers(user, dossier, posted)
    status = 409 if conflict else (400 if posted is not None else 200)
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
            "payments": dossier.payments.select_related("recorded_by"),
            "apologies": dossier.apologies.order_by("created_at"),
            "supplement": getattr(dossier, "supplement_request", None),
            "form_values": _form_values(dossier),
            "forms": slips.available_forms(dossier),
            "primary": [offer for offer in offers if offer.primary],
            "others": [offer for offer in offers if not offer.primary],
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
