"""The scan's scratch table: every finding of one scan, before reconciliation.

A temporary table lives in the scan's own database session, so concurrent scans (in other
processes) never see each other's findings, and it costs no migration.
"""

# Statements interpolate the staging table's name, a rule's SQL and dialect fragments,
# all code constants; values are query parameters.
# ruff: noqa: S608

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice

from django.db import DatabaseError, connection

from motcua.registry.quality.duplicates import DuplicatePair
from motcua.registry.quality.rules import Rule, RuleContext

STAGING = "motcua_quality_finding"
BATCH = 5_000


@contextmanager
def staging_table() -> Iterator[Staging]:
    """A fresh, empty staging table for the duration of the block; dropped afterwards."""
    staging = Staging()
    staging.create()
    try:
        yield staging
    except BaseException:
        # Never hide the real error behind a failed drop (e.g. an aborted transaction,
        # which discards the temporary table anyway).
        with suppress(DatabaseError):
            staging.drop()
        raise
    staging.drop()


class Staging:
    """Rows (rule, attribute, severity, subject_key, citizen_id, other_citizen_id,
    household_id, commune_id, details) — at most one per (rule, subject_key)."""

    def create(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} ("
                "rule VARCHAR(48) NOT NULL, attribute VARCHAR(16) NOT NULL, "
                "severity VARCHAR(8) NOT NULL, subject_key VARCHAR(64) NOT NULL, "
                "citizen_id BIGINT, other_citizen_id BIGINT, household_id BIGINT, "
                "commune_id BIGINT, details TEXT NOT NULL)"
            )

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")

    def add_rule(self, rule: Rule, ctx: RuleContext) -> int:
        """Store what one SQL rule finds; return how many records break it."""
        assert rule.query is not None
        select, params = rule.query(ctx)
        subject = "q.household_id" if rule.subject == "household" else "q.citizen_id"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {STAGING} (rule, attribute, severity, subject_key, citizen_id, "
                "other_citizen_id, household_id, commune_id, details) "
                f"SELECT %s, %s, %s, %s || CAST({subject} AS TEXT), q.citizen_id, "
                "CAST(NULL AS BIGINT), q.household_id, q.commune_id, q.details "
                f"FROM ({select}) q",
                [rule.code, rule.attribute, rule.severity, f"{rule.prefix}:", *params],
            )
            return max(cursor.rowcount, 0)

    def add_pairs(self, rule: Rule, pairs: Iterable[DuplicatePair]) -> int:
        """Store pairs found in Python, in batches; return how many."""
        total = 0
        rows = (
            (
                rule.code,
                rule.attribute,
                rule.severity,
                f"p:{pair.citizen_id}:{pair.other_id}",
                pair.citizen_id,
                pair.other_id,
                pair.commune_id,
                json.dumps(pair.details, ensure_ascii=False),
            )
            for pair in pairs
        )
        with connection.cursor() as cursor:
            while batch := list(islice(rows, BATCH)):
                cursor.executemany(
                    f"INSERT INTO {STAGING} (rule, attribute, severity, subject_key, "
                    "citizen_id, other_citizen_id, household_id, commune_id, details) "
                    "VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s)",
                    batch,
                )
                total += len(batch)
        return total

    def index(self) -> None:
        """Index the findings for reconciliation (after filling: faster than before).

        Unique, so a rule that reports one subject twice fails loudly here."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNIQUE INDEX {STAGING}_subject ON {STAGING} (rule, subject_key)"
            )
            # Autovacuum never analyses temporary tables; the planner needs the row count.
            cursor.execute(f"ANALYZE {STAGING}")
