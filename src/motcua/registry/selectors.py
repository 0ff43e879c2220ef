"""Read queries of the registry: search and the records staff may see.

Every function that returns personal data to staff writes a READ record to the audit
trail with the purpose the officer gave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from motcua.core.models import AdministrativeUnit
from motcua.identity.models import Role
from motcua.identity.permissions import require_role, scoped
from motcua.registry.models import Citizen, Household, HouseholdMember, IdCard
from motcua.registry.names import name_key
from motcua.security.models import AuditAction
from motcua.security.services import record

# Roles that may read registry records (within their scope).
READER_ROLES = (Role.REGISTRY_OFFICER,)
MAX_RESULTS = 50


@dataclass(frozen=True)
class CitizenQuery:
    text: str = ""
    birth_date: dt.date | None = None
    commune: AdministrativeUnit | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.birth_date or self.commune)

    def describe(self) -> dict[str, Any]:
        return {
            "text": self.text.strip(),
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "commune": self.commune.code if self.commune else None,
        }


def visible_citizens(user: Any) -> QuerySet[Citizen]:
    """The citizens a staff member may read: those resident in their communes."""
    return scoped(
        user, READER_ROLES, Citizen.objects.all(), agency_path=None, unit_path="permanent_commune"
    )


def _name_prefix(queryset: QuerySet[Citizen], key: str) -> QuerySet[Citizen]:
    # Both use an index: PostgreSQL's varchar_pattern_ops index serves LIKE 'x%'; SQLite's
    # LIKE ignores case and so its index, but a range on the binary-collated column does not.
    if connection.vendor == "postgresql":
        return queryset.filter(name_key__startswith=key)
    return queryset.filter(name_key__gte=key, name_key__lt=key + "\U0010ffff")


def search_citizens(user: Any, query: CitizenQuery, limit: int = MAX_RESULTS) -> list[Citizen]:
    """Citizens matching an ID number, a name without diacritics (from its start, or
    anywhere when nothing starts so), a birth date and/or a commune, within the user's
    scope."""
    base = visible_citizens(user).select_related("permanent_commune")
    if query.birth_date:
        base = base.filter(birth_date=query.birth_date)
    if query.commune:
        base = base.filter(permanent_commune=query.commune)
    text = query.text.strip()
    if text.isdigit() and len(text) == 12:
        return list(base.filter(id_number=text)[:1])
    if not text:
        return list(base.order_by("name_key", "id")[:limit])
    key = name_key(text)
    found = list(_name_prefix(base, key).order_by("name_key", "id")[:limit])
    if not found:
        # A part of a name ("van an", "thi lan"): the slower search anywhere in the name.
        found = list(base.filter(name_key__contains=key).order_by("name_key", "id")[:limit])
    return found


def audited_search(request: HttpRequest, query: CitizenQuery, purpose: str) -> list[Citizen]:
    """search_citizens for a staff request, written to the audit trail with its purpose."""
    require_role(request, READER_ROLES)
    results = search_citizens(request.user, query)
    record(
        AuditAction.READ,
        request=request,
        object_type="registry.citizen",
        object_repr="search",
        purpose=purpose,
        data={**query.describe(), "results": [citizen.id_number for citizen in results]},
    )
    return results


def citizen_for_staff(request: HttpRequest, id_number: str, purpose: str) -> Citizen:
    """One citizen's full record for a staff member in scope; the read is audited.

    Raises Citizen.DoesNotExist, or PermissionDenied (audited) when out of scope.
    """
    members = HouseholdMember.objects.filter(left_on__isnull=True).select_related(
        "citizen", "household__commune"
    )
    citizen = (
        Citizen.objects.select_related("permanent_commune", "temporary_commune")
        .prefetch_related(
            Prefetch("memberships", queryset=members, to_attr="current_memberships"),
            Prefetch("cards", queryset=IdCard.objects.order_by("-issue_date")),
        )
        .get(id_number=id_number)
    )
    require_role(request, READER_ROLES, citizen)
    record(AuditAction.READ, request=request, obj=citizen, purpose=purpose)
    return citizen


def household_for_staff(request: HttpRequest, number: str, purpose: str) -> Household:
    """A household with its current members, for a staff member in scope; audited."""
    household = (
        Household.objects.select_related("commune")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=HouseholdMember.objects.filter(left_on__isnull=True)
                .select_related("citizen")
                .order_by("citizen__birth_date"),
                to_attr="current_members",
            )
        )
        .get(number=number)
    )
    require_role(request, READER_ROLES, household)
    record(AuditAction.READ, request=request, obj=household, purpose=purpose)
    return household


def reads_of(citizen: Citizen, limit: int = 20) -> QuerySet:
    """Who read this record, newest first (from the audit trail)."""
    from motcua.security.models import AuditRecord

    return AuditRecord.objects.filter(
        Q(object_type="registry.citizen", object_id=str(citizen.pk)) & Q(action=AuditAction.READ)
    ).order_by("-sequence")[:limit]
