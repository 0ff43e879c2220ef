"""Writing synthetic people as an import file (the shared CSV format), for benchmarks of
the importer. Nothing is written to the database."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from motcua.registry.generation.population import PersonDraft
from motcua.registry.generation.report import CSV_RULES, GenerationReport
from motcua.registry.generation.run import Run, check_arguments, load_province
from motcua.registry.importing.sources import COLUMNS

# One definition of the file format, shared with the importer.
IMPORT_HEADER = COLUMNS
PROGRESS_EVERY = 1000


def _row(person: PersonDraft) -> list[str]:
    return [
        person.id_number,
        person.full_name,
        person.birth_date.isoformat() if person.birth_date else "",
        person.sex,
        person.birth_province_code,
        "VN",
        person.ethnicity,
        person.religion,
        person.place.code if person.place else "",
        person.address,
        "",
        "",
        person.status,
        person.death_date.isoformat() if person.death_date else "",
        person.last_verified_at.isoformat(timespec="seconds") if person.last_verified_at else "",
    ]


def write_import_csv(
    path: Path,
    people: int,
    *,
    defect_rate: float = 0.0,
    seed: int = 22,
    province_code: str = "22",
    progress: Callable[[int], None] | None = None,
) -> GenerationReport:
    """Stream the same kind of people as rows of the shared import CSV format (no DB writes
    except reading communes); for import benchmarks. Defects here are the ones expressible in
    one row (correct/sufficient/live/duplicates) and are listed in the report.

    Guarantees: a header row then exactly `people` rows, UTF-8, dates as YYYY-MM-DD,
    last_verified_at as an ISO datetime with its offset. Households and cards are not
    part of the format, so the report counts none.
    """
    check_arguments(people, defect_rate)
    province = load_province(province_code)
    run = Run(
        province,
        people=people,
        defect_rate=defect_rate,
        seed=seed,
        rules=CSV_RULES,
        in_database=False,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pending = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_HEADER)
        for household, extra in run:
            rows = [_row(person) for person in (*household.members, *extra)]
            writer.writerows(rows)
            pending += len(rows)
            if progress and pending >= PROGRESS_EVERY:
                progress(pending)
                pending = 0
    if progress and pending:
        progress(pending)
    return GenerationReport(people, 0, 0, run.defects)
