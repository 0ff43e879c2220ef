"""Registry benchmark: import rows/s and peak memory, quality-scan seconds, rule recall and
duplicate precision/recall against injected defects, name-search latency.

`make bench` runs it for BENCH_PEOPLE people (default 200,000) on DATABASE_URL, which must be
a scratch database: the registry tables are emptied first.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(people: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from motcua.core.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        call_command("load_units", verbosity=0)
    print(f"\nregistry benchmark: {people:,} people on {connection.vendor}")
    work = Path(tempfile.mkdtemp(prefix="motcua-registry-bench-"))
    empty_registry()
    bench_import(people, work)
    empty_registry()
    bench_scan(people, work)
    bench_search()


def empty_registry() -> None:
    from django.db import connection

    tables = [
        "registry_qualityissue",
        "registry_householdmember",
        "registry_idcard",
        "registry_household",
        "registry_citizen",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def bench_import(people: int, work: Path) -> None:
    from motcua.registry.generate import write_import_csv

    path = work / "citizens.csv"
    began = time.perf_counter()
    write_import_csv(path, people, defect_rate=0.01, seed=7)
    print(
        f"{'import file written':<44} {time.perf_counter() - began:>10.1f} s "
        f"({path.stat().st_size / 1e6:.0f} MB)"
    )
    # In a child process, so its peak memory is measured alone.
    began = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", "motcua", "registry", "import", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "TQDM_DISABLE": "1"},
        check=False,
    )
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if child.returncode != 0:
        print(child.stdout, child.stderr)
        raise SystemExit("import failed")
    print(
        f"{'import':<44} {people / seconds:>10,.0f} rows/s ({seconds:.1f} s, process start "
        f"included)"
    )
    print(f"{'import peak memory (RSS)':<44} {peak_mb:>10,.0f} MB")
    counts = [line for line in child.stdout.splitlines() if "rows:" in line]
    print(f"  {counts[0] if counts else child.stdout.strip()}")
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "motcua", "registry", "import", str(path)],
        capture_output=True,
        env={**os.environ, "TQDM_DISABLE": "1"},
        check=True,
    )
    seconds = time.perf_counter() - began
    print(f"{'re-import of the same file':<44} {people / seconds:>10,.0f} rows/s")


def bench_scan(people: int, work: Path) -> None:
    from motcua.registry.generate import generate_population, write_defects
    from motcua.registry.quality.evaluation import score_against_defects
    from motcua.registry.quality.scan import run_scan

    began = time.perf_counter()
    report = generate_population(people, defect_rate=0.05, seed=22)
    defects = work / "defects.csv"
    write_defects(report.defects, defects)
    print(
        f"{'population generated (households, cards)':<44} {time.perf_counter() - began:>10.1f} s"
        f" ({len(report.defects):,} injected defects)"
    )
    began = time.perf_counter()
    scan = run_scan()
    print(
        f"{'quality scan, all rules':<44} {time.perf_counter() - began:>10.1f} s "
        f"({scan.opened:,} issues)"
    )
    began = time.perf_counter()
    run_scan()
    print(f"{'quality re-scan (nothing changed)':<44} {time.perf_counter() - began:>10.1f} s")
    scores = score_against_defects(defects)
    print(f"{'rule':<28} {'injected':>9} {'found':>9} {'recall':>8} {'all open':>9}")
    for rule, row in sorted(scores.get("rules", {}).items()):
        print(
            f"{rule:<28} {row['injected']:>9,} {row['found']:>9,} {row['recall']:>8.3f} "
            f"{row['issues']:>9,}"
        )
    duplicates = scores.get("duplicates", {})
    if duplicates:
        print(f"{'duplicate detection precision':<44} {duplicates['precision']:>10.3f}")
        print(f"{'duplicate detection recall':<44} {duplicates['recall']:>10.3f}")


def bench_search(queries: int = 300) -> None:
    from motcua.identity.models import User
    from motcua.registry.models import Citizen
    from motcua.registry.names import name_key
    from motcua.registry.selectors import CitizenQuery, search_citizens

    reader = User(username="bench", is_superuser=True, is_active=True)
    rng = random.Random(5)
    total = Citizen.objects.count()
    names = []
    for _ in range(queries):
        offset = rng.randrange(total)
        name = Citizen.objects.order_by("pk").values_list("full_name", flat=True)[offset]
        words = name_key(name).split()
        # Full names without diacritics, and the last two words (a partial name).
        names.append(" ".join(words) if rng.random() < 0.7 else " ".join(words[-2:]))
    timings = []
    for text in names:
        began = time.perf_counter()
        search_citizens(reader, CitizenQuery(text=text))
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(
        f"{'name search p50 / p95':<44} {statistics.median(timings):>7.1f} / {p95:.1f} ms"
        f" ({queries} queries)"
    )
