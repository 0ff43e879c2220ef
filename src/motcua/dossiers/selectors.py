"""Reading dossiers: what an officer may see, the step queues, what an applicant may see,
the rate-limited public lookup, and the figures of the SLA dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError, NotFound
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
    LookupAttempt,
    Timeliness,
)
from motcua.dossiers.transitions import in_scope
from motcua.identity.models import Role, User
from motcua.identity.permissions import scoped
from motcua.security.services import client_ip

DOSSIER_ROLES = (Role.ONE_STOP_OFFICER, Role.CLERK, Role.SPECIALIST, Role.LEADER)
OPEN_STATUSES = [
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FEES_DUE,
    DossierStatus.RESULT_READY,
]


class TooManyLookups(DomainError):
    status_code = 429


def visible_to_staff(user: Any) -> QuerySet[Dossier]:
    """Dossiers handled or received by the agencies (and units) where the user holds a
    one-stop role."""
    handled = scoped(user, DOSSIER_ROLES, Dossier.objects.all(), unit_path="unit")
    received = scoped(user, DOSSIER_ROLES, Dossier.objects.all(), agency_path="receiving_agency")
    return Dossier.objects.filter(Q(pk__in=handled.values("pk")) | Q(pk__in=received.values("pk")))


def staff_dossier(user: Any, code: str) -> Dossier:
    dossier = (
        Dossier.objects.select_related("procedure", "agency", "receiving_agency", "unit")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound(_("No dossier with this code."), code="not_found")
    return dossier


def can_see(user: Any, dossier: Dossier) -> bool:
    if user.is_authenticated and dossier.applicant_user_id == user.pk:
        return True
    return in_scope(user, DOSSIER_ROLES, dossier)


def queue(user: User, *, mine: bool, step: str = "") -> QuerySet[DossierStep]:
    """Open steps waiting for the user: handed to them by name (`mine`), or to a role they
    hold at the step's agency (their agency's queue). Oldest due first."""
    open_steps = DossierStep.objects.filter(
        completed_at=None, dossier__status__in=OPEN_STATUSES
    ).select_related("dossier", "dossier__procedure", "agency", "assignee")
    if step:
        open_steps = open_steps.filter(step=step)
    if mine:
        return open_steps.filter(assignee=user).order_by("due_at")
    roles = set(user.role_assignments.values_list("role", flat=True)) & set(DOSSIER_ROLES)
    if user.is_superuser:
        roles = set(DOSSIER_ROLES)
    condition = Q(pk__in=[])
    for role in roles:
        in_scope = scoped(
            user, role, DossierStep.objects.filter(role=role), unit_path="agency__unit"
        )
        condition |= Q(pk__in=in_scope.values("pk"))
    return open_steps.filter(condition).order_by("due_at")


def applicant_dossiers(user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(applicant_user=user).select_related("procedure", "agency")


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure: str
    agency: str
    status: str
    status_code: int
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    promised_at: dt.datetime | None
    timeline: list[tuple[dt.datetime, str, str]]


def _throttle(ip: str | None, now: dt.datetime) -> None:
    window = now - dt.timedelta(minutes=10)
    misses = LookupAttempt.objects.filter(source_ip=ip, at__gte=window, found=False).count()
    if misses >= settings.MOTCUA_LOOKUP_MISSES_PER_10_MIN:
        raise TooManyLookups(
            _("Too many lookups that found nothing from your address; try again in 10 minutes."),
            code="throttled",
        )


def public_lookup(request: HttpRequest, code: str, id_number: str) -> PublicStatus:
    """Status and timeline of a dossier, for whoever knows its code and the owner's ID
    number; nothing else personal. Misses are counted per address and throttled."""
    now = timezone.now()
    ip = client_ip(request)
    _throttle(ip, now)
    dossier = (
        Dossier.objects.select_related("procedure", "agency")
        .filter(code=code.strip(), owner_id_number=id_number.strip())
        .first()
    )
    LookupAttempt.objects.create(source_ip=ip, at=now, found=dossier is not None)
    if dossier is None:
        raise NotFound(
            _("No dossier matches this code and ID number. Check both and try again."),
            code="not_found",
        )
    events = DossierEvent.objects.filter(dossier=dossier).order_by("at", "pk")
    return PublicStatus(
        code=dossier.code,
        procedure=dossier.procedure.name,
        agency=dossier.agency.name,
        status=dossier.get_status_display(),
        status_code=dossier.status,
        submitted_at=dossier.submitted_at,
        due_at=dossier.due_at,
        promised_at=dossier.promised_at,
        timeline=[
            (e.at, e.get_kind_display(), str(DossierStatus(e.status_to).label)) for e in events
        ],
    )


@dataclass(frozen=True)
class RateRow:
    label: str
    finished: int
    early: int
    on_time: int
    late: int

    @property
    def on_time_rate(self) -> float:
        return (self.early + self.on_time) / self.finished if self.finished else 0.0


@dataclass(frozen=True)
class Dashboard:
    due_today: int
    overdue: int
    open: int
    finished: int
    on_time_rate: float
    by_agency: list[RateRow]
    by_procedure: list[RateRow]


def _rates(queryset: QuerySet[Dossier], field: str, label: str) -> list[RateRow]:
    rows = (
        queryset.exclude(timeliness="")
        .values(field, label)
        .annotate(
            finished=Count("pk"),
            early=Count("pk", filter=Q(timeliness=Timeliness.EARLY)),
            on_time=Count("pk", filter=Q(timeliness=Timeliness.ON_TIME)),
            late=Count("pk", filter=Q(timeliness=Timeliness.LATE)),
        )
        .order_by("-finished")[:30]
    )
    return [RateRow(r[label], r["finished"], r["early"], r["on_time"], r["late"]) for r in rows]


def dashboard(queryset: QuerySet[Dossier], now: dt.datetime | None = None) -> Dashboard:
    """SLA figures over the dossiers given (already scoped to the viewer)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    end_of_day = local.replace(hour=23, minute=59, second=59, microsecond=0)
    running = queryset.filter(
        status__in=[
            DossierStatus.RECEIVED,
            DossierStatus.PROCESSING,
            DossierStatus.SUBMITTED,
        ],
        due_at__isnull=False,
    )
    totals = queryset.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        finished=Count("pk", filter=~Q(timeliness="")),
        good=Count("pk", filter=Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])),
    )
    return Dashboard(
        due_today=running.filter(due_at__gte=now, due_at__lte=end_of_day).count(),
        overdue=running.filter(due_at__lt=now).count(),
        open=totals["open"],
        finished=totals["finished"],
        on_time_rate=totals["good"] / totals["finished"] if totals["finished"] else 0.0,
        by_agency=_rates(queryset, "agency__code", "agency__name"),
        by_procedure=_rates(queryset, "procedure__code", "procedure__name"),
    )


# --- papers saved (the programme's KPI on reuse) -----------------------------------------


@dataclass(frozen=True)
class PapersRow:
    """Paper counts of a group of dossiers (one procedure, one agency, or all)."""

    key: str
    label: str
    dossiers: int
    required: int
    reused: int
    from_registry: int
    uploaded: int

    @property
    def not_asked(self) -> int:
        """Papers nobody had to hand in: reused from the warehouse or read from the registry."""
        return self.reused + self.from_registry


@dataclass(frozen=True)
class PapersSaved:
    total: PapersRow
    by_procedure: list[PapersRow]
    by_agency: list[PapersRow]


PAPER_SUMS = {
    "dossiers": Count("pk"),
    "required": Sum("papers_required"),
    "reused": Sum("papers_reused"),
    "from_registry": Sum("papers_from_registry"),
    "uploaded": Sum("papers_uploaded"),
}


def _papers_row(key: str, label: str, values: dict[str, Any]) -> PapersRow:
    return PapersRow(
        key,
        label,
        values["dossiers"] or 0,
        values["required"] or 0,
        values["reused"] or 0,
        values["from_registry"] or 0,
        values["uploaded"] or 0,
    )


def _papers_by(queryset: QuerySet[Dossier], key: str, label: str) -> list[PapersRow]:
    rows = queryset.values(key, label).annotate(**PAPER_SUMS).order_by(key)
    return [_papers_row(row[key], row[label], row) for row in rows]


def papers_saved(queryset: QuerySet[Dossier]) -> PapersSaved:
    """Papers required, reused, read from the registry and uploaded over the dossiers given
    (scope them first), in total, per procedure and per handling agency."""
    queryset = queryset.order_by()
    return PapersSaved(
        total=_papers_row("", "", queryset.aggregate(**PAPER_SUMS)),
        by_procedure=_papers_by(queryset, "procedure__code", "procedure__name"),
        by_agency=_papers_by(queryset, "agency__code", "agency__name"),
    )
