"""What every transition of a dossier shares: lock and version check, the permission check,
step bookkeeping (the control slip), history, audit and notification.

Service functions in `services.py` and `interruptions.py` compose these inside one
transaction, so a failure anywhere leaves the dossier as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import STEP_ORDER, Step, StepTemplate
from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import Agency
from motcua.dossiers.deadlines import classify, step_hours
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
    Notification,
)
from motcua.identity.models import User
from motcua.identity.permissions import has_role
from motcua.security.models import AuditAction
from motcua.security.services import record


def now_or(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def lock(dossier: Dossier, version: int | None) -> Dossier:
    """The dossier's row, locked until the transaction ends, checked against the version
    the actor's form was built from: a stale form is refused rather than overwriting."""
    locked = (
        Dossier.objects.select_for_update()
        .select_related("procedure", "agency", "unit")
        .get(pk=dossier.pk)
    )
    if version is not None and version != locked.version:
        last = locked.events.exclude(actor=None).select_related("actor").last()
        who = (last.actor.get_full_name() or last.actor.username) if last and last.actor else "—"
        raise Conflict(
            _(
                "Dossier %(code)s was changed by %(who)s while you were working on it; "
                "reload it to see the change. What you typed is kept below."
            )
            % {"code": locked.code, "who": who},
            code="stale",
        )
    return locked


def deny(actor: Any, obj: Dossier | Agency, roles: Iterable[str]) -> PermissionDenied:
    """Audit a refusal and return the exception to raise."""
    record(
        AuditAction.PERMISSION_DENIED,
        actor=actor if getattr(actor, "pk", None) else None,
        obj=obj,
        data={"roles": sorted(roles)},
    )
    return PermissionDenied(_("You do not have permission to act on this dossier."))


# Steps done by the one-stop desk run at the receiving agency; the others at the handler.
DESK_STEPS = frozenset({Step.RECEIVE, Step.DIGITISE, Step.RETURN})


def in_scope(actor: Any, roles: Iterable[str], dossier: Dossier) -> bool:
    """Does the actor hold a role over the dossier's handling or receiving agency?"""
    roles = set(roles)
    return has_role(actor, roles, dossier) or has_role(actor, roles, dossier.receiving_agency)


def require(actor: User, roles: Iterable[str], dossier: Dossier) -> None:
    roles = set(roles)
    if not in_scope(actor, roles, dossier):
        raise deny(actor, dossier, roles)


def require_status(dossier: Dossier, allowed: Iterable[int]) -> None:
    if dossier.status not in set(allowed):
        raise Conflict(
            _("This cannot be done while the dossier is “%(status)s”.")
            % {"status": dossier.get_status_display()},
            code="status",
        )


def open_step(dossier: Dossier) -> DossierStep | None:
    return dossier.steps.filter(completed_at=None).select_related("agency").order_by("-pk").first()


def template(dossier: Dossier, step: str) -> StepTemplate:
    found = dossier.procedure.steps.filter(step=step).first()
    if found is None:
        raise DomainError(_("The procedure has no step template."), code="steps")
    return found


def start_step(
    dossier: Dossier,
    step: str,
    at: dt.datetime,
    calendar: WorkingCalendar,
    *,
    handed_by: User | None = None,
    from_agency: Agency | None = None,
    assignee: User | None = None,
) -> DossierStep:
    tmpl = template(dossier, step)
    hours = step_hours(dossier.procedure, tmpl)
    dossier.current_step = step
    return DossierStep.objects.create(
        dossier=dossier,
        step=step,
        order=STEP_ORDER[step],
        role=tmpl.role,
        agency=dossier.receiving_agency if step in DESK_STEPS else dossier.agency,
        assignee=assignee,
        handed_by=handed_by,
        handed_from_agency=from_agency,
        started_at=at,
        allotted_hours=hours,
        due_at=calendar.add_working_hours(at, hours),
    )


def finish_step(
    row: DossierStep, actor: User | None, at: dt.datetime, calendar: WorkingCalendar, note: str
) -> None:
    row.completed_at = at
    row.completed_by = actor
    row.timeliness = classify(at, row.due_at, calendar)
    row.note = note[:2000]
    row.save(update_fields=["completed_at", "completed_by", "timeliness", "note"])


def current_step_for(dossier: Dossier, step: str) -> DossierStep:
    row = open_step(dossier)
    if row is None or row.step != step:
        raise Conflict(
            _("The dossier is not at the step “%(step)s”.") % {"step": Step(step).label},
            code="step",
        )
    return row


def require_step_actor(dossier: Dossier, actor: User, step: str) -> DossierStep:
    """The open step, if the actor holds its role over the agency it was handed to."""
    row = current_step_for(dossier, step)
    if not has_role(actor, {row.role}, row.agency):
        raise deny(actor, dossier, {row.role})
    return row


def hand_over(
    dossier: Dossier,
    actor: User,
    step: str,
    next_step: str | None,
    at: dt.datetime,
    calendar: WorkingCalendar,
    *,
    note: str = "",
    to_user: User | None = None,
) -> None:
    """Finish `step` and, if there is one, hand the next step to its role at the dossier's
    agency (and to one person when chosen): one line of the control slip each."""
    row = require_step_actor(dossier, actor, step)
    finish_step(row, actor, at, calendar, note)
    if next_step is None:
        dossier.current_step = ""
        return
    next_agency = dossier.receiving_agency if next_step in DESK_STEPS else dossier.agency
    next_role = template(dossier, next_step).role
    if to_user is not None and not has_role(to_user, {next_role}, next_agency):
        raise DomainError(
            _("%(name)s cannot take the next step of this dossier.")
            % {"name": to_user.get_full_name() or to_user.username},
            code="to_user",
        )
    start_step(
        dossier,
        next_step,
        at,
        calendar,
        handed_by=actor,
        from_agency=row.agency,
        assignee=to_user,
    )


def save(dossier: Dossier, fields: Iterable[str]) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*set(fields), "version", "current_step"])


def event(
    dossier: Dossier,
    kind: str,
    at: dt.datetime,
    actor: User | None,
    status_from: int | None,
    note: str = "",
    **data: Any,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        kind=kind,
        at=at,
        actor=actor,
        status_from=status_from,
        status_to=dossier.status,
        note=note[:2000],
        data=data,
    )


def audit(dossier: Dossier, actor: User | None, what: str, **data: Any) -> None:
    """Written last in a transition: the audit chain's head lock is then held briefly."""
    record(
        AuditAction.UPDATE if what != "submitted" else AuditAction.CREATE,
        actor=actor,
        obj=dossier,
        data={"transition": what, "status": dossier.status, **data},
    )


def notify(dossier: Dossier, at: dt.datetime) -> None:
    """Tell the applicant the dossier's new status: in the portal inbox, and by e-mail after
    the transaction commits (a task, so a slow mail server delays no officer)."""
    if dossier.applicant_user_id is None and not dossier.applicant_email:
        return
    subject = _("Dossier %(code)s: %(status)s") % {
        "code": dossier.code,
        "status": dossier.get_status_display(),
    }
    body = _(
        "Your dossier %(code)s (%(procedure)s) is now: %(status)s. "
        "Look it up with its code and your ID number."
    ) % {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "status": dossier.get_status_display(),
    }
    if dossier.status in (DossierStatus.RESULT_READY, DossierStatus.FEES_DUE):
        body += " " + _("The electronic result is in “My documents”.")
    notification = None
    if dossier.applicant_user_id is not None:
        notification = Notification.objects.create(
            user_id=dossier.applicant_user_id,
            dossier=dossier,
            subject=subject,
            body=body,
            created_at=at,
        )
    if dossier.applicant_email:
        from motcua.dossiers.tasks import send_status_email

        notification_id = notification.pk if notification else None
        email = dossier.applicant_email
        transaction.on_commit(
            lambda: send_status_email.enqueue(email, subject, body, notification_id)
        )
