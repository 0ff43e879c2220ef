"""What a generation run produced, and the list of defects it injected on purpose."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

# The shared data-quality rule codes, in the order the quality vocabulary lists them.
PERSON_RULES = (
    "id_century_mismatch",
    "id_sex_mismatch",
    "id_year_mismatch",
    "id_bad_province",
    "dates_implausible",
    "commune_invalid",
    "missing_required_fields",
    "duplicate_person",
    "not_verified",
    "death_not_applied",
    "card_expired",
    "no_card",
)
HOUSEHOLD_RULES = ("household_without_head", "household_multiple_heads", "impossible_relation")
ALL_RULES = PERSON_RULES + HOUSEHOLD_RULES
# What one row of the import file can carry: no households, no cards, and only current
# commune codes (an unknown code rejects the row).
CSV_RULES = (
    "id_century_mismatch",
    "id_sex_mismatch",
    "id_year_mismatch",
    "id_bad_province",
    "dates_implausible",
    "missing_required_fields",
    "duplicate_person",
    "not_verified",
    "death_not_applied",
)

DEFECTS_HEADER = ("rule", "id_number", "household_number", "other_id_number")


@dataclass(frozen=True)
class InjectedDefect:
    """One rule broken on purpose. For duplicate_person, `id_number` is the copy and
    `other_id_number` the original record."""

    rule: str
    id_number: str | None = None
    household_number: str | None = None
    other_id_number: str | None = None


@dataclass
class GenerationReport:
    """Counts of what was written, and every injected defect exactly once."""

    people: int
    households: int
    cards: int
    defects: list[InjectedDefect] = field(default_factory=list)


def write_defects(defects: list[InjectedDefect], path: Path) -> None:
    """Write the defects as CSV (header rule,id_number,household_number,other_id_number;
    missing values empty), creating the parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DEFECTS_HEADER)
        for defect in defects:
            writer.writerow(
                [
                    defect.rule,
                    defect.id_number or "",
                    defect.household_number or "",
                    defect.other_id_number or "",
                ]
            )
