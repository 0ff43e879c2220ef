"""The dossier lifecycle over HTTP (django-ninja), mounted at /api/dossiers/.

Handlers are thin: they find the dossier the caller may see, call one service function and
return the dossier as it now stands. Every status a handler can answer is declared, so the
OpenAPI document is complete and schemathesis can hold the API to it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from motcua.catalog.models import Procedure, Step
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import Agency
from motcua.dossiers import interruptions, payments, selectors, services, slips
from motcua.dossiers import transitions as t
from motcua.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
)
from motcua.dossiers.schemas import (
    ACTION,
    SIGNED_IN,
    ApologyIn,
    ApologyProposalOut,
    ApplicationIn,
    AppraiseIn,
    ApproveIn,
    CounterIn,
    DossierDetailOut,
    DossierOut,
    DossierPage,
    HandOverIn,
    NoNul,
    PaymentIn,
    PublicStatusOut,
    RatingIn,
    ReasonIn,
    ReturnIn,
    SupplementIn,
    SupplementRequestIn,
    TransferIn,
    WithdrawIn,
    clean_text,
    errors,
)
from motcua.identity.models import Role, User
from motcua.identity.permissions import STAFF_ROLES, acting_user, has_role

router = Router(tags=["dossiers"])

# The forms an applicant may print; the control slip (05) is the agency's own record.
APPLICANT_FORMS = ("01", "02", "03", "04")
# --- helpers ----------------------------------------------------------------------------


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _summary(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "agency_code": dossier.agency.code,
        "agency_name": dossier.agency.name,
        "receiving_agency_code": dossier.receiving_agency.code,
        "channel": dossier.channel,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "current_step": dossier.current_step,
        "applicant_name": dossier.applicant_name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "promised_at": dossier.promised_at,
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
        "closed_at": dossier.closed_at,
        "timeliness": dossier.timeliness,
        "fee_total": dossier.fee_total,
        "fees_paid": dossier.fees_paid,
        "version": dossier.version,
    }


def _step(row: DossierStep) -> dict[str, Any]:
    return {
        "step": row.step,
        "order": row.order,
        "role": row.role,
        "agency_code": row.agency.code,
        "assignee": _name(row.assignee),
        "handed_by": _name(row.handed_by),
        "started_at": row.started_at,
        "allotted_hours": float(row.allotted_hours),
        "due_at": row.due_at,
        "completed_at": row.completed_at,
        "completed_by": _name(row.completed_by),
        "timeliness": row.timeliness,
        "note": row.note,
    }


def _event(event: DossierEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "label": str(event.get_kind_display()),
        "at": event.at,
        "actor": _name(event.actor),
        "status_from": event.status_from,
        "status_to": event.status_to,
        "note": event.note,
    }


def _is_applicant_only(user: User, dossier: Dossier) -> bool:
    return dossier.applicant_user_id == user.pk and not t.in_scope(
        user, selectors.DOSSIER_ROLES, dossier
    )


STEP_ACTIONS = {
    Step.RECEIVE: (DossierStatus.SUBMITTED, "receive"),
    Step.DIGITISE: (DossierStatus.RECEIVED, "digitise"),
    Step.APPRAISE: (DossierStatus.PROCESSING, "appraise"),
    Step.APPROVE: (DossierStatus.PROCESSING, "approve"),
    Step.RETURN: (DossierStatus.RESULT_READY, "return"),
}


def _actions(user: User, dossier: Dossier, row: DossierStep | None) -> list[str]:
    """What the caller may try next (a hint for clients; the services decide)."""
    owner = dossier.applicant_user_id == user.pk
    status = dossier.status
    found = []
    if row is not None and has_role(user, {row.role}, row.agency):
        wanted, name = STEP_ACTIONS[Step(row.step)]
        if status == wanted:
            found.append(name)
        requestable = status in interruptions.UNFINISHED[:3]
        if requestable and not hasattr(dossier, "supplement_request"):
            found.append("supplement-request")
    desk = t.in_scope(user, {Role.ONE_STOP_OFFICER}, dossier)
    unfinished = status in interruptions.UNFINISHED
    if status == DossierStatus.SUPPLEMENT_REQUESTED and (owner or desk):
        found.append("supplement")
    if unfinished and t.in_scope(user, interruptions.STAFF_ACTING, dossier):
        found += ["refuse", "transfer", "apology"]
    if unfinished and (owner or desk):
        found.append("withdraw")
    if (unfinished or status == DossierStatus.FEES_DUE) and t.in_scope(
        user, {Role.LEADER}, dossier
    ):
        found.append("stop")
    if dossier.fees_outstanding and status in payments.PAYABLE and (owner or desk):
        found.append("payments")
    if owner and status == DossierStatus.RESULT_RETURNED and not hasattr(dossier, "rating"):
        found.append("rating")
    return found


def _detail(user: User, dossier: Dossier) -> dict[str, Any]:
    steps = list(
        dossier.steps.select_related("agency", "assignee", "handed_by", "completed_by").order_by(
            "started_at", "pk"
        )
    )
    events = dossier.events.select_related("actor").order_by("at", "pk")
    request = getattr(dossier, "supplement_request", None)
    forms = slips.available_forms(dossier)
    if _is_applicant_only(user, dossier):
        forms = [number for number in forms if number in APPLICANT_FORMS]
    open_row = next((row for row in reversed(steps) if row.completed_at is None), None)
    return {
        **_summary(dossier),
        "owner_id_number": dossier.owner_id_number,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "representative_name": dossier.representative_name,
        "representative_id_number": dossier.representative_id_number,
        "form_data": dossier.form_data,
        "result_summary": dossier.result_summary,
        "supplement": (
            {
                "items": request.items,
                "reason": request.reason,
                "requested_at": request.requested_at,
                "provided_at": request.provided_at,
                "provided_note": request.provided_note,
            }
            if request is not None
            else None
        ),
        "steps": [_step(row) for row in steps],
        "events": [_event(event) for event in events],
        "forms": forms,
        "actions": _actions(user, dossier, open_row),
    }


def _fresh(user: User, dossier: Dossier) -> dict[str, Any]:
    """The dossier as a transition left it, with its relations read again."""
    return _detail(
        user,
        Dossier.objects.select_related("procedure", "agency", "receiving_agency").get(
            pk=dossier.pk
        ),
    )


def _visible(request: HttpRequest, code: str) -> tuple[User, Dossier]:
    """The caller and the dossier, if the caller may see it. Whoever holds no staff role
    learns nothing (404, as for a missing code); staff out of scope get an audited 403."""
    user = acting_user(request)
    missing = NotFound(_("No dossier with this code."), code="not_found")
    if "\x00" in code:
        raise missing
    dossier = selectors.staff_dossier(user, code)
    if selectors.can_see(user, dossier):
        return user, dossier
    if has_role(user, STAFF_ROLES):
        raise t.deny(user, dossier, selectors.DOSSIER_ROLES)
    raise missing


def _to_user(username: str | None) -> User | None:
    if username is None:
        return None
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise DomainError(
            _("No active user with the username %(username)s.") % {"username": username},
            code="to_user",
        )
    return found


def _application(data: ApplicationIn, key: str | None) -> services.Application:
    procedure = Procedure.objects.filter(code=data.procedure_code).first()
    if procedure is None:
        raise DomainError(
            _("No procedure with the code %(code)s.") % {"code": data.procedure_code},
            code="procedure",
        )
    agency = None
    if data.agency_code is not None:
        agency = Agency.objects.filter(code=data.agency_code).first()
        if agency is None:
            raise DomainError(
                _("No agency with the code %(code)s.") % {"code": data.agency_code},
                code="agency",
            )
    return services.Application(
        procedure=procedure,
        form_data=data.form_data,
        agency=agency,
        phone=data.phone,
        email=data.email,
        representative_name=data.representative_name,
        representative_id_number=data.representative_id_number,
        idempotency_key=key,
    )


def _key(data: ApplicationIn, header: str | None) -> str | None:
    key = data.idempotency_key or header
    if key is not None:
        _clean_text_or_400(key)
    return key


def _clean_text_or_400(value: str) -> None:
    try:
        clean_text(value)
    except ValueError as error:
        raise DomainError(str(error), code="key") from None


def _submitted(dossier: Dossier, *, repeated: bool) -> Status:
    """201 for a dossier this request created; 200 for the one an earlier submission with the
    same key created (its submission time precedes this request)."""
    # The summary only: the submitter reads steps and history with GET when it needs them,
    # so the busiest write of the platform does not re-read what it just wrote.
    return Status(200 if repeated else 201, _summary(dossier))


IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="A repeated submission with the same key returns the first dossier.",
)


# --- submission and lists ---------------------------------------------------------------


@router.post("/", response={200: DossierOut, 201: DossierOut, **errors(*SIGNED_IN, 400, 404)})
def submit(
    request: HttpRequest, data: ApplicationIn, idempotency_key: str | None = IdempotencyKey
) -> Status:
    """Submit a dossier online (a citizen's account). 201 with the new dossier; a repeat with
    the same submission key (body or `Idempotency-Key` header) gets 200 and the first one."""
    user = acting_user(request)
    key = _key(data, idempotency_key)
    started = timezone.now()
    dossier = services.submit_online(user, _application(data, key))
    return _submitted(dossier, repeated=dossier.submitted_at < started)


@router.post(
    "/counter",
    response={200: DossierOut, 201: DossierOut, **errors(*SIGNED_IN, 400, 404)},
)
def intake(
    request: HttpRequest, data: CounterIn, idempotency_key: str | None = IdempotencyKey
) -> Status:
    """Take in a paper dossier at the counter (or by post): a one-stop officer of the
    receiving agency, for the person with `id_number`."""
    user = acting_user(request)
    key = _key(data, idempotency_key)
    started = timezone.now()
    dossier = services.intake_at_counter(
        user, _application(data, key), data.id_number, channel=Channel(data.channel)
    )
    return _submitted(dossier, repeated=dossier.submitted_at < started)


@router.get("/", response={200: DossierPage, **errors(*SIGNED_IN)})
def list_dossiers(
    request: HttpRequest,
    status: int | None = Query(None, ge=1, le=10),
    step: Step | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """The caller's own dossiers and, for staff, those their roles cover; newest first."""
    user = acting_user(request)
    found: QuerySet[Dossier] = Dossier.objects.filter(
        Q(pk__in=selectors.visible_to_staff(user).values("pk")) | Q(applicant_user=user)
    )
    if status is not None:
        found = found.filter(status=status)
    if step is not None:
        found = found.filter(current_step=step)
    page = found.select_related("procedure", "agency", "receiving_agency").order_by(
        "-submitted_at", "-pk"
    )[offset : offset + limit]
    return {"count": found.count(), "items": [_summary(d) for d in page]}


@router.get("/lookup", auth=None, response={200: PublicStatusOut, **errors(400, 404, 429)})
def lookup(
    request: HttpRequest,
    code: str = Query(..., min_length=1, max_length=48, pattern=NoNul),
    id_number: str = Query(..., min_length=1, max_length=14, pattern=NoNul),
) -> dict[str, Any]:
    """Public: the status and timeline of a dossier for whoever knows its code and the
    owner's ID number; nothing personal. Lookups that miss are throttled per address."""
    found = selectors.public_lookup(request, code, id_number)
    return {
        "code": found.code,
        "procedure": found.procedure,
        "agency": found.agency,
        "status": found.status,
        "status_code": found.status_code,
        "submitted_at": found.submitted_at,
        "due_at": found.due_at,
        "promised_at": found.promised_at,
        "timeline": [
            {"at": at, "event": event, "status": status} for at, event, status in found.timeline
        ],
    }


@router.get("/{code}", response={200: DossierDetailOut, **errors(*SIGNED_IN, 404)})
def detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One dossier with its control slip, history, printable forms and next actions."""
    user, dossier = _visible(request, code)
    return _detail(user, dossier)


@router.get(
    "/{code}/forms/{number}.pdf",
    response=errors(*SIGNED_IN, 404),
    openapi_extra={
        "responses": {
            "200": {
                "description": "The form as PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def form_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """Form 01–05 of the dossier as PDF; 404 for a form that does not apply (applicants
    get 01–04, the control slip 05 is the agency's)."""
    user, dossier = _visible(request, code)
    if _is_applicant_only(user, dossier) and number not in APPLICANT_FORMS:
        raise NotFound(_("This form does not apply to the dossier."), code="form")
    try:
        lookup_url = request.build_absolute_uri(reverse("dossiers_portal:lookup"))
    except NoReverseMatch:
        lookup_url = ""
    language = "en" if translation.get_language() == "en" else "vi"
    try:
        pdf = slips.render(dossier, number, lookup_url=lookup_url, language=language)
    except ValueError:
        raise NotFound(_("This form does not apply to the dossier."), code="form") from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{number}.pdf"'
    return response


@router.get(
    "/{code}/apology-proposal", response={200: ApologyProposalOut, **errors(*SIGNED_IN, 404)}
)
def apology_proposal(request: HttpRequest, code: str) -> dict[str, Any]:
    """The new return date the system proposes when the deadline is near or past (null
    when the dossier is not at risk)."""
    _user, dossier = _visible(request, code)
    return {
        "due_at": dossier.due_at,
        "promised_at": dossier.promised_at,
        "proposed_new_due_at": interruptions.propose_apology_date(dossier),
    }


# --- the five steps ---------------------------------------------------------------------


@router.post("/{code}/receive", response={200: DossierDetailOut, **ACTION})
def receive(request: HttpRequest, code: str, data: HandOverIn) -> dict[str, Any]:
    """Step 1: accept an online dossier as complete; its deadline starts."""
    user, dossier = _visible(request, code)
    done = services.receive(
        dossier, user, version=data.version, to_user=_to_user(data.to_username), note=data.note
    )
    return _fresh(user, done)


@router.post("/{code}/digitise", response={200: DossierDetailOut, **ACTION})
def digitise(request: HttpRequest, code: str, data: HandOverIn) -> dict[str, Any]:
    """Step 2: the papers are digitised; the dossier goes to the specialists."""
    user, dossier = _visible(request, code)
    done = services.digitise(
        dossier, user, version=data.version, to_user=_to_user(data.to_username), note=data.note
    )
    return _fresh(user, done)


@router.post("/{code}/appraise", response={200: DossierDetailOut, **ACTION})
def appraise(request: HttpRequest, code: str, data: AppraiseIn) -> dict[str, Any]:
    """Step 3: the specialist's appraisal goes to the leader."""
    user, dossier = _visible(request, code)
    done = services.appraise(
        dossier,
        user,
        opinion=data.opinion,
        version=data.version,
        to_user=_to_user(data.to_username),
    )
    return _fresh(user, done)


@router.post("/{code}/approve", response={200: DossierDetailOut, **ACTION})
def approve(request: HttpRequest, code: str, data: ApproveIn) -> dict[str, Any]:
    """Step 4: the leader approves the result."""
    user, dossier = _visible(request, code)
    done = services.approve(
        dossier,
        user,
        result_summary=data.result_summary,
        version=data.version,
        to_user=_to_user(data.to_username),
    )
    return _fresh(user, done)


@router.post("/{code}/return", response={200: DossierDetailOut, **ACTION})
def return_result(request: HttpRequest, code: str, data: ReturnIn) -> dict[str, Any]:
    """Step 5: the result is returned to the applicant."""
    user, dossier = _visible(request, code)
    done = services.return_result(dossier, user, version=data.version, note=data.note)
    return _fresh(user, done)


# --- off the straight path --------------------------------------------------------------


@router.post("/{code}/supplement-request", response={200: DossierDetailOut, **ACTION})
def request_supplement(
    request: HttpRequest, code: str, data: SupplementRequestIn
) -> dict[str, Any]:
    """Ask the applicant, once, for everything missing; the clock stops."""
    user, dossier = _visible(request, code)
    interruptions.request_supplement(
        dossier, user, items=data.items, reason=data.reason, version=data.version
    )
    return _fresh(user, dossier)


@router.post("/{code}/supplement", response={200: DossierDetailOut, **ACTION})
def provide_supplement(request: HttpRequest, code: str, data: SupplementIn) -> dict[str, Any]:
    """Hand in what was asked; the dossier resumes and its deadline moves."""
    user, dossier = _visible(request, code)
    done = interruptions.provide_supplement(dossier, user, note=data.note, version=data.version)
    return _fresh(user, done)


@router.post("/{code}/refuse", response={200: DossierDetailOut, **ACTION})
def refuse(request: HttpRequest, code: str, data: ReasonIn) -> dict[str, Any]:
    """Refuse the dossier with a reason (form 03)."""
    user, dossier = _visible(request, code)
    done = interruptions.refuse(dossier, user, reason=data.reason, version=data.version)
    return _fresh(user, done)


@router.post("/{code}/withdraw", response={200: DossierDetailOut, **ACTION})
def withdraw(request: HttpRequest, code: str, data: WithdrawIn) -> dict[str, Any]:
    """The applicant withdraws the dossier before its result is ready."""
    user, dossier = _visible(request, code)
    done = interruptions.withdraw(dossier, user, reason=data.reason, version=data.version)
    return _fresh(user, done)


@router.post("/{code}/stop", response={200: DossierDetailOut, **ACTION})
def stop(request: HttpRequest, code: str, data: ReasonIn) -> dict[str, Any]:
    """A leader stops handling the dossier."""
    user, dossier = _visible(request, code)
    done = interruptions.stop(dossier, user, reason=data.reason, version=data.version)
    return _fresh(user, done)


@router.post("/{code}/transfer", response={200: DossierDetailOut, **ACTION})
def transfer(request: HttpRequest, code: str, data: TransferIn) -> dict[str, Any]:
    """Move the dossier to the agency that should handle it."""
    user, dossier = _visible(request, code)
    to_agency = Agency.objects.filter(code=data.agency_code).first()
    if to_agency is None:
        raise DomainError(
            _("No agency with the code %(code)s.") % {"code": data.agency_code}, code="agency"
        )
    done = interruptions.transfer(
        dossier, user, to_agency=to_agency, reason=data.reason, version=data.version
    )
    return _fresh(user, done)


@router.post("/{code}/apology", response={200: DossierDetailOut, **ACTION})
def apologise(request: HttpRequest, code: str, data: ApologyIn) -> dict[str, Any]:
    """Apologise for a late dossier and promise a new return date (form 04)."""
    user, dossier = _visible(request, code)
    interruptions.apologise(
        dossier, user, reason=data.reason, new_due_at=data.new_due_at, version=data.version
    )
    return _fresh(user, dossier)


@router.post("/{code}/payments", response={200: DossierDetailOut, **ACTION})
def pay(request: HttpRequest, code: str, data: PaymentIn) -> dict[str, Any]:
    """Record a payment of the dossier's fees."""
    user, dossier = _visible(request, code)
    payments.record_payment(
        dossier, user, amount=data.amount, method=data.method, reference=data.reference
    )
    return _fresh(user, dossier)


@router.post("/{code}/rating", response={200: DossierDetailOut, **ACTION})
def rate(request: HttpRequest, code: str, data: RatingIn) -> dict[str, Any]:
    """The applicant rates the service once the result is returned."""
    user, dossier = _visible(request, code)
    payments.rate(dossier, user, level=data.level, comment=data.comment)
    return _fresh(user, dossier)
