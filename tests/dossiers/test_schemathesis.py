"""Property tests of the dossier API from its own OpenAPI document (schemathesis).

Every operation under /api/dossiers is called with generated requests — valid and invalid —
by a province-wide officer who is also a citizen, against dossiers in several states.
No request may end in a 5xx, and every response must match what the document declares.

The data is built once for the module inside a transaction that is rolled back at the
end; each generated request runs in a savepoint rolled back after it, so every example
starts from the same dossiers and the run is deterministic (`derandomize`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.catalog.models import Procedure
from motcua.catalog.services import seed_catalog
from motcua.core.models import AdministrativeUnit, Agency, AgencyKind
from motcua.dossiers import interruptions, services
from motcua.identity.models import AccountKind, Role, User
from motcua.identity.services import create_staff_user, grant_role
from motcua.registry import idnumber
from motcua.registry.models import Citizen
from motcua.registry.names import name_key
from motcua.wsgi import application
from tests.conftest import PROVINCE_PC
from tests.dossiers.conftest import BIRTH, BIRTH_FORM, local

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex=r"^/api/dossiers"
)
# The session cookie is supplied by the test: requests without it are not "negative data".
schema.config.generation.update(with_security_parameters=False)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
RESIDENCE = "1.004222"  # temporary residence registration, with a fee
CSRF_TOKEN = "schemathesisCsrfToken0123456789a"  # 32 characters, as Django's secret


@dataclass
class World:
    """Real values the generated requests may use instead of random ones."""

    cookies: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[Any]] = field(default_factory=dict)


WORLD = World()


def _citizen(serial: int, name: str, commune: AdministrativeUnit) -> Citizen:
    number = idnumber.compose("022", 1990, "female", serial)
    return Citizen.objects.create(
        id_number=number,
        full_name=name,
        name_key=name_key(name),
        birth_date=dt.date(1990, 3, 8),
        sex="female",
        birth_province_code="022",
        ethnicity="Kinh",
        permanent_commune=commune,
        permanent_address="Tổ 1, Khu 2",
    )


def _build() -> World:
    seed_catalog()
    birth = Procedure.objects.get(code=BIRTH)
    commune = AdministrativeUnit.objects.current().filter(parent__code="22").order_by("code")[0]
    desk = Agency.objects.get(kind=AgencyKind.PEOPLES_COMMITTEE, unit=commune)
    owner = _citizen(901, "Nguyễn Thị Ánh Tuyết", commune)
    applicant = User.objects.create_user(
        owner.id_number, kind=AccountKind.CITIZEN, citizen=owner, eid_level=2
    )
    # A province-wide officer holding every dossier role, with a citizen record of their
    # own so that online submissions get as far as the form validation.
    officer = create_staff_user("st-officer", full_name="Phạm Văn Đức", password=None)
    province = Agency.objects.get(code=PROVINCE_PC)
    for role in (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER):
        grant_role(officer, role, agency=province)
    officer.citizen = _citizen(902, "Phạm Văn Đức", commune)
    officer.eid_level = 2
    officer.save()

    def submitted(hour: int, procedure: Procedure = birth, **form: str) -> Any:
        app = services.Application(procedure=procedure, form_data=form or dict(BIRTH_FORM))
        return services.submit_online(applicant, app, at=local(2026, 11, 23, hour, 0))

    at = local(2026, 11, 23, 14, 0)

    def processing(dossier: Any) -> Any:
        return services.digitise(services.receive(dossier, officer, at=at), officer, at=at)

    def approved(dossier: Any) -> Any:
        dossier = services.appraise(processing(dossier), officer, opinion="Hợp lệ", at=at)
        return services.approve(dossier, officer, result_summary="Giấy khai sinh", at=at)

    paused = submitted(10)
    interruptions.request_supplement(paused, officer, items=["Bản sao CCCD"], at=at)
    dossiers = [
        submitted(8),
        services.receive(submitted(9), officer, at=at),
        paused,
        processing(submitted(11)),
        approved(submitted(12)),
        services.return_result(approved(submitted(13)), officer, at=at),
        # Temporary residence has a fee: approved, it waits for payment (status 6).
        approved(submitted(14, Procedure.objects.get(code=RESIDENCE), request="Tạm trú")),
    ]

    client = Client()
    client.force_login(officer)
    return World(
        cookies={"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN},
        values={
            "code": [dossier.code for dossier in dossiers],
            "number": ["01", "02", "05"],
            "id_number": [owner.id_number],
            "procedure_code": [BIRTH],
            "form_data": [dict(BIRTH_FORM)],
            "agency_code": [desk.code],
            "to_username": [officer.username],
            "version": [1, 2, 3],
            "amount": [1000, 5000],
            "method": ["cash"],
            "new_due_at": ["2026-12-31T10:00:00+07:00", "2026-12-31T10:00:00"],
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The module's dossiers, rolled back afterwards; requests reach the WSGI app on this
    connection, so Django must not close it between requests (as its test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    quick = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), quick, transaction.atomic():
        built = _build()
        WORLD.cookies, WORLD.values = built.cookies, built.values
        yield WORLD
        transaction.set_rollback(True)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Inputs that have broken Django APIs before, mixed into the generated ones: NUL (which
# PostgreSQL refuses), integers past 64 bits and a date at the edge of what Python holds.
# (Lone surrogates are tested in test_api: schemathesis cannot validate them.)
AWKWARD_TEXT = ["\x00", "A\x00B"]
AWKWARD_BODY = [*AWKWARD_TEXT, 2**63, -1, "9999-12-31T23:59:59-14:00"]


def _mix(generated: Any, awkward: list[Any]) -> Any:
    """Each field: the generated value (most often), a real one, or an awkward one."""
    if not isinstance(generated, dict):
        return st.just(generated)
    picks = {
        name: st.sampled_from([value, value, value, *WORLD.values.get(name, []), *awkward])
        for name, value in generated.items()
    }
    return st.fixed_dictionaries(picks).map(lambda chosen: {**generated, **chosen})


def _with(case: Any, path_parameters: Any, query: Any, body: Any) -> Any:
    mixed = case.derive(query=query)
    mixed.path_parameters = path_parameters
    mixed.body = body
    return mixed


@schema.hook
def flatmap_case(context: Any, case: Any) -> Any:
    """Mix real and awkward values into valid requests; invalid ones are left as they are,
    so that the API is still held to rejecting exactly what the schema forbids."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_negative:
        return st.just(case)
    parts = st.tuples(
        _mix(case.path_parameters, AWKWARD_TEXT),
        _mix(case.query, AWKWARD_TEXT),
        _mix(case.body, AWKWARD_BODY),
    )
    return parts.map(lambda chosen: _with(case, *chosen))


@schema.parametrize()
@hypothesis.settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_the_dossier_api_keeps_to_its_schema_and_never_fails(case, world):
    with transaction.atomic():
        response = case.call(
            cookies=world.cookies,
            headers={"X-CSRFToken": CSRF_TOKEN},
        )
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
