"""Dossier codes `<agency code>-<yyMMdd>-<4-digit daily sequence>`, unique under any load."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.core.models import Agency
from motcua.dossiers.models import DailySequence

MAX_PER_DAY = 9999


def next_number(agency: Agency, day: dt.date) -> int:
    """The next number of the agency's day, atomically.

    One upsert statement: on PostgreSQL concurrent callers queue on the row's lock, so
    numbers are distinct and consecutive across processes; on SQLite the write lock does
    the same. Rolled back with the caller's transaction, so no number is skipped.
    """
    table = DailySequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (agency_id, day) DO UPDATE SET last = "
            f"{table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        (number,) = cursor.fetchone()
    if number > MAX_PER_DAY:
        raise DomainError(
            _("The agency has used all 9,999 dossier numbers of the day."), code="sequence"
        )
    return int(number)


def dossier_code(agency: Agency, local_day: dt.date) -> str:
    return f"{agency.code}-{local_day:%y%m%d}-{next_number(agency, local_day):04d}"
