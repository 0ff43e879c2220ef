"""Writing a synthetic population into the database, in batches of a few thousand people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from motcua.registry.generation.pgcopy import copy_rows, reserve_ids
from motcua.registry.generation.population import HouseholdDraft, PersonDraft
from motcua.registry.generation.report import ALL_RULES, GenerationReport
from motcua.registry.generation.run import Run, check_arguments, load_province
from motcua.registry.models import Citizen, Household, HouseholdMember, IdCard
from motcua.security.models import AuditAction
from motcua.security.services import record

BATCH_PEOPLE = 5000
INSERT_BATCH = 1000
SOURCE = "synthetic"  # Citizen.source of generated records


class _Batch:
    """Households and loose records waiting to be inserted together."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.progress = progress
        self.households: list[HouseholdDraft] = []
        self.loose: list[PersonDraft] = []
        self.people = 0
        self.written_households = 0
        self.written_cards = 0

    def add(self, household: HouseholdDraft, extra: list[PersonDraft]) -> None:
        self.households.append(household)
        self.loose.extend(extra)
        self.people += len(household.members) + len(extra)

    def flush(self) -> None:
        """Insert everything waiting and report the people written."""
        if not self.people:
            return
        drafts = [p for h in self.households for p in h.members] + self.loose
        insert = _insert_by_copy if connection.vendor == "postgresql" else _insert_by_orm
        households, cards = insert(self.households, drafts, SOURCE)
        self.written_households += households
        self.written_cards += cards
        if self.progress:
            self.progress(self.people)
        self.households, self.loose, self.people = [], [], 0


def _insert_by_orm(
    households: list[HouseholdDraft], drafts: list[PersonDraft], source: str
) -> tuple[int, int]:
    citizens = [_citizen(draft, source) for draft in drafts]
    Citizen.objects.bulk_create(citizens, batch_size=INSERT_BATCH)
    pks = _pks(citizens)
    rows = [
        Household(number=h.number, address=h.address, commune_id=h.place.pk) for h in households
    ]
    Household.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    members = [
        HouseholdMember(
            household_id=household_pk,
            citizen_id=pks[person.id_number],
            relation=person.relation or "",
            joined_on=person.joined_on,
            left_on=person.left_on,
        )
        for household_pk, household in zip(_household_pks(rows), households, strict=True)
        for person in household.members
    ]
    HouseholdMember.objects.bulk_create(members, batch_size=INSERT_BATCH)
    cards = [
        IdCard(
            citizen_id=pks[draft.id_number],
            number=draft.id_number,
            issue_date=draft.card_issue,
            expiry_date=draft.card_expiry,
            status=draft.card_status or "",
        )
        for draft in drafts
        if draft.card_status and draft.card_issue
    ]
    IdCard.objects.bulk_create(cards, batch_size=INSERT_BATCH)
    return len(rows), len(cards)


CITIZEN_COLUMNS = (
    "id", "id_number", "full_name", "name_key", "birth_date", "sex", "birth_province_code",
    "nationality", "ethnicity", "religion", "permanent_address", "permanent_commune",
    "temporary_address", "temporary_commune", "status", "death_date", "last_verified_at",
    "source", "created_at", "updated_at",
)  # fmt: skip


def _citizen_row(
    pks: dict[str, int], d: PersonDraft, source: str, stamp: dt.datetime
) -> tuple[object, ...]:
    return (
        pks[d.id_number], d.id_number, d.full_name, d.name_key, d.birth_date, d.sex,
        d.birth_province_code, "VN", d.ethnicity, d.religion, d.address, d.commune_pk,
        "", None, d.status, d.death_date, d.last_verified_at, source, stamp, stamp,
    )  # fmt: skip


def _insert_by_copy(
    households: list[HouseholdDraft], drafts: list[PersonDraft], source: str
) -> tuple[int, int]:
    stamp = timezone.now()
    pks = dict(zip((d.id_number for d in drafts), reserve_ids(Citizen, len(drafts)), strict=True))
    copy_rows(Citizen, CITIZEN_COLUMNS, (_citizen_row(pks, d, source, stamp) for d in drafts))
    household_pks = reserve_ids(Household, len(households))
    copy_rows(
        Household,
        ("id", "number", "address", "commune", "created_at"),
        (
            (pk, h.number, h.address, h.place.pk, stamp)
            for pk, h in zip(household_pks, households, strict=True)
        ),
    )
    copy_rows(
        HouseholdMember,
        ("household", "citizen", "relation", "joined_on", "left_on"),
        (
            (pk, pks[p.id_number], p.relation, p.joined_on, p.left_on)
            for pk, h in zip(household_pks, households, strict=True)
            for p in h.members
        ),
    )
    cards = [d for d in drafts if d.card_status and d.card_issue]
    copy_rows(
        IdCard,
        ("citizen", "number", "issue_date", "expiry_date", "status"),
        [
            (pks[d.id_number], d.id_number, d.card_issue, d.card_expiry, d.card_status)
            for d in cards
        ],
    )
    return len(households), len(cards)


def _citizen(draft: PersonDraft, source: str) -> Citizen:
    return Citizen(
        id_number=draft.id_number,
        full_name=draft.full_name,
        name_key=draft.name_key,
        birth_date=draft.birth_date,
        sex=draft.sex,
        birth_province_code=draft.birth_province_code,
        nationality="VN",
        ethnicity=draft.ethnicity,
        religion=draft.religion,
        permanent_address=draft.address,
        permanent_commune_id=draft.commune_pk,
        status=draft.status,
        death_date=draft.death_date,
        last_verified_at=draft.last_verified_at,
        source=source,
    )


def _pks(citizens: list[Citizen]) -> dict[str, int]:
    if citizens and citizens[0].pk is None:  # a backend that returns no ids from inserts
        numbers = [c.id_number for c in citizens]
        return dict(Citizen.objects.filter(id_number__in=numbers).values_list("id_number", "pk"))
    return {c.id_number: c.pk for c in citizens}


def _household_pks(households: list[Household]) -> list[int]:
    if households and households[0].pk is None:
        by_number = dict(
            Household.objects.filter(number__in=[h.number for h in households]).values_list(
                "number", "pk"
            )
        )
        return [by_number[h.number] for h in households]
    return [h.pk for h in households]


def generate_population(
    people: int,
    *,
    defect_rate: float = 0.0,
    seed: int = 22,
    province_code: str = "22",
    progress: Callable[[int], None] | None = None,
) -> GenerationReport:
    """Write a realistic synthetic province into the database (citizens, households with
    members, ID cards). `progress(n)` is called with increments of people written.

    Guarantees: exactly `people` citizens are written, in one transaction (all or
    nothing), with ID and household numbers unused before; at rate 0 no record breaks
    a data-quality rule; otherwise about `defect_rate × people` records (households,
    for the household rules) break exactly one rule each, evenly over all rules, and the
    report lists each of them once. One audit record covers the run.
    """
    check_arguments(people, defect_rate)
    province = load_province(province_code)
    with transaction.atomic():
        run = Run(
            province,
            people=people,
            defect_rate=defect_rate,
            seed=seed,
            rules=ALL_RULES,
            in_database=True,
            taken_ids=set(Citizen.objects.values_list("id_number", flat=True)),
            taken_households=set(Household.objects.values_list("number", flat=True)),
        )
        batch = _Batch(progress)
        for household, extra in run:
            batch.add(household, extra)
            if batch.people >= BATCH_PEOPLE:
                batch.flush()
        batch.flush()
        record(
            AuditAction.CREATE,
            object_type="registry.population",
            object_repr=f"{people} synthetic people",
            data={"people": people, "defects": len(run.defects)},
        )
    return GenerationReport(people, batch.written_households, batch.written_cards, run.defects)
