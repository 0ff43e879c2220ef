"""State changes of the core app: seeding agencies, the province's calendar overrides."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    AgencyLevel,
    CalendarOverride,
    CalendarOverrideKind,
    UnitLevel,
)
from motcua.security.models import AuditAction
from motcua.security.services import record

DATA_DIR = Path(__file__).parent / "data"


def province_unit(code: str | None = None) -> AdministrativeUnit:
    code = code or settings.MOTCUA_PROVINCE_CODE
    unit = AdministrativeUnit.objects.current().filter(level=UnitLevel.PROVINCE, code=code).first()
    if unit is None:
        raise NotFound(
            _("Province %(code)s is not loaded; run `motcua load_units` first.") % {"code": code}
        )
    return unit


@transaction.atomic
def seed_agencies(data_file: Path | None = None) -> int:
    """Create or update the province's agencies from its data file: the People's
    Committee, departments and branches, and one People's Committee per current commune.
    Returns how many agencies the province has."""
    path = data_file or DATA_DIR / f"province_{settings.MOTCUA_PROVINCE_CODE}.json"
    if not path.exists():
        raise NotFound(_("No agency list for this province at %(path)s.") % {"path": path})
    data = json.loads(path.read_text(encoding="utf-8"))
    province = province_unit(data["province_code"])
    root = _put_agency(
        data["peoples_committee"]["code"],
        data["peoples_committee"]["name"],
        AgencyLevel.PROVINCE,
        AgencyKind.PEOPLES_COMMITTEE,
        None,
        province,
    )
    for item in data["agencies"]:
        _put_agency(item["code"], item["name"], AgencyLevel.PROVINCE, item["kind"], root, province)
    communes = province.children.current().filter(level=UnitLevel.COMMUNE).order_by("code")
    for number, commune in enumerate(communes, start=data["commune_code_start"]):
        if number > 99:
            raise DomainError(_("Too many communes for two-digit agency codes."))
        code = data["commune_code_format"].format(number=number)
        _put_agency(
            code,
            f"Ủy ban nhân dân {commune.name}",
            AgencyLevel.COMMUNE,
            AgencyKind.PEOPLES_COMMITTEE,
            root,
            commune,
        )
    return Agency.objects.filter(unit__in=[province, *communes]).count()


def _put_agency(
    code: str, name: str, level: str, kind: str, parent: Agency | None, unit: AdministrativeUnit
) -> Agency:
    agency, _created = Agency.objects.update_or_create(
        code=code,
        defaults={"name": name, "level": level, "kind": kind, "parent": parent, "unit": unit},
    )
    return agency


@transaction.atomic
def set_calendar_override(
    day: dt.date,
    kind: CalendarOverrideKind | str,
    reason: str,
    *,
    by: Any = None,
    request: HttpRequest | None = None,
) -> CalendarOverride:
    """Make `day` an extra day off or a compensatory working day for the whole province.

    Replaces any earlier override of the same date. Deadlines computed afterwards follow it.
    """
    from motcua.core.calendar import WorkingCalendar

    if kind not in CalendarOverrideKind.values:
        raise DomainError(_("Unknown kind of calendar change."), code="unknown_kind")
    if not reason.strip():
        raise DomainError(
            _("Give the reason (e.g. the decision that sets this day)."), code="reason_required"
        )
    national = WorkingCalendar(overrides={})
    if kind == CalendarOverrideKind.WORKING_DAY and national.is_working_day(day):
        raise DomainError(
            _("%(day)s is already a working day.") % {"day": f"{day:%d/%m/%Y}"},
            code="already_working_day",
        )
    if kind == CalendarOverrideKind.DAY_OFF and not national.is_working_day(day):
        raise DomainError(
            _("%(day)s is already a day off.") % {"day": f"{day:%d/%m/%Y}"}, code="already_day_off"
        )
    override, created = CalendarOverride.objects.update_or_create(
        date=day, defaults={"kind": kind, "reason": reason.strip(), "created_by": by}
    )
    record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=override,
        data={"date": day.isoformat(), "kind": str(kind), "reason": override.reason},
    )
    return override


@transaction.atomic
def remove_calendar_override(
    override: CalendarOverride, *, by: Any = None, request: HttpRequest | None = None
) -> None:
    """Return a date to the national calendar."""
    record(
        AuditAction.DELETE,
        request=request,
        actor=by,
        obj=override,
        data={"date": override.date.isoformat(), "kind": override.kind},
    )
    override.delete()
