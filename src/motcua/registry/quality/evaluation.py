"""Measuring the rules against the synthetic population's injected defects (benchmarks)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from motcua.registry.models import Citizen, Household, IssueStatus, QualityIssue
from motcua.registry.quality.rules import DUPLICATE_PERSON, RULES

LOOKUP_BATCH = 5_000


def _ids(model: type[Citizen] | type[Household], field: str, values: Iterable[str]) -> dict:
    found: dict[str, int] = {}
    ordered = sorted(set(values))
    for start in range(0, len(ordered), LOOKUP_BATCH):
        batch = ordered[start : start + LOOKUP_BATCH]
        found.update(model.objects.filter(**{f"{field}__in": batch}).values_list(field, "pk"))
    return found


def _ratio(part: int, whole: int) -> float:
    # Nothing to find (or nothing found): nothing missed (no false alarm).
    return round(part / whole, 4) if whole else 1.0


def score_against_defects(defects_csv: Path) -> dict[str, Any]:
    """Compare the stored open issues with an injected-defects CSV (columns rule,
    id_number, household_number, other_id_number).

    Returns {"rules": {rule: {injected, found, recall, issues}}, "duplicates":
    {injected, found, issues, precision, recall}}: `found` counts injected defects with
    an open issue for that very record (or pair), `issues` all open issues of the rule,
    injected or not; duplicate precision is found pairs that are injected pairs / all
    open pairs. A defect whose record is not in the registry counts as not found.
    """
    with open(defects_csv, newline="", encoding="utf-8-sig") as handle:
        defects = list(csv.DictReader(handle))
    citizens = _ids(
        Citizen,
        "id_number",
        [row[f] for row in defects for f in ("id_number", "other_id_number") if row.get(f)],
    )
    households = _ids(
        Household,
        "number",
        [row["household_number"] for row in defects if row.get("household_number")],
    )
    expected: dict[str, set[str]] = defaultdict(set)
    injected: Counter[str] = Counter()
    for row in defects:
        rule = row["rule"]
        injected[rule] += 1
        key = _subject_key(rule, row, citizens, households)
        if key:
            expected[rule].add(key)
    open_keys: dict[str, set[str]] = defaultdict(set)
    issues = QualityIssue.objects.filter(status=IssueStatus.OPEN).values_list("rule", "subject_key")
    for rule, key in issues.iterator(chunk_size=20_000):
        open_keys[rule].add(key)
    rules: dict[str, dict[str, Any]] = {}
    for rule in sorted(injected):
        found = len(expected[rule] & open_keys[rule])
        rules[rule] = {
            "injected": injected[rule],
            "found": found,
            "recall": _ratio(found, injected[rule]),
            "issues": len(open_keys[rule]),
        }
    pairs = open_keys[DUPLICATE_PERSON]
    true_pairs = len(pairs & expected[DUPLICATE_PERSON])
    duplicates = {
        "injected": injected[DUPLICATE_PERSON],
        "found": true_pairs,
        "issues": len(pairs),
        "precision": _ratio(true_pairs, len(pairs)),
        "recall": _ratio(true_pairs, injected[DUPLICATE_PERSON]),
    }
    return {"rules": rules, "duplicates": duplicates}


def _subject_key(
    rule: str, row: dict[str, str], citizens: dict[str, int], households: dict[str, int]
) -> str | None:
    """The issue key the scan should have stored for an injected defect."""
    subject = RULES[rule].subject if rule in RULES else "citizen"
    if subject == "household":
        household = households.get(row.get("household_number", ""))
        return f"h:{household}" if household else None
    if subject == "pair":
        first = citizens.get(row.get("id_number", ""))
        second = citizens.get(row.get("other_id_number", ""))
        if not first or not second:
            return None
        low, high = sorted((first, second))
        return f"p:{low}:{high}"
    citizen = citizens.get(row.get("id_number", ""))
    return f"c:{citizen}" if citizen else None
