"""The data-quality rules of the shared vocabulary, one set-based SQL query each.

Each query returns one row per offending record, with the columns `citizen_id,
household_id, commune_id, details` (details: a JSON text), and never loops over records
in Python. The scan turns the rows into findings keyed by (rule, subject_key).
`duplicate_person` is the one rule that needs fuzzy name comparison; it is found by
`duplicates.py`.
"""

# Rule SQL interpolates table names and dialect fragments, which are code constants;
# every value (dates, codes) is passed as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.registry import idnumber
from motcua.registry.cards import birthday
from motcua.registry.models import QualityAttribute, Severity
from motcua.registry.quality.sql import (
    CARD,
    CITIZEN,
    HOUSEHOLD,
    MEMBER,
    UNIT,
    Dialect,
    adapt_date,
    adapt_datetime,
)

Query = tuple[str, list[Any]]

# Columns of a citizen rule's result: the citizen, no household, their commune, no details.
_CITIZEN_ROW = (
    "c.id AS citizen_id, CAST(NULL AS BIGINT) AS household_id, "
    "c.permanent_commune_id AS commune_id, '{}' AS details"
)
_ALIVE = "c.status = 'alive'"
ADULT_AGE = 14  # the age from which a chip ID card is compulsory
RELATION_GAP_YEARS = 12  # the least plausible age gap between a parent and a child


@dataclass(frozen=True)
class RuleContext:
    """What the rules compare against: the scan's day and the thresholds derived from it."""

    today: dt.date
    verified_after: dt.datetime  # records verified before this are stale
    adult_born_by: dt.date  # born on or before this day: aged 14 or more today
    sql: Dialect

    @classmethod
    def for_day(cls, today: dt.date) -> RuleContext:
        years = int(getattr(settings, "MOTCUA_REGISTRY_VERIFY_YEARS", 5))
        stale = birthday(today, -years)
        return cls(
            today=today,
            verified_after=dt.datetime.combine(
                stale, dt.time.min, tzinfo=timezone.get_current_timezone()
            ),
            adult_born_by=_years_before(today, ADULT_AGE),
            sql=Dialect.current(),
        )


def _years_before(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is `years` old on `day` (29 February births
    come of age on 1 March in common years, as cards.birthday has it)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # day is 29 February
        return dt.date(day.year - years, 2, 28)


@dataclass(frozen=True)
class Rule:
    code: str
    attribute: str
    severity: str
    subject: str  # "citizen", "household" or "pair": what one finding is about
    query: Callable[[RuleContext], Query] | None = None  # None: found in Python

    @property
    def prefix(self) -> str:
        return {"citizen": "c", "household": "h", "pair": "p"}[self.subject]


# --- correct -------------------------------------------------------------------------


# G: the ID number's 4th digit. Comparing characters and dates (no arithmetic, no casts)
# keeps these rules cheap over millions of rows and identical on both databases.
_G = "SUBSTR(c.id_number, 4, 1)"
_G_IS_DIGIT = f"{_G} BETWEEN '0' AND '9'"
CENTURIES = range(5)  # G = 0…9 covers births from 1900 to 2399


def _century_agrees() -> Query:
    """A condition: G's century contains the birth date (G = 2k or 2k+1 for a birth
    between 1900 + 100k and 1999 + 100k)."""
    parts, params = [], []
    for k in CENTURIES:
        parts.append(f"({_G} IN (%s, %s) AND c.birth_date BETWEEN %s AND %s)")
        params += [
            str(2 * k),
            str(2 * k + 1),
            adapt_date(dt.date(1900 + 100 * k, 1, 1)),
            adapt_date(dt.date(1999 + 100 * k, 12, 31)),
        ]
    return "(" + " OR ".join(parts) + ")", params


def id_century_mismatch(ctx: RuleContext) -> Query:
    """The century digit G means a century that does not contain the birth year."""
    agrees, params = _century_agrees()
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c "
        f"WHERE c.birth_date IS NOT NULL AND {_G_IS_DIGIT} AND NOT {agrees}",
        params,
    )


def id_sex_mismatch(ctx: RuleContext) -> Query:
    """G is even for a man and odd for a woman; the recorded sex says otherwise."""
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c "
        f"WHERE (c.sex = 'male' AND {_G} IN ('1', '3', '5', '7', '9')) "
        f"OR (c.sex = 'female' AND {_G} IN ('0', '2', '4', '6', '8'))",
        [],
    )


def id_year_mismatch(ctx: RuleContext) -> Query:
    """The century is right but the YY digits are not the birth year's last two."""
    agrees, params = _century_agrees()
    year = ctx.sql.year_text("c.birth_date")
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c WHERE {agrees} "
        f"AND SUBSTR(c.id_number, 5, 2) <> SUBSTR({year}, 3, 2)",
        params,
    )


def id_bad_province(ctx: RuleContext) -> Query:
    """The first three digits are not one of the 63 pre-2025 province codes."""
    codes = sorted(idnumber.province_codes())
    marks = ", ".join(["%s"] * len(codes))
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c WHERE SUBSTR(c.id_number, 1, 3) NOT IN ({marks})",
        codes,
    )


def dates_implausible(ctx: RuleContext) -> Query:
    """Born in the future or before 1900; died before birth or in the future."""
    today = adapt_date(ctx.today)
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c "
        "WHERE c.birth_date > %s OR c.birth_date < %s "
        "OR (c.death_date IS NOT NULL AND (c.death_date > %s OR c.death_date < c.birth_date))",
        [today, adapt_date(dt.date(1900, 1, 1)), today],
    )


def commune_invalid(ctx: RuleContext) -> Query:
    """The commune of permanent residence is not a current commune (a province, a
    district or a commune dissolved in 2025)."""
    return (
        # NOT IN a small set: a hash lookup per row, whatever the planner's statistics.
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c WHERE c.permanent_commune_id IS NOT NULL "
        f"AND c.permanent_commune_id NOT IN (SELECT u.id FROM {UNIT} u "
        "WHERE u.level = 'commune' AND u.valid_to IS NULL)",
        [],
    )


# --- sufficient ----------------------------------------------------------------------

# (field, SQL test that it is missing) for an alive citizen.
REQUIRED_FIELDS = (
    ("full_name", "TRIM(c.full_name) = ''"),
    ("birth_date", "c.birth_date IS NULL"),
    ("sex", "TRIM(c.sex) = ''"),
    ("permanent_commune", "c.permanent_commune_id IS NULL"),
    ("ethnicity", "TRIM(c.ethnicity) = ''"),
    ("nationality", "TRIM(c.nationality) = ''"),
)


def missing_required_fields(ctx: RuleContext) -> Query:
    """An alive citizen lacks a required field; details list which ones."""
    listed = " || ".join(
        f"CASE WHEN {test} THEN ', \"{field}\"' ELSE '' END" for field, test in REQUIRED_FIELDS
    )
    any_missing = " OR ".join(test for _field, test in REQUIRED_FIELDS)
    # SUBSTR(…, 3) drops the leading ", " of the first listed field.
    details = f"'{{\"fields\": [' || SUBSTR({listed}, 3) || ']}}'"
    return (
        "SELECT c.id AS citizen_id, CAST(NULL AS BIGINT) AS household_id, "
        f"c.permanent_commune_id AS commune_id, {details} AS details "
        f"FROM {CITIZEN} c WHERE {_ALIVE} AND ({any_missing})",
        [],
    )


# --- clean ---------------------------------------------------------------------------


def _heads(condition: str) -> str:
    """Households with current members whose count of current heads meets `condition`."""
    return (
        "SELECT CAST(NULL AS BIGINT) AS citizen_id, h.id AS household_id, "
        "h.commune_id AS commune_id, '{\"heads\": ' || CAST(s.heads AS TEXT) || '}' AS details "
        f"FROM {HOUSEHOLD} h JOIN (SELECT m.household_id, "
        "SUM(CASE WHEN m.relation = 'head' THEN 1 ELSE 0 END) AS heads "
        f"FROM {MEMBER} m WHERE m.left_on IS NULL GROUP BY m.household_id) s "
        f"ON s.household_id = h.id WHERE s.heads {condition}"
    )


def household_without_head(ctx: RuleContext) -> Query:
    """A household with current members but no current head."""
    return _heads("= 0"), []


def household_multiple_heads(ctx: RuleContext) -> Query:
    """A household with two or more current heads."""
    return _heads(">= 2"), []


def impossible_relation(ctx: RuleContext) -> Query:
    """A current child or grandchild born before the head or less than 12 years after;
    a current parent or grandparent born less than 12 years before the head, or after."""
    gap = RELATION_GAP_YEARS
    younger_limit = ctx.sql.add_years("hc.birth_date", gap)
    older_limit = ctx.sql.add_years("hc.birth_date", -gap)
    return (
        "SELECT c.id AS citizen_id, m.household_id AS household_id, "
        "COALESCE(c.permanent_commune_id, h.commune_id) AS commune_id, "
        "'{\"relation\": \"' || m.relation || '\"}' AS details "
        f"FROM {MEMBER} m JOIN {CITIZEN} c ON c.id = m.citizen_id "
        f"JOIN {HOUSEHOLD} h ON h.id = m.household_id "
        "WHERE m.left_on IS NULL AND c.birth_date IS NOT NULL "
        "AND m.relation IN ('child', 'grandchild', 'parent', 'grandparent') "
        f"AND EXISTS (SELECT 1 FROM {MEMBER} hm JOIN {CITIZEN} hc ON hc.id = hm.citizen_id "
        "WHERE hm.household_id = m.household_id AND hm.relation = 'head' "
        "AND hm.left_on IS NULL AND hm.citizen_id <> m.citizen_id "
        "AND hc.birth_date IS NOT NULL AND ("
        f"(m.relation IN ('child', 'grandchild') AND c.birth_date < {younger_limit}) "
        f"OR (m.relation IN ('parent', 'grandparent') AND c.birth_date > {older_limit})))",
        [],
    )


# --- live ----------------------------------------------------------------------------


def not_verified(ctx: RuleContext) -> Query:
    """Alive and never verified, or last verified more than MOTCUA_REGISTRY_VERIFY_YEARS
    years ago."""
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c WHERE {_ALIVE} "
        "AND (c.last_verified_at IS NULL OR c.last_verified_at < %s)",
        [adapt_datetime(ctx.verified_after)],
    )


def death_not_applied(ctx: RuleContext) -> Query:
    """A death date on a living record; or a dead person still in a household or still
    holding a valid card."""
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c "
        f"WHERE ({_ALIVE} AND c.death_date IS NOT NULL) OR (c.status = 'dead' AND ("
        f"EXISTS (SELECT 1 FROM {MEMBER} m WHERE m.citizen_id = c.id AND m.left_on IS NULL) "
        f"OR EXISTS (SELECT 1 FROM {CARD} k WHERE k.citizen_id = c.id AND k.status = 'valid')))",
        [],
    )


def card_expired(ctx: RuleContext) -> Query:
    """Alive and holding a valid card past its expiry date."""
    # From the card side: the partial unique index allows one valid card per person.
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CARD} k JOIN {CITIZEN} c ON c.id = k.citizen_id "
        f"WHERE k.status = 'valid' AND k.expiry_date < %s AND {_ALIVE}",
        [adapt_date(ctx.today)],
    )


def no_card(ctx: RuleContext) -> Query:
    """Alive, aged 14 or more, and no valid card."""
    return (
        f"SELECT {_CITIZEN_ROW} FROM {CITIZEN} c WHERE {_ALIVE} AND c.birth_date <= %s "
        f"AND NOT EXISTS (SELECT 1 FROM {CARD} k WHERE k.citizen_id = c.id "
        "AND k.status = 'valid')",
        [adapt_date(ctx.adult_born_by)],
    )


CORRECT, SUFFICIENT, CLEAN, LIVE = (
    QualityAttribute.CORRECT,
    QualityAttribute.SUFFICIENT,
    QualityAttribute.CLEAN,
    QualityAttribute.LIVE,
)
HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW
DUPLICATE_PERSON = "duplicate_person"

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("id_century_mismatch", CORRECT, HIGH, "citizen", id_century_mismatch),
        Rule("id_sex_mismatch", CORRECT, HIGH, "citizen", id_sex_mismatch),
        Rule("id_year_mismatch", CORRECT, HIGH, "citizen", id_year_mismatch),
        Rule("id_bad_province", CORRECT, HIGH, "citizen", id_bad_province),
        Rule("dates_implausible", CORRECT, HIGH, "citizen", dates_implausible),
        Rule("commune_invalid", CORRECT, MEDIUM, "citizen", commune_invalid),
        Rule("missing_required_fields", SUFFICIENT, MEDIUM, "citizen", missing_required_fields),
        Rule(DUPLICATE_PERSON, CLEAN, HIGH, "pair"),
        Rule("household_without_head", CLEAN, HIGH, "household", household_without_head),
        Rule("household_multiple_heads", CLEAN, HIGH, "household", household_multiple_heads),
        Rule("impossible_relation", CLEAN, MEDIUM, "citizen", impossible_relation),
        Rule("not_verified", LIVE, LOW, "citizen", not_verified),
        Rule("death_not_applied", LIVE, HIGH, "citizen", death_not_applied),
        Rule("card_expired", LIVE, MEDIUM, "citizen", card_expired),
        Rule("no_card", LIVE, LOW, "citizen", no_card),
    )
}
