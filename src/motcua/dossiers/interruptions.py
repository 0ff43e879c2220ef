"""Transitions off the straight path: supplement, refusal, withdrawal, stop, transfer and the
late apology (with the date the system proposes before the deadline passes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import STEP_ORDER
from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import Agency
from motcua.dossiers import transitions as t
from motcua.dossiers.deadlines import APOLOGY_WARNING_HOURS, proposed_new_date, shift_for_pause
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierStatus,
    EventKind,
    SupplementRequest,
)
from motcua.identity.models import Role, User
from motcua.identity.permissions import has_role

STAFF_ACTING = {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER}
UNFINISHED = [
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
]


def _reason(text: str) -> str:
    if not text.strip():
        raise DomainError(_("Give the reason."), code="reason")
    return text.strip()[:2000]


def _close_open_step(dossier: Dossier, actor: User, at: dt.datetime, note: str) -> None:
    row = t.open_step(dossier)
    if row is not None:
        t.finish_step(row, actor, at, WorkingCalendar(), note)
    dossier.current_step = ""


@transaction.atomic
def request_supplement(
    dossier: Dossier,
    actor: User,
    *,
    items: list[str],
    reason: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> SupplementRequest:
    """Ask the applicant, once and in full, for what is missing (form 02; status 5). The
    clock stops until the supplement arrives."""
    at = t.now_or(at)
    items = [item.strip()[:500] for item in items if item and item.strip()]
    if not items:
        raise DomainError(_("List everything that is missing."), code="items")
    locked = t.lock(dossier, version)
    t.require_status(
        locked, [DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.PROCESSING]
    )
    row = t.open_step(locked)
    if row is None or not has_role(actor, {row.role}, row.agency):
        raise t.deny(actor, locked, {row.role} if row else STAFF_ACTING)
    if SupplementRequest.objects.filter(dossier=locked).exists():
        raise Conflict(
            _("A supplement was already requested once; it cannot be requested again."),
            code="supplement_once",
        )
    request = SupplementRequest.objects.create(
        dossier=locked,
        items=items,
        reason=reason.strip()[:2000],
        requested_by=actor,
        requested_at=at,
        resume_status=locked.status,
    )
    old = locked.status
    locked.status = DossierStatus.SUPPLEMENT_REQUESTED
    locked.paused_at = at
    t.save(locked, ["status", "paused_at"])
    t.event(locked, EventKind.SUPPLEMENT_REQUESTED, at, actor, old, reason, items=items)
    t.notify(locked, at)
    t.audit(locked, actor, "supplement_requested", items=items)
    return request


@transaction.atomic
def provide_supplement(
    dossier: Dossier,
    actor: User,
    *,
    note: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant (or an officer for them at the counter) hands in what was asked; the
    dossier resumes where it stopped and its deadlines move by the time it waited."""
    at = t.now_or(at)
    locked = t.lock(dossier, version)
    t.require_status(locked, [DossierStatus.SUPPLEMENT_REQUESTED])
    if locked.applicant_user_id != actor.pk:
        t.require(actor, {Role.ONE_STOP_OFFICER}, locked)
    request = locked.supplement_request
    calendar = WorkingCalendar()
    paused = locked.paused_at or at
    if locked.due_at is not None:
        locked.due_at = shift_for_pause(locked.due_at, paused, at, calendar)
    row = t.open_step(locked)
    if row is not None:
        row.due_at = shift_for_pause(row.due_at, paused, at, calendar)
        row.save(update_fields=["due_at"])
    request.provided_at = at
    request.provided_note = note.strip()[:2000]
    request.save(update_fields=["provided_at", "provided_note"])
    old = locked.status
    locked.status = request.resume_status
    locked.paused_at = None
    t.save(locked, ["status", "paused_at", "due_at"])
    t.event(locked, EventKind.SUPPLEMENTED, at, actor, old, note)
    t.notify(locked, at)
    t.audit(locked, actor, "supplemented")
    return locked


def _end(
    dossier: Dossier,
    actor: User,
    status: int,
    kind: str,
    reason: str,
    at: dt.datetime,
) -> Dossier:
    old = dossier.status
    _close_open_step(dossier, actor, at, reason)
    dossier.status = status
    dossier.closed_at = at
    dossier.paused_at = None
    t.save(dossier, ["status", "closed_at", "paused_at"])
    t.event(dossier, kind, at, actor, old, reason)
    t.notify(dossier, at)
    t.audit(dossier, actor, kind, reason=reason)
    return dossier


@transaction.atomic
def refuse(
    dossier: Dossier,
    actor: User,
    *,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Refuse the dossier with a reason (form 03; status 3, closed)."""
    reason = _reason(reason)
    locked = t.lock(dossier, version)
    t.require_status(locked, UNFINISHED)
    t.require(actor, STAFF_ACTING, locked)
    return _end(locked, actor, DossierStatus.REFUSED, EventKind.REFUSED, reason, t.now_or(at))


@transaction.atomic
def withdraw(
    dossier: Dossier,
    actor: User,
    *,
    reason: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier before its result is ready (status 7)."""
    locked = t.lock(dossier, version)
    if locked.applicant_user_id != actor.pk:
        t.require(actor, {Role.ONE_STOP_OFFICER}, locked)
    t.require_status(locked, UNFINISHED)
    text = reason.strip()[:2000] or _("Withdrawn by the applicant.")
    return _end(locked, actor, DossierStatus.WITHDRAWN, EventKind.WITHDRAWN, text, t.now_or(at))


@transaction.atomic
def stop(
    dossier: Dossier,
    actor: User,
    *,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """A leader stops handling the dossier (status 8), e.g. the supplement never came."""
    reason = _reason(reason)
    locked = t.lock(dossier, version)
    t.require_status(locked, [*UNFINISHED, DossierStatus.FEES_DUE])
    t.require(actor, {Role.LEADER}, locked)
    return _end(locked, actor, DossierStatus.STOPPED, EventKind.STOPPED, reason, t.now_or(at))


@transaction.atomic
def transfer(
    dossier: Dossier,
    actor: User,
    *,
    to_agency: Agency,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Move the dossier to the agency that should handle it; its open step there is handed
    to that agency's officers of the same role, and the deadline is unchanged. A dossier
    received and handled by one agency (a commune) moves whole, desk included."""
    at = t.now_or(at)
    reason = _reason(reason)
    locked = t.lock(dossier, version)
    t.require_status(locked, UNFINISHED)
    t.require(actor, STAFF_ACTING, locked)
    if not to_agency.is_active or to_agency.pk == locked.agency_id:
        raise DomainError(_("Choose another active agency."), code="agency")
    from_agency = locked.agency
    moves_desk = locked.receiving_agency_id == locked.agency_id
    row = t.open_step(locked)
    if row is not None and (row.agency_id == from_agency.pk):
        row.agency = to_agency
        row.assignee = None
        row.handed_by = actor
        row.handed_from_agency = from_agency
        row.note = (row.note + "\n" + reason).strip()[:2000]
        row.save(update_fields=["agency", "assignee", "handed_by", "handed_from_agency", "note"])
    locked.agency = to_agency
    locked.unit_id = to_agency.unit_id
    if moves_desk:
        locked.receiving_agency = to_agency
    t.save(locked, ["agency", "unit", "receiving_agency"])
    t.event(
        locked,
        EventKind.TRANSFERRED,
        at,
        actor,
        locked.status,
        reason,
        from_agency=from_agency.code,
        to_agency=to_agency.code,
    )
    t.audit(locked, actor, "transferred", from_agency=from_agency.code, to_agency=to_agency.code)
    return locked


def remaining_hours(dossier: Dossier) -> Decimal:
    """Working hours still allotted to the open step and the steps after it."""
    row = t.open_step(dossier)
    if row is None:
        return Decimal(0)
    later = dossier.procedure.steps.filter(order__gt=STEP_ORDER[row.step])
    total = Decimal(row.allotted_hours)
    for tmpl in later:
        total += Decimal(dossier.procedure.processing_hours) * tmpl.share_percent / 100
    return total


def propose_apology_date(dossier: Dossier, at: dt.datetime | None = None) -> dt.datetime | None:
    """The new return date to offer, or None when the dossier is not at risk: it is open,
    has a deadline, and that deadline is less than APOLOGY_WARNING_HOURS away (or past)."""
    at = t.now_or(at)
    if dossier.status not in UNFINISHED or dossier.due_at is None:
        return None
    calendar = WorkingCalendar()
    if calendar.working_hours_between(at, dossier.due_at) > APOLOGY_WARNING_HOURS:
        return None
    return proposed_new_date(dossier.due_at, remaining_hours(dossier), at, calendar)


def needing_apology(queryset: QuerySet[Dossier], at: dt.datetime | None = None) -> list[Dossier]:
    """Open dossiers whose deadline is near or past and that have no apology yet."""
    at = t.now_or(at)
    calendar = WorkingCalendar()
    horizon = calendar.add_working_hours(at, APOLOGY_WARNING_HOURS)
    candidates = queryset.filter(
        status__in=UNFINISHED, due_at__lte=horizon, apologies__isnull=True
    ).select_related("procedure", "agency")
    return list(candidates.order_by("due_at")[:200])


@transaction.atomic
def apologise(
    dossier: Dossier,
    actor: User,
    *,
    reason: str,
    new_due_at: dt.datetime,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Apology:
    """Apologise for a late (or soon late) dossier and promise a new return date (form
    04). The dossier is still judged against its legal deadline."""
    at = t.now_or(at)
    reason = _reason(reason)
    locked = t.lock(dossier, version)
    t.require_status(locked, UNFINISHED)
    t.require(actor, STAFF_ACTING, locked)
    current = locked.promised_at or locked.due_at
    if current is None or new_due_at <= max(current, at):
        raise DomainError(
            _("The new return date must be after the current one and in the future."),
            code="new_due_at",
        )
    apology = Apology.objects.create(
        dossier=locked,
        reason=reason,
        old_due_at=current,
        new_due_at=new_due_at,
        created_by=actor,
        created_at=at,
    )
    locked.promised_at = new_due_at
    t.save(locked, ["promised_at"])
    t.event(
        locked,
        EventKind.APOLOGISED,
        at,
        actor,
        locked.status,
        reason,
        new_due_at=new_due_at.isoformat(),
    )
    t.notify(locked, at)
    t.audit(locked, actor, "apologised", new_due_at=new_due_at.isoformat())
    return apology
