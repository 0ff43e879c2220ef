"""Writing a batch of parsed rows into registry_citizen in one set-based statement.

An existing record (same ID number) is updated only when a value differs, so a
re-import changes nothing. PostgreSQL stages the batch with COPY; SQLite runs one
prepared upsert over the batch. Both count new, changed and unchanged records; the
caller runs each batch in its own transaction.
"""

# SQL is assembled from this module's constant column names only; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from motcua.registry.importing.fields import DB_COLUMNS, ParsedRow

SOURCE = "import"
STAGE = "motcua_import_stage"
# SQLite's limit on variables per statement is far above this; it keeps lookups cheap.
_LOOKUP_CHUNK = 500


# PostgreSQL types of DB_COLUMNS for binary COPY (varchar travels as text).
COPY_TYPES = [
    {
        "birth_date": "date",
        "death_date": "date",
        "permanent_commune_id": "int8",
        "temporary_commune_id": "int8",
        "last_verified_at": "timestamptz",
    }.get(column, "text")
    for column in DB_COLUMNS
]


@dataclass
class BatchCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _quoted(columns: list[str] | tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{connection.ops.quote_name(column)}" for column in columns)


def _conflict_clause(changed: list[str], distinct: str) -> str:
    """ON CONFLICT … DO UPDATE of the columns the file carries, only when one differs."""
    table = "registry_citizen"
    assignments = ", ".join(
        f"{connection.ops.quote_name(column)} = excluded.{connection.ops.quote_name(column)}"
        for column in [*changed, "updated_at"]
    )
    return (
        f"ON CONFLICT (id_number) DO UPDATE SET {assignments} "
        f"WHERE ({_quoted(changed, f'{table}.')}) {distinct} ({_quoted(changed, 'excluded.')})"
    )


class PostgresWriter:
    """COPY into a session-local staging table, then one INSERT … SELECT … ON CONFLICT."""

    def __init__(self, changed: list[str]) -> None:
        # Binary COPY: about a third of the client's work of the text format.
        self.copy_sql = f"COPY {STAGE} ({_quoted(DB_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
        self.upsert_sql = (
            "WITH upserted AS ("
            f"INSERT INTO registry_citizen ({_quoted(DB_COLUMNS)}, source, created_at, "
            f"updated_at) SELECT {_quoted(DB_COLUMNS)}, %s, now(), now() FROM {STAGE} "
            f"{_conflict_clause(changed, 'IS DISTINCT FROM')} "
            "RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
            "FROM upserted"
        )

    def write(self, rows: list[ParsedRow]) -> BatchCounts:
        with connection.cursor() as cursor:
            # Batches need not wait for their WAL to reach disk: a server crash can lose
            # only the last few, together with the job progress they carry (same
            # transaction), and the import can be run again. The job's final save commits
            # synchronously, which makes every batch before it durable.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # The table lives as long as the session; recreating it is a no-op. It has
            # the target's column types but none of its constraints or indexes.
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} AS "
                f"SELECT {_quoted(DB_COLUMNS)} FROM registry_citizen WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {STAGE}")
            with cursor.cursor.copy(self.copy_sql) as copy:
                copy.set_types(COPY_TYPES)
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
            cursor.execute(self.upsert_sql, [SOURCE])
            created, updated = cursor.fetchone()
            cursor.execute(f"TRUNCATE {STAGE}")
        return BatchCounts(created, updated, len(rows) - created - updated)

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


class SqliteWriter:
    """One prepared INSERT … ON CONFLICT … WHERE, run over the batch with executemany."""

    def __init__(self, changed: list[str]) -> None:
        marks = ", ".join(["%s"] * (len(DB_COLUMNS) + 3))
        self.upsert_sql = (
            f"INSERT INTO registry_citizen ({_quoted(DB_COLUMNS)}, source, created_at, "
            f"updated_at) VALUES ({marks}) {_conflict_clause(changed, 'IS NOT')}"
        )
        self.date_columns = [DB_COLUMNS.index("birth_date"), DB_COLUMNS.index("death_date")]
        self.moment_column = DB_COLUMNS.index("last_verified_at")

    def write(self, rows: list[ParsedRow]) -> BatchCounts:
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        params: list[list[Any]] = []
        for row in rows:
            values = list(row)
            # The text forms Django itself stores, so unchanged values compare equal.
            for index in self.date_columns:
                values[index] = ops.adapt_datefield_value(values[index])
            values[self.moment_column] = ops.adapt_datetimefield_value(values[self.moment_column])
            values += [SOURCE, now, now]
            params.append(values)
        with connection.cursor() as cursor:
            existing = 0
            numbers = [row[0] for row in rows]
            for start in range(0, len(numbers), _LOOKUP_CHUNK):
                chunk = numbers[start : start + _LOOKUP_CHUNK]
                cursor.execute(
                    "SELECT count(*) FROM registry_citizen WHERE id_number IN "
                    f"({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                existing += cursor.fetchone()[0]
            cursor.executemany(self.upsert_sql, params)
            # executemany sums the rows each statement changed: inserts plus real updates.
            changed = cursor.rowcount
        created = len(rows) - existing
        updated = changed - created
        return BatchCounts(created, updated, existing - updated)

    def close(self) -> None:
        pass


def writer(changed: list[str]) -> PostgresWriter | SqliteWriter:
    """The writer for the default database."""
    if connection.vendor == "postgresql":
        return PostgresWriter(changed)
    return SqliteWriter(changed)
