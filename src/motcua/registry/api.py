"""Registry API for authorised staff: lookups by ID number and household, each audited."""

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.registry.models import Citizen, Household
from motcua.registry.selectors import (
    CitizenQuery,
    audited_search,
    citizen_for_staff,
    household_for_staff,
)

router = Router(tags=["registry"])

Purpose = Query(..., min_length=3, max_length=255, description="Why the record is read (audited).")


class CitizenOut(Schema):
    id_number: str
    full_name: str
    birth_date: dt.date | None
    sex: str
    birth_province_code: str
    nationality: str
    ethnicity: str
    religion: str
    permanent_address: str
    permanent_commune_code: str | None = Field(None, alias="permanent_commune.code")
    temporary_address: str
    temporary_commune_code: str | None = Field(None, alias="temporary_commune.code")
    status: str
    death_date: dt.date | None
    last_verified_at: dt.datetime | None
    household_number: str | None = None
    valid_card_expiry: dt.date | None = None

    @staticmethod
    def resolve_household_number(obj: Citizen) -> str | None:
        memberships = getattr(obj, "current_memberships", [])
        return memberships[0].household.number if memberships else None

    @staticmethod
    def resolve_valid_card_expiry(obj: Citizen) -> dt.date | None:
        cards = [card for card in obj.cards.all() if card.status == "valid"]
        return cards[0].expiry_date if cards else None


class CitizenSummary(Schema):
    id_number: str
    full_name: str
    birth_date: dt.date | None
    sex: str
    permanent_commune_code: str | None = Field(None, alias="permanent_commune.code")
    status: str


class MemberOut(Schema):
    id_number: str = Field(..., alias="citizen.id_number")
    full_name: str = Field(..., alias="citizen.full_name")
    birth_date: dt.date | None = Field(None, alias="citizen.birth_date")
    relation: str


class HouseholdOut(Schema):
    number: str
    address: str
    commune_code: str | None = Field(None, alias="commune.code")
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Household) -> list:
        return list(getattr(obj, "current_members", []))


@router.get("/citizens/{id_number}", response=CitizenOut)
def get_citizen(request: HttpRequest, id_number: str, purpose: str = Purpose) -> Citizen:
    """One citizen by personal ID number (registry officers, within their communes)."""
    try:
        return citizen_for_staff(request, id_number, purpose)
    except Citizen.DoesNotExist as exc:
        raise Http404 from exc


@router.get("/citizens", response=list[CitizenSummary])
def search(
    request: HttpRequest,
    purpose: str = Purpose,
    q: str = "",
    birth_date: dt.date | None = None,
) -> list[Citizen]:
    """Search by ID number or name (diacritics optional) and/or birth date; at most 50."""
    return audited_search(request, CitizenQuery(q, birth_date), purpose)


@router.get("/households/{number}", response=HouseholdOut)
def get_household(request: HttpRequest, number: str, purpose: str = Purpose) -> Household:
    """A household register with its current members."""
    try:
        return household_for_staff(request, number, purpose)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
