"""Reconciling one scan's findings with the stored issues, in four set-based statements.

An issue is identified across scans by (rule, subject_key). A finding that matches a fixed
issue reopens it; one that matches an open or dismissed issue refreshes it (a dismissed
issue stays dismissed); an open issue that was not found is fixed; a new finding is
inserted open.
"""

# Statements interpolate table names and dialect fragments (code constants only).
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from motcua.registry.quality.sql import ISSUE, Dialect, adapt_datetime
from motcua.registry.quality.staging import STAGING

# Serialises reconciliations of concurrent scans on PostgreSQL (SQLite's IMMEDIATE
# transactions already do). Any fixed number unique within the project.
ADVISORY_LOCK = 2206_0001

_MATCH = f"f.rule = {ISSUE}.rule AND f.subject_key = {ISSUE}.subject_key"


@dataclass(frozen=True)
class Reconciliation:
    inserted: int
    reopened: int
    closed: int

    @property
    def opened(self) -> int:
        return self.inserted + self.reopened


def reconcile(now: dt.datetime) -> Reconciliation:
    """Apply the staged findings to the issue table. Call inside a transaction: either
    every change of the scan is stored, or none."""
    sql = Dialect.current()
    stamp = adapt_datetime(now)
    with connection.cursor() as cursor:
        if sql.postgresql:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        cursor.execute(
            f"UPDATE {ISSUE} SET status = 'open', resolved_at = NULL, resolved_by_id = NULL "
            f"WHERE {ISSUE}.status = 'fixed' "
            f"AND EXISTS (SELECT 1 FROM {STAGING} f WHERE {_MATCH})",
            [],
        )
        reopened = cursor.rowcount
        # The commune and details follow the record (it may have moved); a changed rule
        # definition carries its new attribute and severity.
        cursor.execute(
            f"UPDATE {ISSUE} SET last_seen_at = %s, commune_id = f.commune_id, "
            f"details = {sql.json('f.details')}, attribute = f.attribute, "
            f"severity = f.severity FROM {STAGING} f WHERE {_MATCH}",
            [stamp],
        )
        cursor.execute(
            f"UPDATE {ISSUE} SET status = 'fixed', resolved_at = %s, resolved_by_id = NULL "
            f"WHERE {ISSUE}.status = 'open' "
            f"AND NOT EXISTS (SELECT 1 FROM {STAGING} f WHERE {_MATCH})",
            [stamp],
        )
        closed = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {ISSUE} (rule, attribute, severity, status, subject_key, "
            "citizen_id, other_citizen_id, household_id, commune_id, details, detected_at, "
            "last_seen_at, resolved_at, resolved_by_id, note) "
            "SELECT f.rule, f.attribute, f.severity, 'open', f.subject_key, f.citizen_id, "
            f"f.other_citizen_id, f.household_id, f.commune_id, {sql.json('f.details')}, "
            f"%s, %s, NULL, NULL, '' FROM {STAGING} f WHERE NOT EXISTS "
            f"(SELECT 1 FROM {ISSUE} WHERE {_MATCH})",
            [stamp, stamp],
        )
        inserted = cursor.rowcount
    return Reconciliation(inserted=inserted, reopened=reopened, closed=closed)
