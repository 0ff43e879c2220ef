"""Finding two records of one person: `duplicate_person`.

Candidate pairs come from two blocking queries over the citizen table, streamed in
chunks through a server-side cursor, so neither the registry nor the pairs are ever held
in memory at once:

1. same birth date, sex and commune, with names of about the same length starting with
   the same letter — the usual duplicate, its name slightly misspelt;
2. same diacritic-free name, sex, commune, address and birth year but another birth
   date — a birth date mistyped in one digit, or day and month swapped (groups found by
   an aggregate, then paired in Python).

Each candidate is then judged in Python (`judge`): the names must differ only slightly
(`name_difference`, with rapidfuzz) and the records agree on enough else.

Why the commune is required: in a province of 1.4 million, people born on the same day
with the same name are common (several thousand pairs, by the frequency of Vietnamese
surnames, middle and given names); across communes they would drown the work queue in
coincidences. Within one commune they are rare, and an officer dismisses them once.
"""

# The queries interpolate table names and dialect fragments only.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from django.db import connection
from rapidfuzz.distance import Hamming
from rapidfuzz.fuzz import ratio

from motcua.registry.quality.sql import CITIZEN, Dialect, batch_session

CHUNK = 10_000
_DOUBLED = re.compile(r"(\w)\1+")
_COLUMNS = (
    "id",
    "name_key",
    "full_name",
    "birth_date",
    "sex",
    "permanent_commune_id",
    "birth_province_code",
    "permanent_address",
)
_SELECT = ", ".join([*(f"a.{c}" for c in _COLUMNS), *(f"b.{c}" for c in _COLUMNS)])
# The planner cannot know that few people share a birthday, commune and initial, so it
# expects the self-join to yield next to nothing and picks a merge join that sorts the
# registry in every parallel worker (26 s on 1.4 million people) or a nested loop (over
# 2 minutes); one hash join takes about 3 s. In parallel, the second block's aggregate
# would also be built by every worker.
HASH_JOIN = {
    "enable_mergejoin": "off",
    "enable_nestloop": "off",
    "max_parallel_workers_per_gather": "0",
}
# Records without a commune are one block, not each alone.
_SAME_COMMUNE = "COALESCE(b.permanent_commune_id, 0) = COALESCE(a.permanent_commune_id, 0)"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name_key: str
    full_name: str
    birth_date: dt.date
    sex: str
    commune_id: int | None
    birth_province: str = ""
    address: str = ""

    @property
    def collapsed(self) -> str:
        return collapse(self.name_key)


@dataclass(frozen=True)
class DuplicatePair:
    citizen_id: int  # the lower id of the two
    other_id: int
    commune_id: int | None
    details: dict


def collapse(key: str) -> str:
    """A name key with doubled letters made single ('nguyen vann an' → 'nguyen van an')."""
    return _DOUBLED.sub(r"\1", key)


def name_difference(a: Person, b: Person) -> str | None:
    """How two names differ when they can be one name spelled slightly differently:
    "identical", "diacritics" (a mark or đ/d), "doubled_letter", or "one_letter" (one
    letter changed, not a word's first); None when they are different names."""
    if a.full_name == b.full_name:
        return "identical"
    if a.name_key == b.name_key:
        return "diacritics"
    first, second = a.collapsed, b.collapsed
    if first == second:
        return "doubled_letter"
    words_a, words_b = first.split(" "), second.split(" ")
    if len(words_a) != len(words_b):
        return None
    changed = [(x, y) for x, y in zip(words_a, words_b, strict=True) if x != y]
    if len(changed) != 1:
        return None
    x, y = changed[0]
    # A different first letter makes a different name (Hùng/Dũng), not a slip.
    if len(x) != len(y) or len(x) < 2 or x[0] != y[0]:
        return None
    return "one_letter" if Hamming.distance(x, y) == 1 else None


def _date_slip(a: dt.date, b: dt.date) -> bool:
    """Two dates of one year that differ in one digit, or by day and month swapped."""
    if a.year != b.year or a == b:
        return False
    if (a.month, a.day) == (b.day, b.month):
        return True
    return Hamming.distance(a.strftime("%m%d"), b.strftime("%m%d")) == 1


def judge(a: Person, b: Person) -> DuplicatePair | None:
    """The pair as a duplicate, or None.

    Always: same sex, same commune (or neither has one), and names that differ only
    slightly. Born the same day: that is enough. Born on another day of the same year:
    only when the date looks mistyped and the names agree but for marks or doubled
    letters, with the same province of birth registration and the same address.
    """
    if a.sex != b.sex or a.commune_id != b.commune_id:
        return None
    difference = name_difference(a, b)
    if difference is None:
        return None
    same_province = bool(a.birth_province) and a.birth_province == b.birth_province
    same_address = bool(a.address) and a.address == b.address
    if a.birth_date != b.birth_date and not (
        difference != "one_letter"
        and same_province
        and same_address
        and _date_slip(a.birth_date, b.birth_date)
    ):
        return None
    low, high = (a, b) if a.id < b.id else (b, a)
    evidence = [
        name
        for name, holds in (
            ("birth_date", a.birth_date == b.birth_date),
            ("sex", True),
            ("commune", a.commune_id is not None),
            ("birth_province", same_province),
            ("address", same_address),
        )
        if holds
    ]
    return DuplicatePair(
        citizen_id=low.id,
        other_id=high.id,
        commune_id=low.commune_id,
        details={
            "name_difference": difference,
            "evidence": evidence,
            "similarity": round(ratio(a.name_key, b.name_key), 1),
        },
    )


def _same_day_candidates() -> tuple[str, list]:
    # The first-letter and length tests are cheap in SQL and keep only names that can
    # differ by marks, one letter or a doubled letter or two.
    return (
        f"SELECT {_SELECT} FROM {CITIZEN} a JOIN {CITIZEN} b "
        f"ON b.birth_date = a.birth_date AND b.sex = a.sex AND {_SAME_COMMUNE} "
        "AND b.id > a.id "
        "WHERE a.sex IN (%s, %s) AND SUBSTR(b.name_key, 1, 1) = SUBSTR(a.name_key, 1, 1) "
        "AND LENGTH(b.name_key) BETWEEN LENGTH(a.name_key) - 2 AND LENGTH(a.name_key) + 2",
        ["male", "female"],
    )


def _mistyped_date_groups() -> tuple[str, list]:
    """Records whose name, sex, commune, address and birth year are shared by a record
    born on another day, ordered so that each such group arrives together. The groups are
    found by one aggregate (not a self-join: common names would make it quadratic)."""
    year = Dialect.current().year_key
    key = (
        f"name_key, sex, COALESCE(permanent_commune_id, 0), permanent_address, {year('birth_date')}"
    )
    where = "sex IN (%s, %s) AND permanent_address <> '' AND birth_date IS NOT NULL"
    return (
        f"SELECT {', '.join(_COLUMNS)} FROM {CITIZEN} WHERE {where} AND ({key}) IN "
        f"(SELECT {key} FROM {CITIZEN} WHERE {where} GROUP BY {key} "
        "HAVING MIN(birth_date) < MAX(birth_date)) "
        "ORDER BY name_key, sex, permanent_commune_id, permanent_address, birth_date, id",
        ["male", "female", "male", "female"],
    )


def _person(row: tuple) -> Person:
    birth = row[3] if isinstance(row[3], dt.date) else dt.date.fromisoformat(row[3])
    return Person(row[0], row[1], row[2], birth, row[4], row[5], row[6] or "", row[7] or "")


def _rows(sql: str, params: list, chunk: int) -> Iterator[tuple]:
    """A query's rows, fetched `chunk` at a time (a server-side cursor on PostgreSQL)."""
    with batch_session(HASH_JOIN), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


def candidate_pairs(chunk: int = CHUNK) -> Iterator[tuple[Person, Person]]:
    """Both blocks' candidate pairs, streamed. The blocks do not overlap: the first pairs
    people born the same day, the second people born on different days."""
    width = len(_COLUMNS)
    for row in _rows(*_same_day_candidates(), chunk):
        yield _person(row[:width]), _person(row[width:])
    people = (_person(row) for row in _rows(*_mistyped_date_groups(), chunk))
    for _key, members in groupby(
        people,
        key=lambda p: (p.name_key, p.sex, p.commune_id, p.address, p.birth_date.year),
    ):
        group = list(members)
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if first.birth_date != second.birth_date:
                    yield first, second


def find_duplicate_pairs(chunk: int = CHUNK) -> Iterator[DuplicatePair]:
    """Every duplicate pair in the registry once, lower id first."""
    for first, second in candidate_pairs(chunk):
        pair = judge(first, second)
        if pair is not None:
            yield pair
