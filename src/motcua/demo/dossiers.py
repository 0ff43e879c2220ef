"""Demo dossiers: a few thousand applications of the last ~60 working days, in every status.

Each dossier is played through the real service functions with `at=` in the past, so its
control slip, history, notifications, payments and audit records agree with one another as
if the officers of its agencies had worked it. Each fate (the status a dossier ends in, and
what happened on the way) is drawn from a seeded generator, and a dossier's moments are
placed so that its last action happened before now: old dossiers are mostly finished, the
open ones recent, a few overdue.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Procedure, Step
from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency, AgencyKind, AgencyLevel
from motcua.demo.services import DEMO_COMMUNE, ensure_signer
from motcua.dossiers import interruptions, payments, services
from motcua.dossiers.models import Channel, Dossier, DossierStatus, PaymentMethod
from motcua.identity.models import AccountKind, EidLevel, Role, RoleAssignment, User
from motcua.identity.services import create_staff_user, grant_role
from motcua.registry.idnumber import InvalidIdNumber, parse
from motcua.registry.models import Citizen, CitizenStatus, IssueStatus
from motcua.signing import services as signing

log = logging.getLogger(__name__)

# The commune People's Committees that receive the demo's commune dossiers; the first has
# the demo's commune staff logins (see services.DEMO_STAFF).
DEMO_COMMUNES = (
    DEMO_COMMUNE,
    "000.00.32.H49",
    "000.00.33.H49",
    "000.00.34.H49",
    "000.00.35.H49",
    "000.00.36.H49",
)
APPLICANTS_PER_COMMUNE = 40
WINDOW_WORKING_DAYS = 60
CHUNK = 200

# How the demo dossiers end, in shares of the total: the national status codes.
FATES: dict[int, int] = {
    DossierStatus.RESULT_RETURNED: 50,
    DossierStatus.PROCESSING: 12,
    DossierStatus.RESULT_READY: 6,
    DossierStatus.REFUSED: 6,
    DossierStatus.SUBMITTED: 5,
    DossierStatus.RECEIVED: 5,
    DossierStatus.SUPPLEMENT_REQUESTED: 4,
    DossierStatus.FEES_DUE: 4,
    DossierStatus.WITHDRAWN: 4,
    DossierStatus.STOPPED: 4,
}
LATE_SHARE = 0.15
STAFF_NAMES = (
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Minh Tuấn",
    "Phạm Thị Thu Hà",
    "Hoàng Văn Long",
    "Vũ Thị Ngọc",
    "Đỗ Quang Vinh",
    "Bùi Thị Hạnh",
    "Đặng Văn Khoa",
    "Ngô Thị Mai",
)
ROLE_PREFIX: dict[str, str] = {
    Role.ONE_STOP_OFFICER: "tn",
    Role.SPECIALIST: "cv",
    Role.LEADER: "ld",
}
DESK_STEPS = {Step.RECEIVE, Step.DIGITISE, Step.RETURN, ""}
STEP_ROLE: dict[str, str] = {
    Step.RECEIVE: Role.ONE_STOP_OFFICER,
    Step.DIGITISE: Role.ONE_STOP_OFFICER,
    Step.APPRAISE: Role.SPECIALIST,
    Step.APPROVE: Role.LEADER,
    Step.RETURN: Role.ONE_STOP_OFFICER,
}
OPINIONS = (
    "Hồ sơ đầy đủ, hợp lệ; đề nghị giải quyết.",
    "Đã đối chiếu dữ liệu dân cư, thông tin chính xác; đề nghị phê duyệt.",
    "Hồ sơ đáp ứng điều kiện theo quy định; trình lãnh đạo ký.",
)
RESULTS = (
    "Đã ký và cấp kết quả điện tử.",
    "Phê duyệt; kết quả được ký số và lưu kho dữ liệu.",
)
MISSING = (
    ["Bản sao giấy khai sinh có chứng thực"],
    ["Giấy xác nhận nơi cư trú", "Ảnh chân dung 4x6"],
    ["Văn bản ủy quyền có chứng thực"],
    ["Bản chính giấy tờ cần đối chiếu"],
)
REFUSALS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết.",
    "Người nộp không đủ điều kiện theo quy định.",
    "Giấy tờ kèm theo không hợp lệ.",
)
TRANSFER_REASONS = ("Người nộp chọn nhầm nơi cư trú; chuyển về đúng xã, phường.",)
APOLOGIES = ("Khối lượng hồ sơ tăng đột biến; xin lỗi và hẹn lại ngày trả kết quả.",)
WITHDRAWALS = ("Không còn nhu cầu.", "Nộp lại hồ sơ khác.", "")
RATINGS = {5: 45, 4: 35, 3: 12, 2: 5, 1: 3}


@dataclass
class DemoDossiers:
    dossiers: int
    agencies: int
    created: int = 0
    interrupted: int = 0


@dataclass
class Action:
    hours: float  # working hours after the previous action
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fate:
    status: int
    procedure: Procedure
    applicant: User
    channel: str
    actions: list[Action]
    recent: float | None  # the last action at most this many working hours ago; None: any


def load_demo_dossiers(
    count: int = 2000, seed: int = 22, *, if_empty: bool = True, chunk: int = CHUNK
) -> DemoDossiers:
    """Play `count` demo dossiers through the services (only on a database without dossiers
    when `if_empty`), `chunk` dossiers per transaction.

    Guarantees on a fresh database: every status 1–10, dossiers at several communes and at
    province departments through the Service Centre, every action done by a staff account
    holding the role it needs (created for agencies that have none), and every moment in
    office hours of the last WINDOW_WORKING_DAYS working days, before now.
    """
    if if_empty and Dossier.objects.exists():
        return _report(0, 0)
    player = _Player(random.Random(seed))  # noqa: S311 - reproducible demo data
    if not player.applicants:
        log.warning("demo dossiers: no citizens in the demo communes; load the registry first")
        return _report(0, 0)
    fates = player.fates(count)
    created = interrupted = 0
    for start in range(0, len(fates), chunk):
        # One transaction per chunk: each service's own transaction becomes a savepoint,
        # so a dossier that cannot go on keeps what it did and the others are unaffected.
        with transaction.atomic():
            for fate in fates[start : start + chunk]:
                finished = player.play(fate)
                created += 1
                interrupted += 0 if finished else 1
    return _report(created, interrupted)


def _report(created: int, interrupted: int) -> DemoDossiers:
    agencies = Dossier.objects.values("agency").distinct().count()
    return DemoDossiers(Dossier.objects.count(), agencies, created, interrupted)


class _Player:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.calendar = WorkingCalendar()
        self.now = timezone.now()
        self.window_start = self._window_start()
        self.window = float(self.calendar.working_hours_between(self.window_start, self.now))
        self.staff: dict[tuple[int, str], User] = {}
        self.communes = list(Agency.objects.filter(code__in=DEMO_COMMUNES).order_by("code"))
        self.applicants = self._applicants()
        procedures = list(
            Procedure.objects.filter(is_active=True)
            .select_related("agency")
            .prefetch_related("fees")
            .order_by("code")
        )
        self.fees = {p.pk: sum(fee.amount for fee in p.fees.all()) for p in procedures}
        self.commune_procedures = [p for p in procedures if p.agency_level == AgencyLevel.COMMUNE]
        self.province_procedures = [
            p for p in procedures if p.agency_level == AgencyLevel.PROVINCE and p.agency_id
        ]
        self.id_numbers = self._id_numbers()
        self.references = 0

    # -- who and when ---------------------------------------------------------------

    def _window_start(self) -> dt.datetime:
        day = timezone.localtime(self.now, self.calendar.tz).date()
        counted = 0
        while counted < WINDOW_WORKING_DAYS:
            day -= dt.timedelta(days=1)
            counted += self.calendar.is_working_day(day)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=self.calendar.tz)
        return self.calendar.next_working_moment(midnight)

    def _applicants(self) -> dict[int, list[User]]:
        """Level-2 citizen accounts living in the demo communes, by commune agency: the
        demo's own citizen logins where they live there, then clean adult records."""
        verifier = User.objects.filter(username="congan").first()
        now = self.now
        pool: dict[int, list[User]] = {}
        for agency in self.communes:
            users = list(
                User.objects.filter(
                    kind=AccountKind.CITIZEN,
                    eid_level=EidLevel.LEVEL_2,
                    citizen__permanent_commune=agency.unit_id,
                    citizen__status=CitizenStatus.ALIVE,
                ).select_related("citizen")
            )
            missing = APPLICANTS_PER_COMMUNE - len(users)
            if missing > 0:
                candidates = (
                    Citizen.objects.filter(
                        permanent_commune=agency.unit_id,
                        status=CitizenStatus.ALIVE,
                        birth_date__year__lte=2006,
                        account__isnull=True,
                    )
                    .exclude(quality_issues__status=IssueStatus.OPEN)
                    .order_by("id_number")[:missing]
                )
                # Demo accounts that nobody logs in to: no usable password.
                User.objects.bulk_create(
                    User(
                        username=citizen.id_number,
                        kind=AccountKind.CITIZEN,
                        citizen=citizen,
                        full_name=citizen.full_name,
                        password=make_password(None),
                        eid_level=EidLevel.LEVEL_2,
                        level2_verified_by=verifier,
                        level2_verified_at=now,
                        level2_verified_place="Công an tỉnh Quảng Ninh (demo)",
                    )
                    for citizen in candidates
                )
                users = list(
                    User.objects.filter(
                        kind=AccountKind.CITIZEN,
                        eid_level=EidLevel.LEVEL_2,
                        citizen__permanent_commune=agency.unit_id,
                        citizen__status=CitizenStatus.ALIVE,
                    ).select_related("citizen")
                )
            if users:
                pool[agency.pk] = sorted(users, key=lambda user: user.pk)
        # The demo's level-2 citizen login applies too, wherever it lives.
        demo = (
            User.objects.filter(kind=AccountKind.CITIZEN, eid_level=EidLevel.LEVEL_2)
            .select_related("citizen")
            .order_by("pk")
            .first()
        )
        if demo is not None and demo.citizen is not None:
            home = Agency.objects.filter(
                kind=AgencyKind.PEOPLES_COMMITTEE, unit=demo.citizen.permanent_commune_id
            ).first()
            if home is not None:
                if home.pk not in pool:
                    self.communes.append(home)
                pool.setdefault(home.pk, []).insert(0, demo)
        return pool

    def _id_numbers(self) -> list[str]:
        numbers = []
        for number in Citizen.objects.filter(status=CitizenStatus.ALIVE).values_list(
            "id_number", flat=True
        )[:400]:
            try:
                numbers.append(parse(number).number)
            except InvalidIdNumber:
                continue
        return numbers

    def officer(self, agency: Agency, role: str) -> User:
        """A staff account holding `role` at `agency`: the demo login if there is one,
        else one created for the demo (no usable password)."""
        key = (agency.pk, role)
        if key not in self.staff:
            holder = (
                RoleAssignment.objects.filter(agency=agency, role=role, user__is_active=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if holder is not None:
                user = holder.user
            else:
                number = agency.code.split(".")[2]
                username = f"cb{number}-{ROLE_PREFIX[role]}"
                user = User.objects.filter(username=username).first() or create_staff_user(
                    username,
                    full_name=STAFF_NAMES[(int(number) + len(role)) % len(STAFF_NAMES)],
                    password=None,
                )
                grant_role(user, role, agency=agency)
            if role == Role.LEADER and signing.is_set_up():
                ensure_signer(user, agency)  # approvals sign the result
            self.staff[key] = user
        return self.staff[key]

    def actor_for_step(self, dossier: Dossier) -> User:
        step = dossier.current_step
        agency = dossier.receiving_agency if step in DESK_STEPS else dossier.agency
        return self.officer(agency, STEP_ROLE.get(step, Role.ONE_STOP_OFFICER))

    # -- fates -----------------------------------------------------------------------

    def fates(self, count: int) -> list[Fate]:
        """`count` fates in the FATES shares (each at least once), in a seeded order."""
        total = sum(FATES.values())
        statuses: list[int] = []
        for status, share in FATES.items():
            statuses += [status] * max(1, round(count * share / total))
        statuses = statuses[:count] if len(statuses) > count else statuses
        while len(statuses) < count:
            statuses.append(DossierStatus.RESULT_RETURNED)
        self.rng.shuffle(statuses)
        return [self.fate(status) for status in statuses]

    def _procedure(self, status: int) -> tuple[Procedure, User]:
        rng = self.rng
        with_fees = status == DossierStatus.FEES_DUE
        commune = rng.random() < 0.6
        pool = self.commune_procedures if commune else self.province_procedures
        if with_fees:
            pool = [p for p in pool if self.fees[p.pk]] or [
                p for p in self.province_procedures if self.fees[p.pk]
            ]
        procedure = rng.choice(pool)
        if procedure.agency_level == AgencyLevel.COMMUNE:
            home = rng.choice([key for key in self.applicants])
            applicant = rng.choice(self.applicants[home])
        else:
            everyone = rng.choice(list(self.applicants.values()))
            applicant = rng.choice(everyone)
        return procedure, applicant

    def fate(self, status: int) -> Fate:
        rng = self.rng
        procedure, applicant = self._procedure(status)
        hours = float(procedure.processing_hours)
        fees = self.fees[procedure.pk] > 0
        roll = rng.random()
        channel = Channel.ONLINE if roll < 0.7 else Channel.COUNTER if roll < 0.95 else Channel.POST
        if status == DossierStatus.SUBMITTED:
            channel = Channel.ONLINE  # a counter dossier is received at once
        online = channel == Channel.ONLINE
        acts = [Action(0, "submit")]
        recent: float | None = None
        paid = False
        if fees and status != DossierStatus.FEES_DUE and rng.random() < 0.6:
            acts.append(Action(rng.uniform(0.05, 1), "pay"))
            paid = True
        if status == DossierStatus.SUBMITTED and online:
            return Fate(status, procedure, applicant, channel, acts, 12)
        desk_ending: dict[int, str] = {
            DossierStatus.REFUSED: "refuse",
            DossierStatus.SUPPLEMENT_REQUESTED: "supplement",
            DossierStatus.WITHDRAWN: "withdraw",
        }
        if status in desk_ending and rng.random() < 0.4:
            # Ended at the desk, before (online) or just after (counter) reception.
            acts.append(Action(rng.uniform(0.2, 6), desk_ending[status]))
            recent = 40 if status == DossierStatus.SUPPLEMENT_REQUESTED else None
            return Fate(status, procedure, applicant, channel, acts, recent)
        if online:
            if procedure.agency_level == AgencyLevel.COMMUNE and rng.random() < 0.05:
                acts.append(Action(rng.uniform(0.2, 3), "transfer"))
            acts.append(Action(rng.uniform(0.2, 6), "receive"))
        if status in (DossierStatus.SUBMITTED, DossierStatus.RECEIVED):
            return Fate(status, procedure, applicant, channel, acts, 16)
        late = rng.random() < LATE_SHARE
        pace = rng.uniform(1.1, 1.8) if late else rng.uniform(0.2, 0.9)
        acts.append(Action(0.05 * hours * pace + 0.05, "digitise"))
        if status == DossierStatus.PROCESSING:
            if late:
                # Still open after its deadline, some with an apology and a new date.
                if rng.random() < 0.6:
                    acts.append(Action(hours * rng.uniform(0.8, 0.95), "apologise"))
                acts.append(Action(hours * 0.3, "wait"))
                return Fate(status, procedure, applicant, channel, acts, 8)
            if rng.random() < 0.5:
                acts.append(Action(0.6 * hours * pace, "appraise"))
            return Fate(status, procedure, applicant, channel, acts, 24)
        endings: dict[int, str] = {
            DossierStatus.REFUSED: "refuse",
            DossierStatus.SUPPLEMENT_REQUESTED: "supplement",
            DossierStatus.WITHDRAWN: "withdraw",
            DossierStatus.STOPPED: "supplement",
        }
        if status in endings:
            acts.append(Action(0.3 * hours * pace + 0.1, endings[status]))
            if status == DossierStatus.STOPPED:
                acts.append(Action(rng.uniform(40, 80), "stop"))
            recent = 40 if status == DossierStatus.SUPPLEMENT_REQUESTED else None
            return Fate(status, procedure, applicant, channel, acts, recent)
        if rng.random() < 0.12:
            acts.append(Action(0.2 * hours * pace + 0.1, "supplement"))
            acts.append(Action(rng.uniform(4, 24), "provide"))
        acts.append(Action(0.6 * hours * pace + 0.1, "appraise"))
        if late and rng.random() < 0.5:
            acts.append(Action(0.1 * hours * pace, "apologise"))
            acts.append(Action(0.1 * hours * pace + 0.1, "approve"))
        else:
            acts.append(Action(0.2 * hours * pace + 0.1, "approve"))
        if status == DossierStatus.FEES_DUE:
            return Fate(status, procedure, applicant, channel, acts, 40)
        if fees and not paid:
            acts.append(Action(rng.uniform(0.5, 16), "pay"))
        if status == DossierStatus.RESULT_READY:
            return Fate(status, procedure, applicant, channel, acts, 24)
        acts.append(Action(rng.uniform(0.2, 16), "return"))
        if online and rng.random() < 0.6:
            acts.append(Action(rng.uniform(0.2, 24), "rate"))
        return Fate(status, procedure, applicant, channel, acts, None)

    # -- playing ---------------------------------------------------------------------

    def _start(self, fate: Fate) -> dt.datetime:
        span = sum(action.hours for action in fate.actions) + 0.5
        latest = max(self.window - span, 0.0)
        if fate.recent is None:
            offset = self.rng.uniform(0, latest)
        else:
            offset = max(latest - self.rng.uniform(0, fate.recent), 0.0)
        return self.calendar.add_working_hours(self.window_start, round(offset, 2))

    def play(self, fate: Fate) -> bool:
        """Run the fate's actions; False when a service refused one (logged)."""
        at = self._start(fate)
        dossier: Dossier | None = None
        for action in fate.actions:
            if action.hours:
                at = self.calendar.add_working_hours(at, round(action.hours, 2))
            if at > self.now:
                return False
            do: Callable[[Dossier | None, Fate, dt.datetime], Dossier] = getattr(
                self, f"do_{action.kind}"
            )
            try:
                dossier = do(dossier, fate, at)
            except (DomainError, PermissionDenied) as error:
                log.warning("demo dossier %s: %s refused: %s", dossier, action.kind, error)
                return False
        return True

    def do_submit(self, _dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        app = services.Application(
            procedure=fate.procedure,
            form_data=self._form_data(fate.procedure),
            phone=f"09{self.rng.randrange(10**8):08d}",
        )
        if fate.channel == Channel.ONLINE:
            return services.submit_online(fate.applicant, app, at=at)
        citizen = fate.applicant.citizen
        assert citizen is not None
        receiving = services.receiving_agency(fate.procedure, citizen, None)
        officer = self.officer(receiving, Role.ONE_STOP_OFFICER)
        return services.intake_at_counter(
            officer, app, citizen.id_number, channel=fate.channel, at=at
        )

    def _form_data(self, procedure: Procedure) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for spec in procedure.form_fields or []:
            kind = spec.get("type", "text")
            if kind == "date":
                data[spec["name"]] = (self.now.date() - dt.timedelta(days=30)).isoformat()
            elif kind == "id_number":
                data[spec["name"]] = self.rng.choice(self.id_numbers)
            elif kind == "choice":
                data[spec["name"]] = self.rng.choice(spec.get("choices") or [""])
            elif kind == "number":
                data[spec["name"]] = self.rng.randint(1, 5)
            else:
                data[spec["name"]] = "Đề nghị giải quyết theo quy định (hồ sơ mẫu)."
        return data

    def _require(self, dossier: Dossier | None) -> Dossier:
        if dossier is None:
            raise DomainError("no dossier yet")
        return dossier

    def do_pay(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        self.references += 1
        if dossier.applicant_user_id and fate.channel == Channel.ONLINE:
            actor, method = fate.applicant, PaymentMethod.NATIONAL_PORTAL
        else:
            actor = self.officer(dossier.receiving_agency, Role.ONE_STOP_OFFICER)
            method = PaymentMethod.CASH
        payment = payments.record_payment(
            dossier,
            actor,
            amount=dossier.fees_outstanding,
            method=method,
            reference=f"DEMO-{dossier.code}-{self.references}",
            at=at,
        )
        return payment.dossier

    def do_receive(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        officer = self.officer(dossier.receiving_agency, Role.ONE_STOP_OFFICER)
        return services.receive(dossier, officer, at=at)

    def do_digitise(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        officer = self.officer(dossier.receiving_agency, Role.ONE_STOP_OFFICER)
        return services.digitise(dossier, officer, at=at)

    def do_appraise(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        specialist = self.officer(dossier.agency, Role.SPECIALIST)
        opinion = self.rng.choice(OPINIONS)
        return services.appraise(dossier, specialist, opinion=opinion, at=at)

    def do_approve(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        leader = self.officer(dossier.agency, Role.LEADER)
        summary = self.rng.choice(RESULTS)
        return services.approve(dossier, leader, result_summary=summary, at=at)

    def do_return(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        officer = self.officer(dossier.receiving_agency, Role.ONE_STOP_OFFICER)
        return services.return_result(dossier, officer, at=at)

    def do_rate(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        level = self.rng.choices(list(RATINGS), weights=list(RATINGS.values()))[0]
        payments.rate(dossier, fate.applicant, level=level, at=at)
        return dossier

    def do_supplement(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        request = interruptions.request_supplement(
            dossier,
            self.actor_for_step(dossier),
            items=list(self.rng.choice(MISSING)),
            reason="Hồ sơ còn thiếu giấy tờ theo quy định.",
            at=at,
        )
        return request.dossier

    def do_provide(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        if fate.channel == Channel.ONLINE:
            actor = fate.applicant
        else:
            actor = self.officer(dossier.receiving_agency, Role.ONE_STOP_OFFICER)
        return interruptions.provide_supplement(
            dossier, actor, note="Đã bổ sung đầy đủ giấy tờ.", at=at
        )

    def do_refuse(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        reason = self.rng.choice(REFUSALS)
        return interruptions.refuse(dossier, self.actor_for_step(dossier), reason=reason, at=at)

    def do_withdraw(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        if fate.channel == Channel.ONLINE:
            actor = fate.applicant
        else:
            actor = self.officer(dossier.receiving_agency, Role.ONE_STOP_OFFICER)
        reason = self.rng.choice(WITHDRAWALS)
        return interruptions.withdraw(dossier, actor, reason=reason, at=at)

    def do_stop(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        leader = self.officer(dossier.agency, Role.LEADER)
        reason = "Quá thời hạn bổ sung mà người nộp không bổ sung hồ sơ."
        return interruptions.stop(dossier, leader, reason=reason, at=at)

    def do_transfer(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        others = [agency for agency in self.communes if agency.pk != dossier.agency_id]
        officer = self.officer(dossier.receiving_agency, Role.ONE_STOP_OFFICER)
        return interruptions.transfer(
            dossier,
            officer,
            to_agency=self.rng.choice(others),
            reason=TRANSFER_REASONS[0],
            at=at,
        )

    def do_apologise(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        dossier = self._require(dossier)
        due = max(dossier.promised_at or dossier.due_at or at, at)
        apology = interruptions.apologise(
            dossier,
            self.actor_for_step(dossier),
            reason=APOLOGIES[0],
            new_due_at=self.calendar.add_working_hours(due, 16),
            at=at,
        )
        return apology.dossier

    def do_wait(self, dossier: Dossier | None, fate: Fate, at: dt.datetime) -> Dossier:
        return self._require(dossier)
