"""API for administrative units, agencies and the working calendar."""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from motcua.core.calendar import WorkingCalendar
from motcua.core.models import AdministrativeUnit, Agency, UnitLevel
from motcua.identity.permissions import STAFF_ROLES, require_role, scoped

router = Router(tags=["core"])


class UnitOut(Schema):
    code: str
    name: str
    level: str
    division_type: str
    parent_code: str | None = Field(None, alias="parent.code")
    valid_from: dt.date
    valid_to: dt.date | None
    successor_codes: list[str] = []

    @staticmethod
    def resolve_successor_codes(obj: AdministrativeUnit) -> list[str]:
        return [unit.code for unit in obj.successors.all()]


class AgencyOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None = Field(None, alias="parent.code")
    unit_code: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")


class DueDateOut(Schema):
    start: dt.datetime
    working_days: int
    due: dt.datetime


@router.get("/units", response=list[UnitOut], auth=None)
def list_units(
    request: HttpRequest,
    level: UnitLevel | None = None,
    parent: str | None = None,
    on: dt.date | None = None,
) -> list[AdministrativeUnit]:
    """Administrative units (public reference data). Current ones unless `on` names a date."""
    units = AdministrativeUnit.objects.select_related("parent").prefetch_related("successors")
    units = units.valid_on(on) if on else units.current()
    if level:
        units = units.filter(level=level)
    if parent:
        units = units.filter(parent__code=parent)
    return list(units[:5000])


@router.get("/agencies", response=list[AgencyOut])
def list_agencies(request: HttpRequest) -> list[Agency]:
    """The agencies within the caller's scope."""
    agencies = scoped(request.user, STAFF_ROLES, Agency.objects.all(), agency_path="")
    return list(agencies.select_related("parent", "unit"))


@router.get("/agencies/{code}", response=AgencyOut)
def get_agency(request: HttpRequest, code: str) -> Agency:
    agency = get_object_or_404(Agency.objects.select_related("parent", "unit"), code=code)
    require_role(request, STAFF_ROLES, agency)
    return agency


@router.get("/calendar/due", response=DueDateOut)
def due_date(
    request: HttpRequest, start: dt.datetime, working_days: int = Query(..., ge=0, le=365)
) -> dict:
    """The moment `working_days` of office time after `start`, holidays and province
    overrides included."""
    require_role(request, STAFF_ROLES)
    due = WorkingCalendar().add_working_days(start, working_days)
    return {"start": start, "working_days": working_days, "due": due}
