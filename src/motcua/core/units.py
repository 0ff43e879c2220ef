"""Loading administrative units: the current two-tier units from `vietnam-provinces`, and
the pre-July-2025 units (63 provinces; the reference province's districts) from the data
file shipped here, with their old→new mapping."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from vietnam_provinces import Province, Ward

from motcua.core.models import AdministrativeUnit, UnitLevel

# Decision 19/2025/QĐ-TTg: the two-tier map from 1 July 2025.
TWO_TIER_FROM = dt.date(2025, 7, 1)
# The 63-province map took its last shape when Hà Tây joined Hà Nội on 1 August 2008.
SIXTY_THREE_FROM = dt.date(2008, 8, 1)
HISTORIC_FILE = Path(__file__).parent / "data" / "historic_units.json"


@dataclass(frozen=True)
class UnitRow:
    level: str
    code: str
    valid_from: dt.date
    name: str
    division_type: str
    valid_to: dt.date | None = None
    parent_key: tuple[str, str, dt.date] | None = None

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.level, self.code, self.valid_from)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    successors: int = 0
    by_level: dict[str, int] = field(default_factory=dict)


def current_rows() -> list[UnitRow]:
    rows: list[UnitRow] = []
    for province in Province.iter_all():
        province_row = UnitRow(
            UnitLevel.PROVINCE,
            f"{int(province.code):02d}",
            TWO_TIER_FROM,
            province.name,
            province.division_type.value,
        )
        rows.append(province_row)
        for ward in Ward.iter_by_province(province.code):
            rows.append(
                UnitRow(
                    UnitLevel.COMMUNE,
                    f"{int(ward.code):05d}",
                    TWO_TIER_FROM,
                    ward.name,
                    ward.division_type.value,
                    parent_key=province_row.key,
                )
            )
    return rows


def historic_rows(data: dict) -> list[UnitRow]:
    valid_to = dt.date.fromisoformat(data["valid_to"])
    rows = [
        UnitRow(
            UnitLevel.PROVINCE,
            item["code"],
            SIXTY_THREE_FROM,
            item["name"],
            _division_type(item["name"]),
            valid_to,
        )
        for item in data["provinces"]
    ]
    for item in data["districts"]:
        parent = (UnitLevel.PROVINCE.value, item["province"], SIXTY_THREE_FROM)
        rows.append(
            UnitRow(
                UnitLevel.DISTRICT,
                item["code"],
                SIXTY_THREE_FROM,
                item["name"],
                _division_type(item["name"]),
                valid_to,
                parent,
            )
        )
    return rows


def _division_type(name: str) -> str:
    for prefix in ("Thành phố", "Tỉnh", "Thị xã", "Huyện", "Quận"):
        if name.startswith(prefix):
            return prefix.lower()
    return ""


@transaction.atomic
def load_units() -> LoadReport:
    """Create or update every unit; loading twice changes nothing the second time."""
    report = LoadReport()
    historic = json.loads(HISTORIC_FILE.read_text(encoding="utf-8"))
    rows = current_rows() + historic_rows(historic)
    existing = {
        (unit.level, unit.code, unit.valid_from): unit for unit in AdministrativeUnit.objects.all()
    }
    # Parents first: provinces, then districts and communes.
    for tier in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        tier_rows = [row for row in rows if row.level == tier]
        report.by_level[tier] = len(tier_rows)
        _upsert(tier_rows, existing, report)
    report.successors = _link_successors(historic, existing)
    return report


def _upsert(rows: list[UnitRow], existing: dict, report: LoadReport) -> None:
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for row in rows:
        parent = existing[row.parent_key] if row.parent_key else None
        wanted = {
            "name": row.name,
            "division_type": row.division_type,
            "valid_to": row.valid_to,
            "parent_id": parent.pk if parent else None,
        }
        unit = existing.get(row.key)
        if unit is None:
            unit = AdministrativeUnit(
                level=row.level, code=row.code, valid_from=row.valid_from, **wanted
            )
            to_create.append(unit)
        elif any(getattr(unit, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(unit, name, value)
            to_update.append(unit)
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        AdministrativeUnit.objects.bulk_update(
            to_update, ["name", "division_type", "valid_to", "parent_id"], batch_size=500
        )
    if to_create and to_create[0].pk is None:
        # Backends that do not return ids from bulk inserts: read them back.
        fresh = AdministrativeUnit.objects.filter(level=rows[0].level)
        for unit in fresh:
            existing[(unit.level, unit.code, unit.valid_from)] = unit
    else:
        for unit in to_create:
            existing[(unit.level, unit.code, unit.valid_from)] = unit
    report.created += len(to_create)
    report.updated += len(to_update)


def _link_successors(historic: dict, existing: dict) -> int:
    Link = AdministrativeUnit.successors.through
    pairs: set[tuple[int, int]] = set()
    for item in historic["provinces"]:
        old = existing[(UnitLevel.PROVINCE.value, item["code"], SIXTY_THREE_FROM)]
        new = existing[(UnitLevel.PROVINCE.value, item["successor"], TWO_TIER_FROM)]
        pairs.add((old.pk, new.pk))
    for item in historic["districts"]:
        old = existing[(UnitLevel.DISTRICT.value, item["code"], SIXTY_THREE_FROM)]
        for code in item["successors"]:
            new = existing[(UnitLevel.COMMUNE.value, code, TWO_TIER_FROM)]
            pairs.add((old.pk, new.pk))
    have = set(Link.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id"))
    Link.objects.bulk_create(
        [Link(from_administrativeunit_id=a, to_administrativeunit_id=b) for a, b in pairs - have],
        batch_size=500,
    )
    return len(pairs)
