"""Data-quality scores: per attribute, the share of living residents whose records have no
open issue of that attribute, as 0–100.

A record "has" an issue when the issue is about the citizen (for a duplicate pair: the
lower id of the pair), or about the household the citizen currently belongs to. Scores
count living residents by their permanent commune as it is now; the number of open
issues per commune follows the work queue (the issue's commune).
"""

# Queries interpolate table names only; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet

from motcua.core.models import AdministrativeUnit, UnitLevel
from motcua.registry.models import IssueStatus, QualityAttribute, QualityIssue
from motcua.registry.names import name_key
from motcua.registry.quality.evaluation import score_against_defects
from motcua.registry.quality.sql import CITIZEN, ISSUE, MEMBER

# score_against_defects lives in evaluation.py; benchmarks import it from here.
__all__ = [
    "ATTRIBUTES",
    "CommuneScore",
    "commune_scores",
    "province_communes",
    "province_scores",
    "score_against_defects",
]

ATTRIBUTES: tuple[str, ...] = tuple(QualityAttribute.values)

# Both tallies group the whole registry by commune (a few dozen groups per province) and
# leave choosing communes to Python: one sequential scan, whatever the statistics say.
_CITIZENS = (
    f"SELECT c.permanent_commune_id, COUNT(*) FROM {CITIZEN} c "
    "WHERE c.status = %s GROUP BY c.permanent_commune_id"
)
# (citizen, attribute) once per open issue attribute, household issues spread to the
# current members; UNION removes repeats, so COUNT(*) counts records.
_AFFECTED = (
    "SELECT c.permanent_commune_id, a.attribute, COUNT(*) FROM ("
    f"SELECT i.citizen_id AS citizen_id, i.attribute AS attribute FROM {ISSUE} i "
    "WHERE i.status = %s AND i.citizen_id IS NOT NULL "
    f"UNION SELECT m.citizen_id, i.attribute FROM {ISSUE} i JOIN {MEMBER} m "
    "ON m.household_id = i.household_id AND m.left_on IS NULL "
    "WHERE i.status = %s AND i.citizen_id IS NULL"
    f") a JOIN {CITIZEN} c ON c.id = a.citizen_id WHERE c.status = %s "
    "GROUP BY c.permanent_commune_id, a.attribute"
)

Commune = int | None  # a commune's primary key; None for "no commune recorded"


@dataclass
class CommuneScore:
    commune: AdministrativeUnit
    citizens: int  # alive citizens with permanent residence in the commune
    scores: dict[str, float]  # attribute -> 0..100; 100 = no record with an open issue of it
    open_issues: int


def province_communes(province_code: str | None = None) -> QuerySet[AdministrativeUnit]:
    """The current communes of a province (the configured one by default)."""
    code = province_code or settings.MOTCUA_PROVINCE_CODE
    return AdministrativeUnit.objects.current().filter(
        level=UnitLevel.COMMUNE, parent__code=code, parent__valid_to__isnull=True
    )


def _tallies() -> tuple[dict[Commune, int], dict[tuple[Commune, str], int]]:
    """Living residents per commune, and per (commune, attribute) those with an open
    issue of the attribute."""
    with connection.cursor() as cursor:
        cursor.execute(_CITIZENS, ["alive"])
        citizens = dict(cursor.fetchall())
        cursor.execute(_AFFECTED, [IssueStatus.OPEN, IssueStatus.OPEN, "alive"])
        affected = {(commune, attribute): n for commune, attribute, n in cursor.fetchall()}
    return citizens, affected


def _score(citizens: int, affected: int) -> float:
    if citizens <= 0:
        return 100.0
    return round(100.0 * (citizens - min(affected, citizens)) / citizens, 1)


def commune_scores(province_code: str | None = None) -> list[CommuneScore]:
    """One score row per current commune of the province, sorted by name (ignoring
    diacritics), from three aggregate queries whatever the number of records."""
    communes = sorted(
        province_communes(province_code),
        key=lambda unit: (name_key(unit.name), unit.name, unit.code),
    )
    citizens, affected = _tallies()
    open_issues = dict(
        QualityIssue.objects.filter(status=IssueStatus.OPEN, commune__in=[c.pk for c in communes])
        .order_by()
        .values("commune")
        .annotate(n=Count("pk"))
        .values_list("commune", "n")
    )
    return [
        CommuneScore(
            commune=commune,
            citizens=citizens.get(commune.pk, 0),
            scores={
                attribute: _score(
                    citizens.get(commune.pk, 0), affected.get((commune.pk, attribute), 0)
                )
                for attribute in ATTRIBUTES
            },
            open_issues=open_issues.get(commune.pk, 0),
        )
        for commune in communes
    ]


def province_scores(province_code: str | None = None) -> dict[str, float]:
    """The four scores over the province's living residents: those resident in its
    current communes and, for the province this installation serves, also those whose
    commune is missing or no longer a current commune (their registry is this one)."""
    code = province_code or settings.MOTCUA_PROVINCE_CODE
    citizens, affected = _tallies()
    included: set[Commune] = set(province_communes(code).values_list("pk", flat=True))
    if code == settings.MOTCUA_PROVINCE_CODE:
        current = set(
            AdministrativeUnit.objects.current()
            .filter(level=UnitLevel.COMMUNE, pk__in=[pk for pk in citizens if pk is not None])
            .values_list("pk", flat=True)
        )
        included |= {pk for pk in citizens if pk is None or pk not in current}
    total = sum(n for pk, n in citizens.items() if pk in included)
    with_issue: Counter[str] = Counter()
    for (pk, attribute), n in affected.items():
        if pk in included:
            with_issue[attribute] += n
    return {attribute: _score(total, with_issue[attribute]) for attribute in ATTRIBUTES}
