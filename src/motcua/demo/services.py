"""The demo province: Quảng Ninh's units and agencies, and one staff login per role.

Passwords are drawn fresh on every run and printed, so no usable credential is ever
committed or shared between installations.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from motcua.catalog.services import seed_catalog
from motcua.core.models import Agency
from motcua.core.services import province_unit, seed_agencies
from motcua.core.units import load_units
from motcua.identity.models import (
    AccountKind,
    ApplicantRole,
    EidLevel,
    Organisation,
    OrganisationMember,
    OrganisationRole,
    OrganisationStatus,
    Role,
    User,
)
from motcua.identity.services import create_staff_user, grant_role
from motcua.registry.generate import generate_population
from motcua.registry.models import Citizen, CitizenStatus, IssueStatus
from motcua.registry.quality.scan import run_scan
from motcua.signing import services as signing
from motcua.signing.models import CertificateKind


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    full_name: str
    role: str
    scope: str


# The commune People's Committee whose staff have demo logins (Phường Hà Tu).
DEMO_COMMUNE = "000.00.31.H49"

# (login, full name, role, agency code or None for the whole province unit)
DEMO_STAFF = [
    ("tiepnhan", "Nguyễn Thị Hoa", Role.ONE_STOP_OFFICER, "000.00.20.H49"),
    ("chuyenvien", "Trần Văn Minh", Role.SPECIALIST, "000.00.04.H49"),
    ("lanhdao", "Phạm Quang Huy", Role.LEADER, "000.00.04.H49"),
    ("congan", "Lê Đức Thắng", Role.REGISTRY_OFFICER, "000.00.21.H49"),
    ("de-an-06", "Vũ Thu Trang", Role.PROGRAMME_OFFICER, "000.00.01.H49"),
    ("antoan", "Đặng Hải Nam", Role.SECURITY_OFFICER, "000.00.00.H49"),
    ("quantri", "Hoàng Minh Châu", Role.ADMINISTRATOR, "000.00.00.H49"),
    ("tiepnhanxa", "Lương Thị Thảo", Role.ONE_STOP_OFFICER, DEMO_COMMUNE),
    ("vanthuxa", "Mai Văn Đức", Role.CLERK, DEMO_COMMUNE),
    ("chuyenvienxa", "Trịnh Thu Hương", Role.SPECIALIST, DEMO_COMMUNE),
    ("lanhdaoxa", "Cao Văn Sơn", Role.LEADER, DEMO_COMMUNE),
]


def _password() -> str:
    return secrets.token_urlsafe(9)


def load_demo_registry(people: int = 20_000, defect_rate: float = 0.05) -> int:
    """A synthetic population with known defects, scanned, unless one is already there.
    Returns the number of citizens."""
    if not Citizen.objects.exists():
        generate_population(people, defect_rate=defect_rate, seed=22)
        run_scan()
    return Citizen.objects.count()


@transaction.atomic
def load_demo_citizens() -> list[DemoLogin]:
    """A level-1 citizen, a level-2 citizen and an organisation's legal representative,
    bound to clean adult records of the demo registry; passwords new on every run."""
    clean = (
        Citizen.objects.filter(
            status=CitizenStatus.ALIVE,
            birth_date__year__lte=1995,
            account__isnull=True,
            birth_province_code="022",
        )
        .exclude(quality_issues__status=IssueStatus.OPEN)
        .exclude(sex="")
        .order_by("id_number")
    )
    wanted = [
        (EidLevel.LEVEL_1, "citizen, level 1"),
        (EidLevel.LEVEL_2, "citizen, level 2"),
        (EidLevel.LEVEL_2, "organisation representative"),
    ]
    existing = list(
        User.objects.filter(kind=AccountKind.CITIZEN, username__startswith="0").order_by("pk")[
            : len(wanted)
        ]
    )
    officer = User.objects.filter(username="congan").first()
    logins: list[DemoLogin] = []
    for index, (level, label) in enumerate(wanted):
        password = _password()
        if index < len(existing):
            user = existing[index]
        else:
            citizen = clean[index]
            user = User(
                username=citizen.id_number,
                kind=AccountKind.CITIZEN,
                citizen=citizen,
                full_name=citizen.full_name,
            )
        user.eid_level = level
        if level == EidLevel.LEVEL_2 and user.level2_verified_at is None:
            user.level2_verified_by = officer
            user.level2_verified_at = timezone.now()
            user.level2_verified_place = "Công an tỉnh Quảng Ninh (demo)"
        user.set_password(password)
        user.save()
        if label == "organisation representative" and not user.organisation_memberships.exists():
            organisation = Organisation.objects.create(
                name="Công ty TNHH Du lịch Vịnh Xanh",
                code="5701234567",
                address="Số 8, đường Hạ Long",
                commune=user.citizen.permanent_commune if user.citizen else None,
                status=OrganisationStatus.APPROVED,
                applicant=user,
                applicant_role=ApplicantRole.LEGAL_REPRESENTATIVE,
                reviewed_by=officer,
                reviewed_at=timezone.now(),
            )
            OrganisationMember.objects.create(
                organisation=organisation, user=user, role=OrganisationRole.REPRESENTATIVE
            )
        logins.append(DemoLogin(user.username, password, user.full_name, label, "/account/login/"))
    return logins


@transaction.atomic
def load_demo_province() -> list[DemoLogin]:
    """Load units and agencies, create or reset the demo staff; return their logins."""
    load_units()
    seed_agencies()
    seed_catalog()
    province = province_unit()
    logins: list[DemoLogin] = []
    for username, full_name, role, agency_code in DEMO_STAFF:
        agency = Agency.objects.get(code=agency_code)
        user = User.objects.filter(username=username).first()
        password = _password()
        if user is None:
            user = create_staff_user(username, full_name=full_name, password=password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        grant_role(user, role, agency=agency)
        if role == Role.REGISTRY_OFFICER:
            grant_role(user, role, unit=province)
        logins.append(DemoLogin(username, password, full_name, str(role.label), agency.name))
    admin = User.objects.filter(username="admin").first()
    password = _password()
    if admin is None:
        admin = User.objects.create_superuser(
            "admin", password=password, full_name="Quản trị hệ thống"
        )
    else:
        admin.set_password(password)
        admin.save(update_fields=["password"])
    logins.append(DemoLogin("admin", password, admin.full_name, "superuser", "—"))
    load_demo_signing()
    return logins


def load_demo_signing() -> None:
    """The provincial CA, and a certificate for each demo leader and a seal for their
    agencies, so results approved in the demo are signed."""
    signing.init_ca()
    for username, _name, role, agency_code in DEMO_STAFF:
        if role == Role.LEADER:
            user = User.objects.get(username=username)
            ensure_signer(user, Agency.objects.get(code=agency_code))


def ensure_signer(leader: User, agency: Agency) -> None:
    """A certificate for `leader` and a seal for `agency`, unless they have them."""
    if signing.certificate_of(leader) is None:
        signing.issue_certificate(CertificateKind.OFFICER, actor=None, holder=leader, agency=agency)
    if signing.seal_of(agency) is None:
        signing.issue_certificate(CertificateKind.SEAL, actor=None, agency=agency)
