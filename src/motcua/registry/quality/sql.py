"""The few SQL fragments that differ between PostgreSQL and SQLite, and the table names.

Rules are written once in portable SQL (SUBSTR, CAST, CASE, EXISTS, ||); only date
arithmetic and JSON need a vendor branch, and it lives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection

from motcua.core.models import AdministrativeUnit
from motcua.registry.models import (
    Citizen,
    Household,
    HouseholdMember,
    IdCard,
    QualityIssue,
)

CITIZEN = Citizen._meta.db_table
HOUSEHOLD = Household._meta.db_table
MEMBER = HouseholdMember._meta.db_table
CARD = IdCard._meta.db_table
ISSUE = QualityIssue._meta.db_table
UNIT = AdministrativeUnit._meta.db_table


@dataclass(frozen=True)
class Dialect:
    """Vendor-specific spellings. Every method returns a SQL fragment built only from
    code constants and the column expressions given; values always travel as parameters."""

    vendor: str

    @classmethod
    def current(cls) -> Dialect:
        return cls(connection.vendor)

    @property
    def postgresql(self) -> bool:
        return self.vendor == "postgresql"

    def year_text(self, date_expr: str) -> str:
        """The calendar year of a date column as four characters."""
        if self.postgresql:
            return f"to_char({date_expr}, 'YYYY')"
        # '%%' because Django turns '%%' into '%' when a query has parameters.
        return f"strftime('%%Y', {date_expr})"

    def year_key(self, date_expr: str) -> str:
        """An expression equal for dates of the same year (cheapest form for grouping)."""
        if self.postgresql:
            return f"date_trunc('year', {date_expr})"
        return f"strftime('%%Y', {date_expr})"

    def add_years(self, date_expr: str, years: int) -> str:
        """The date `years` years after (before, if negative) a date column."""
        if self.postgresql:
            return f"CAST({date_expr} + INTERVAL '{int(years)} years' AS DATE)"
        return f"date({date_expr}, '{int(years):+d} years')"

    def json(self, text_expr: str) -> str:
        """A text holding JSON, as the JSONField column's type."""
        return f"CAST({text_expr} AS JSONB)" if self.postgresql else text_expr


def adapt_date(value: dt.date) -> Any:
    """A date as the database driver expects it in a raw query."""
    return connection.ops.adapt_datefield_value(value)


def adapt_datetime(value: dt.datetime) -> Any:
    """An aware datetime as stored: naive UTC text on SQLite, timestamptz on PostgreSQL."""
    return connection.ops.adapt_datetimefield_value(value)


# The tables the scan reads, whose planner statistics must be current.
SCANNED_TABLES = (CITIZEN, HOUSEHOLD, MEMBER, CARD, ISSUE)
# Settings for the scan's session on PostgreSQL: plan server-side cursors for reading
# everything (the default, 0.1, favours the first rows: nested loops over millions of
# rows), and let hashes and sorts of the self-joins stay in memory.
BATCH_SETTINGS = {"cursor_tuple_fraction": "1.0", "work_mem": "256MB"}
STALE_SHARE = 0.2
SMALL_TABLE = 10_000  # rows; any plan is quick below this


@contextmanager
def batch_session(extra: dict[str, str] | None = None) -> Iterator[None]:
    """Tune the session for whole-table queries while the block runs (PostgreSQL only):
    BATCH_SETTINGS and any `extra` planner settings. The previous values come back
    afterwards, so blocks may nest."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        previous = {}
        for name, value in {**BATCH_SETTINGS, **(extra or {})}.items():
            cursor.execute(
                "SELECT current_setting(%s), set_config(%s, %s, false)", [name, name, value]
            )
            previous[name] = cursor.fetchone()[0]
    try:
        yield
    finally:
        with suppress(DatabaseError), connection.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def refresh_statistics() -> list[str]:
    """ANALYZE the scanned tables (of 10,000 rows or more) never analysed or changed by
    more than a fifth since (PostgreSQL only): after a bulk import autovacuum may not
    have caught up, or be off, and the planner would then misjudge every rule. Returns
    the tables analysed."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
            "AND n_live_tup + n_mod_since_analyze >= %s AND ("
            "COALESCE(last_analyze, last_autoanalyze) IS NULL "
            "OR n_mod_since_analyze > %s * GREATEST(n_live_tup, 1))",
            [list(SCANNED_TABLES), SMALL_TABLE, STALE_SHARE],
        )
        stale = [name for (name,) in cursor.fetchall()]
        for name in stale:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return stale
