"""One-stop submission benchmark: online submissions through the API at concurrency 8, against
a baseline of the cheapest authenticated write (one INSERT) on the same stack and database.

Needs DATABASE_URL pointing at a scratch PostgreSQL database: the dossier tables are emptied
first. Eight worker processes each hold their own connection and a logged-in session of a
level-2 citizen and drive the whole Django request path (middleware, session, CSRF, ninja) with
the test client; BENCH_REQUESTS sets the measured requests per process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
import uuid
from dataclasses import dataclass

WORKERS = 8
WARM_UP = 20
PROCEDURE = "1.004203"  # commune level, e-ID level 1, no fees: the dossier engine alone
TARGET_SHARE = 0.30
TARGET_P95_MS = 150.0


@dataclass
class Result:
    label: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[max(int(share * len(ordered)) - 1, 0)]


def run(requests_per_worker: int | None = None) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("\none-stop submission benchmark: skipped (set DATABASE_URL to a scratch PostgreSQL)")
        return
    per_worker = requests_per_worker or int(os.environ.get("BENCH_REQUESTS", "120"))
    print(
        f"\none-stop submission benchmark: {WORKERS} processes x {per_worker} requests "
        f"(after {WARM_UP} warm-up each), {os.cpu_count()} cores"
    )
    users = prepare(WORKERS)
    submissions = drive("POST /api/dossiers/", "/api/dossiers/", users, per_worker)
    baseline = drive("baseline: login_required + 1 INSERT", "/bench/baseline/", users, per_worker)
    for result in (submissions, baseline):
        print(
            f"{result.label:<44} {result.rate:>8,.0f} req/s  p50 {result.percentile(0.5):6.1f} ms"
            f"  p95 {result.percentile(0.95):6.1f} ms  ({result.requests} in "
            f"{result.seconds:.1f} s, {result.errors} errors)"
        )
    from motcua.dossiers.models import Dossier

    written = Dossier.objects.count()
    expected = len(users) * (WARM_UP + per_worker)
    print(f"{'dossiers written':<44} {written:>8,}  (expected {expected:,})")
    if submissions.errors or baseline.errors or written != expected:
        print("errors: the figures above are not valid")
    share = submissions.rate / baseline.rate
    p95 = submissions.percentile(0.95)
    print(
        f"{'submissions / baseline':<44} {share:>8.0%}  (target ≥ {TARGET_SHARE:.0%}: "
        f"{'met' if share >= TARGET_SHARE else 'NOT met'}; p95 < {TARGET_P95_MS:.0f} ms: "
        f"{'met' if p95 < TARGET_P95_MS else 'NOT met'})"
    )


def prepare(count: int) -> list[int]:
    """Empty the dossier tables, seed the province and catalog, and return `count` level-2
    citizen accounts living in different communes."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.db.models import Q

    from benchmarks.urls import BASELINE_TABLE
    from motcua.catalog.services import seed_catalog
    from motcua.core.models import Agency
    from motcua.core.services import seed_agencies
    from motcua.core.units import load_units
    from motcua.identity.models import AccountKind, EidLevel, User
    from motcua.registry.generate import generate_population
    from motcua.registry.models import Citizen, CitizenStatus

    if not Agency.objects.exists():
        load_units()
        seed_agencies()
    seed_catalog()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dossiers_dossier, dossiers_dailysequence, dossiers_dossierstep, "
            "dossiers_dossierevent, dossiers_notification CASCADE"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (id bigserial PRIMARY KEY, "
            "user_id bigint NOT NULL, at timestamptz NOT NULL DEFAULT now(), payload jsonb)"
        )
        cursor.execute(f"TRUNCATE {BASELINE_TABLE}")
    if Citizen.objects.filter(status=CitizenStatus.ALIVE).count() < 1000:
        generate_population(2000, defect_rate=0.0, seed=5)
    users = []
    communes_seen: set[int] = set()
    adults = (
        Citizen.objects.filter(
            status=CitizenStatus.ALIVE, birth_date__year__lte=2000, permanent_commune__isnull=False
        )
        .filter(Q(account__isnull=True) | Q(account__username__startswith="bench-"))
        .order_by("id_number")
    )
    for citizen in adults.iterator():
        if citizen.permanent_commune_id in communes_seen:
            continue
        communes_seen.add(citizen.permanent_commune_id)
        user, _created = User.objects.get_or_create(
            username=f"bench-{citizen.id_number}",
            defaults={
                "kind": AccountKind.CITIZEN,
                "citizen": citizen,
                "full_name": citizen.full_name,
                "password": make_password(None),
                "eid_level": EidLevel.LEVEL_2,
            },
        )
        users.append(user.pk)
        if len(users) == count:
            break
    connection.close()
    return users


def drive(label: str, url: str, users: list[int], per_worker: int) -> Result:
    """Start one process per user, each warming up then posting `per_worker` requests at
    the same moment as the others; the rate is all requests over the wall time."""
    from django.db import connections

    connections.close_all()  # forked children must not inherit an open connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(users))
    queue = context.Queue()
    processes = [
        context.Process(target=_worker, args=(url, user, per_worker, barrier, queue))
        for user in users
    ]
    for process in processes:
        process.start()
    reports = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    latencies = [ms for report in reports for ms in report["latencies"]]
    began = min(report["began"] for report in reports)
    ended = max(report["ended"] for report in reports)
    errors = sum(report["errors"] for report in reports)
    return Result(label, len(latencies), ended - began, latencies, errors)


def _worker(url: str, user_id: int, count: int, barrier: object, queue: object) -> None:
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from motcua.identity.models import User

    connections.close_all()  # never share the parent's connection
    settings.ROOT_URLCONF = "benchmarks.urls"
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=user_id))
    tag = uuid.uuid4().hex[:8]

    def post(n: int) -> int:
        body = {
            "procedure_code": PROCEDURE,
            "form_data": {"request": "Xác nhận thông tin cư trú (benchmark)."},
            "idempotency_key": f"{tag}-{n}",
        }
        response = client.post(url, json.dumps(body), content_type="application/json")
        return response.status_code

    errors = 0
    for n in range(WARM_UP):
        errors += post(-n - 1) >= 300
    barrier.wait()  # type: ignore[attr-defined]
    latencies = []
    began = time.perf_counter()
    for n in range(count):
        start = time.perf_counter()
        status = post(n)
        latencies.append((time.perf_counter() - start) * 1000)
        if status >= 300:
            errors += 1
            if errors == 1:
                print(f"  {url}: HTTP {status}")
    ended = time.perf_counter()
    queue.put(  # type: ignore[attr-defined]
        {"latencies": latencies, "began": began, "ended": ended, "errors": errors}
    )
    connections.close_all()
