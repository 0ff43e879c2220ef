"""Intake and the five electronic steps of the one-stop engine.

Every function here is one transition: it checks the state and the actor's role over the
dossier, locks the row, writes the step (control slip), the history, the notification and
the audit trail in one transaction, and bumps the dossier's version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, Step
from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import Agency, AgencyKind, AgencyLevel
from motcua.dossiers import results
from motcua.dossiers import transitions as t
from motcua.dossiers.codes import dossier_code
from motcua.dossiers.deadlines import classify
from motcua.dossiers.formdata import validate_form_data
from motcua.dossiers.models import Channel, Dossier, DossierStatus, EventKind, Notification
from motcua.identity.accounts.level import EidLevelTooLow
from motcua.identity.models import (
    Organisation,
    OrganisationMember,
    OrganisationStatus,
    Role,
    User,
)
from motcua.identity.permissions import has_role
from motcua.registry.models import Citizen, CitizenStatus


@dataclass
class Application:
    """What an applicant (or the officer at the counter) fills in."""

    procedure: Procedure
    form_data: dict[str, Any]
    agency: Agency | None = None
    phone: str = ""
    email: str = ""
    representative_name: str = ""
    representative_id_number: str = ""
    idempotency_key: str | None = None
    organisation: Organisation | None = None


def receiving_agency(
    procedure: Procedure, citizen: Citizen | None, chosen: Agency | None
) -> Agency:
    """Where the dossier is received and its result returned: the agency chosen (of the
    procedure's level), else for commune procedures the applicant's commune People's
    Committee and for province procedures the Public Administration Service Centre."""
    if chosen is not None:
        if not chosen.is_active or chosen.level != procedure.agency_level:
            raise DomainError(
                _("%(agency)s does not receive this procedure's dossiers.")
                % {"agency": chosen.name},
                code="agency",
            )
        return chosen
    candidates = Agency.objects.filter(is_active=True, level=procedure.agency_level)
    if procedure.agency_level == AgencyLevel.COMMUNE:
        commune_id = citizen.permanent_commune_id if citizen else None
        candidates = candidates.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit_id=commune_id)
    else:
        candidates = candidates.filter(kind=AgencyKind.SERVICE_CENTRE)
    found = candidates.order_by("code").first()
    if found is None:
        raise DomainError(_("Choose the agency that should receive the dossier."), code="agency")
    return found


def handling_agency(procedure: Procedure, receiving: Agency) -> Agency:
    """Who appraises and approves: the procedure's agency (a department, the police …) or,
    for commune procedures, the commune that received it."""
    if procedure.agency_level == AgencyLevel.COMMUNE or procedure.agency_id is None:
        return receiving
    return procedure.agency  # type: ignore[return-value]


def _check_member(user: User, organisation: Organisation) -> None:
    """Only a member of an approved organisation account submits in its name."""
    member = OrganisationMember.objects.filter(organisation=organisation, user=user).exists()
    if organisation.status != OrganisationStatus.APPROVED or not member:
        raise EidLevelTooLow(
            _("You cannot submit in the name of %(name)s.") % {"name": organisation.name},
            code="organisation",
        )


def _existing(user: User, key: str | None) -> Dossier | None:
    if not key:
        return None
    return Dossier.objects.filter(submitted_by=user, idempotency_key=key).first()


def _check_key(key: str | None) -> str | None:
    if key is not None and not (1 <= len(key) <= 64):
        raise DomainError(_("The submission key has 1 to 64 characters."), code="key")
    return key or None


def _new_dossier(
    app: Application,
    citizen: Citizen,
    receiving: Agency,
    submitted_by: User,
    channel: str,
    status: int,
    at: dt.datetime,
    calendar: WorkingCalendar,
) -> Dossier:
    fees = sum(fee.amount for fee in app.procedure.fees.all())
    agency = handling_agency(app.procedure, receiving)
    organisation = app.organisation
    owner_name = organisation.name if organisation else citizen.full_name
    representative = app.representative_name or (citizen.full_name if organisation else "")
    return Dossier.objects.create(
        code=dossier_code(receiving, at.astimezone(calendar.tz).date()),
        procedure=app.procedure,
        receiving_agency=receiving,
        agency=agency,
        unit_id=agency.unit_id,
        channel=channel,
        status=status,
        applicant_user=getattr(citizen, "account", None),
        citizen=citizen,
        organisation=organisation,
        applicant_name=owner_name,
        owner_id_number=organisation.code if organisation else citizen.id_number,
        applicant_address=organisation.address if organisation else citizen.permanent_address,
        applicant_phone=app.phone[:20],
        applicant_email=app.email,
        representative_name=representative[:150],
        representative_id_number=app.representative_id_number[:12],
        form_data=validate_form_data(app.procedure, app.form_data),
        submitted_by=submitted_by,
        idempotency_key=app.idempotency_key,
        submitted_at=at,
        fee_total=fees,
        current_step=Step.RECEIVE if status == DossierStatus.SUBMITTED else Step.DIGITISE,
    )


def _idempotent(user: User, key: str | None, create: Any) -> Dossier:
    """Run `create` once per (user, key): a repeated or concurrent second submission with
    the same key gets the first dossier back instead of a new one. The unique constraint
    decides, so the common case (a new submission) costs no extra lookup."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = _existing(user, key)
        if existing is None:
            raise
        return existing


def submit_online(user: User, app: Application, *, at: dt.datetime | None = None) -> Dossier:
    """A citizen's online submission (status 1, waiting at step 1 for the one-stop officer).

    Guarantees: the e-ID level the procedure needs, form data valid, one dossier per
    submission key, a code unique and consecutive per agency and day.
    """
    at = t.now_or(at)
    key = _check_key(app.idempotency_key)
    citizen = user.citizen
    if citizen is None or citizen.status != CitizenStatus.ALIVE:
        raise DomainError(_("Only a citizen's account can submit a dossier."), code="applicant")
    if not app.procedure.is_active:
        raise DomainError(_("This procedure is not offered any more."), code="procedure")
    if user.eid_level < app.procedure.eid_level:
        raise EidLevelTooLow(
            _("This procedure needs an electronic identity of level %(level)s.")
            % {"level": app.procedure.eid_level},
            code="eid_level",
        )
    if app.organisation is not None:
        _check_member(user, app.organisation)
    receiving = receiving_agency(app.procedure, citizen, app.agency)
    calendar = WorkingCalendar()

    def create() -> Dossier:
        dossier = _new_dossier(
            app, citizen, receiving, user, Channel.ONLINE, DossierStatus.SUBMITTED, at, calendar
        )
        t.start_step(dossier, Step.RECEIVE, at, calendar)  # current_step set at insert
        t.event(dossier, EventKind.SUBMITTED, at, user, None)
        t.notify(dossier, at)
        t.audit(dossier, user, "submitted", channel=Channel.ONLINE)
        return dossier

    return _idempotent(user, key, create)


def intake_at_counter(
    officer: User,
    app: Application,
    id_number: str,
    *,
    channel: str = Channel.COUNTER,
    at: dt.datetime | None = None,
) -> Dossier:
    """A dossier handed in on paper (or by post): received at once by the officer, the
    deadline starts, and step 2 (digitise) is handed to the agency's one-stop officers."""
    at = t.now_or(at)
    key = _check_key(app.idempotency_key)
    if channel not in (Channel.COUNTER, Channel.POST):
        raise DomainError(_("Unknown channel."), code="channel")
    citizen = Citizen.objects.filter(id_number=id_number.strip()).first()
    if citizen is None or citizen.status != CitizenStatus.ALIVE:
        raise NotFound(
            _("No living person with this ID number is in the registry."), code="id_number"
        )
    receiving = receiving_agency(app.procedure, citizen, app.agency)
    if not has_role(officer, Role.ONE_STOP_OFFICER, receiving):
        raise t.deny(officer, receiving, [Role.ONE_STOP_OFFICER])
    calendar = WorkingCalendar()

    def create() -> Dossier:
        dossier = _new_dossier(
            app, citizen, receiving, officer, channel, DossierStatus.RECEIVED, at, calendar
        )
        dossier.received_at = at
        dossier.due_at = calendar.add_working_hours(at, app.procedure.processing_hours)
        receipt = t.start_step(dossier, Step.RECEIVE, at, calendar)
        t.finish_step(receipt, officer, at, calendar, "")
        t.start_step(dossier, Step.DIGITISE, at, calendar, handed_by=officer, from_agency=receiving)
        dossier.save(update_fields=["received_at", "due_at", "current_step"])
        t.event(dossier, EventKind.RECEIVED, at, officer, None, channel=channel)
        t.notify(dossier, at)
        t.audit(dossier, officer, "submitted", channel=channel)
        return dossier

    return _idempotent(officer, key, create)


@transaction.atomic
def receive(
    dossier: Dossier,
    officer: User,
    *,
    version: int | None = None,
    to_user: User | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Step 1 for an online dossier: accepted as complete; the deadline starts now."""
    at = t.now_or(at)
    locked = t.lock(dossier, version)
    t.require_status(locked, [DossierStatus.SUBMITTED])
    calendar = WorkingCalendar()
    t.hand_over(
        locked, officer, Step.RECEIVE, Step.DIGITISE, at, calendar, note=note, to_user=to_user
    )
    old = locked.status
    locked.status = DossierStatus.RECEIVED
    locked.received_at = at
    locked.due_at = calendar.add_working_hours(at, locked.procedure.processing_hours)
    t.save(locked, ["status", "received_at", "due_at"])
    t.event(locked, EventKind.RECEIVED, at, officer, old, note)
    t.notify(locked, at)
    t.audit(locked, officer, "received")
    return locked


@transaction.atomic
def digitise(
    dossier: Dossier,
    officer: User,
    *,
    version: int | None = None,
    to_user: User | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Step 2: the papers are digitised; the dossier goes to the specialists (status 4)."""
    at = t.now_or(at)
    locked = t.lock(dossier, version)
    t.require_status(locked, [DossierStatus.RECEIVED])
    calendar = WorkingCalendar()
    t.hand_over(
        locked, officer, Step.DIGITISE, Step.APPRAISE, at, calendar, note=note, to_user=to_user
    )
    old = locked.status
    locked.status = DossierStatus.PROCESSING
    t.save(locked, ["status"])
    t.event(locked, EventKind.STEP_DONE, at, officer, old, note, step=Step.DIGITISE)
    t.notify(locked, at)
    t.audit(locked, officer, "digitised")
    return locked


@transaction.atomic
def appraise(
    dossier: Dossier,
    specialist: User,
    *,
    opinion: str,
    version: int | None = None,
    to_user: User | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Step 3: the specialist's appraisal and draft result go to the leader."""
    at = t.now_or(at)
    if not opinion.strip():
        raise DomainError(_("Write the appraisal opinion."), code="opinion")
    locked = t.lock(dossier, version)
    t.require_status(locked, [DossierStatus.PROCESSING])
    calendar = WorkingCalendar()
    t.hand_over(
        locked, specialist, Step.APPRAISE, Step.APPROVE, at, calendar, note=opinion, to_user=to_user
    )
    t.save(locked, [])
    t.event(locked, EventKind.STEP_DONE, at, specialist, locked.status, opinion, step=Step.APPRAISE)
    t.audit(locked, specialist, "appraised")
    return locked


@transaction.atomic
def approve(
    dossier: Dossier,
    leader: User,
    *,
    result_summary: str,
    version: int | None = None,
    to_user: User | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Step 4: the leader approves (and signs) the result. The dossier is finished now —
    early, on time or late against its deadline — and waits for fees if any are unpaid."""
    at = t.now_or(at)
    if not result_summary.strip():
        raise DomainError(_("Describe the result being approved."), code="result")
    locked = t.lock(dossier, version)
    t.require_status(locked, [DossierStatus.PROCESSING])
    calendar = WorkingCalendar()
    t.hand_over(
        locked,
        leader,
        Step.APPROVE,
        Step.RETURN,
        at,
        calendar,
        note=result_summary,
        to_user=to_user,
    )
    old = locked.status
    locked.result_summary = result_summary[:4000]
    locked.finished_at = at
    locked.timeliness = classify(at, locked.due_at or at, calendar)
    locked.status = (
        DossierStatus.FEES_DUE if locked.fees_outstanding else DossierStatus.RESULT_READY
    )
    t.save(locked, ["result_summary", "finished_at", "timeliness", "status"])
    results.issue_result(locked, leader, at)  # the PDF in the owner's warehouse, or nothing
    t.event(locked, EventKind.RESULT_READY, at, leader, old, timeliness=locked.timeliness)
    t.notify(locked, at)
    t.audit(locked, leader, "approved", timeliness=locked.timeliness)
    return locked


@transaction.atomic
def return_result(
    dossier: Dossier,
    officer: User,
    *,
    version: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Step 5: the electronic result is returned to the applicant (status 10)."""
    at = t.now_or(at)
    locked = t.lock(dossier, version)
    if locked.status == DossierStatus.FEES_DUE:
        raise DomainError(
            _("The fees are not paid yet: %(amount)s VND outstanding.")
            % {"amount": f"{locked.fees_outstanding:,}".replace(",", ".")},
            code="fees",
        )
    t.require_status(locked, [DossierStatus.RESULT_READY])
    calendar = WorkingCalendar()
    t.hand_over(locked, officer, Step.RETURN, None, at, calendar, note=note)
    old = locked.status
    locked.status = DossierStatus.RESULT_RETURNED
    locked.returned_at = at
    locked.closed_at = at
    t.save(locked, ["status", "returned_at", "closed_at"])
    t.event(locked, EventKind.RESULT_RETURNED, at, officer, old, note)
    t.notify(locked, at)
    t.audit(locked, officer, "returned")
    return locked


def mark_notifications_read(user: User, *, at: dt.datetime | None = None) -> int:
    """Mark all of the user's unread notifications read; returns how many. Reading one's own
    messages changes no dossier, so there is no transition and no audit record."""
    return Notification.objects.filter(user=user, read_at=None).update(read_at=t.now_or(at))
