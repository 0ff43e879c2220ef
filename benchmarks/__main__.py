"""`make bench`: figures for the foundation's hot paths, printed, not asserted.

Runs against a throwaway SQLite database, or against DATABASE_URL when set: that must be a
scratch database (the registry and dossier tables are emptied). BENCH_PEOPLE sets the
population size. `python -m benchmarks dossiers` runs one part (core, registry, dossiers,
signing);
the dossier benchmark needs PostgreSQL.
"""

import datetime as dt
import os
import sys
import tempfile
import time
from zoneinfo import ZoneInfo

PARTS = ("core", "registry", "dossiers", "signing")


def main() -> None:
    parts = sys.argv[1:] or list(PARTS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown part {', '.join(sorted(unknown))}; choose from {PARTS}")
    scratch = tempfile.mkdtemp(prefix="motcua-bench-")
    os.environ.setdefault("MOTCUA_VAR_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, python {sys.version.split()[0]}")
    if "core" in parts:
        bench_calendar()
        bench_audit()
        bench_verify()
    if "registry" in parts:
        from benchmarks import registry

        registry.run(int(os.environ.get("BENCH_PEOPLE", "200000")))
    if "dossiers" in parts:
        from benchmarks import dossiers

        dossiers.run()
    if "signing" in parts:
        from benchmarks import signing

        signing.run()


def rate(label: str, count: int, seconds: float, unit: str) -> None:
    print(f"{label:<48} {count / seconds:>12,.0f} {unit}/s  ({count} in {seconds:.2f} s)")


def bench_calendar() -> None:
    from motcua.core.calendar import WorkingCalendar

    calendar = WorkingCalendar()
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    count = 5000
    began = time.perf_counter()
    for n in range(count):
        calendar.add_working_days(start + dt.timedelta(hours=n), 15)
    rate("due date, 15 working days (one calendar)", count, time.perf_counter() - began, "calls")
    began = time.perf_counter()
    for n in range(500):
        WorkingCalendar().add_working_days(start + dt.timedelta(hours=n), 15)
    rate(
        "due date, fresh calendar each (reads overrides)", 500, time.perf_counter() - began, "calls"
    )


def bench_audit() -> None:
    from motcua.security.models import AuditAction
    from motcua.security.services import record

    count = 2000
    began = time.perf_counter()
    for n in range(count):
        record(
            AuditAction.READ, object_type="registry.citizen", object_id=str(n), purpose="benchmark"
        )
    rate("audit records appended (one writer)", count, time.perf_counter() - began, "records")


def bench_verify() -> None:
    from motcua.security.chain import verify_chain

    began = time.perf_counter()
    report = verify_chain()
    rate("audit chain verified", report.records, time.perf_counter() - began, "records")
    print(f"chain: {report}")


if __name__ == "__main__":
    main()
