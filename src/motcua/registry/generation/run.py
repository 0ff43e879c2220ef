"""One generation run: the province's communes, the builder and the injector, walked
household by household until exactly the requested number of people is reached."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.core.models import AdministrativeUnit, UnitLevel
from motcua.registry import idnumber
from motcua.registry.generation.defects import DefectInjector
from motcua.registry.generation.population import (
    HouseholdDraft,
    PersonDraft,
    Place,
    PopulationBuilder,
    UniqueNumbers,
)
from motcua.registry.generation.report import InjectedDefect


@dataclass(frozen=True)
class Province:
    """What the generator reads from the database about the province."""

    code: str
    home_code: str  # 3-digit code of birth registration, the prefix of most ID numbers
    places: list[Place]
    # Units a permanent residence must not point at: the province itself, old districts.
    invalid_unit_pks: list[int]


def load_province(province_code: str) -> Province:
    """The province's current communes; DomainError if the units are not loaded."""
    province = (
        AdministrativeUnit.objects.current()
        .filter(level=UnitLevel.PROVINCE, code=province_code)
        .first()
    )
    places = [
        Place(unit.pk, unit.code, unit.division_type == "phường")
        for unit in AdministrativeUnit.objects.current()
        .filter(level=UnitLevel.COMMUNE, parent=province)
        .order_by("code")
    ]
    if province is None or not places:
        raise DomainError(
            _("Province %(code)s has no communes: load the administrative units first.")
            % {"code": province_code},
            code="no_communes",
        )
    home_code = _home_code(province)
    districts = AdministrativeUnit.objects.filter(
        level=UnitLevel.DISTRICT, parent__code=home_code
    ).values_list("pk", flat=True)
    return Province(province_code, home_code, places, [province.pk, *districts])


def _home_code(province: AdministrativeUnit) -> str:
    padded = f"{int(province.code):03d}"
    if padded in idnumber.province_codes():
        return padded
    # A province merged in 2025: its largest predecessor's code (the lowest will do).
    older = sorted(
        unit.code for unit in province.predecessors.all() if unit.code in idnumber.province_codes()
    )
    return older[0] if older else padded


def check_arguments(people: int, defect_rate: float) -> None:
    if people < 1:
        raise DomainError(_("The number of people must be at least 1."), code="people")
    if not 0 <= defect_rate <= 1:
        raise DomainError(_("The defect rate must be between 0 and 1."), code="defect_rate")


class Run:
    """Walks households (and the duplicate copies made for them) for one run."""

    def __init__(
        self,
        province: Province,
        *,
        people: int,
        defect_rate: float,
        seed: int,
        rules: Sequence[str],
        in_database: bool,
        taken_ids: set[str] | None = None,
        taken_households: set[str] | None = None,
    ) -> None:
        self.people = people
        # Reproducible synthetic data, not secrets: a seeded PRNG is what is wanted.
        rng = random.Random(seed)  # noqa: S311
        today = timezone.localdate()
        # Times are drawn back from the start of today, so one seed gives the same people
        # all day long.
        day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        self.builder = PopulationBuilder(
            rng,
            places=province.places,
            home_code=province.home_code,
            household_prefix=province.code,
            today=today,
            day_start=day_start,
            id_numbers=UniqueNumbers(6, seed, taken_ids),
            household_numbers=UniqueNumbers(8, seed, taken_households),
        )
        self.injector = DefectInjector(
            random.Random(seed + 1),  # noqa: S311
            self.builder,
            rules=rules,
            people=people,
            rate=defect_rate,
            invalid_unit_pks=province.invalid_unit_pks if in_database else (),
            in_database=in_database,
        )
        self.today: dt.date = today

    def __iter__(self) -> Iterator[tuple[HouseholdDraft, list[PersonDraft]]]:
        written = 0
        while written < self.people:
            household = self.builder.household(self.people - written)
            written += len(household.members)
            extra = self.injector.inject(household, written, room=self.people - written)
            written += len(extra)
            yield household, extra

    @property
    def defects(self) -> list[InjectedDefect]:
        """Every defect injected so far, once each."""
        return self.injector.defects
