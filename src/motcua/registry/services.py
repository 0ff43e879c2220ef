"""Every change to the registry: births, deaths, moves, households, ID cards, corrections.

Each function validates, locks the rows it changes, writes, and appends to the audit trail
in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import AdministrativeUnit
from motcua.registry import idnumber
from motcua.registry.cards import card_expiry
from motcua.registry.models import (
    Citizen,
    CitizenStatus,
    Household,
    HouseholdMember,
    IdCard,
    IdCardStatus,
    Relation,
)
from motcua.registry.names import clean_name, name_key
from motcua.registry.signals import card_revoked, citizen_status_changed
from motcua.security.models import AuditAction
from motcua.security.services import record

# Fields an officer may correct through `correct_citizen`.
CORRECTABLE = {
    "full_name",
    "birth_date",
    "sex",
    "birth_province_code",
    "nationality",
    "ethnicity",
    "religion",
    "permanent_address",
    "permanent_commune",
    "temporary_address",
    "temporary_commune",
}


def _check_id(number: str, birth_date: dt.date | None, sex: str | None) -> str:
    try:
        return idnumber.validate(number, birth_date=birth_date, sex=sex).number
    except idnumber.InvalidIdNumber as exc:
        raise DomainError(str(exc), code=f"id_{exc.problems[0].code}") from exc


def _snapshot(citizen: Citizen, fields: set[str]) -> dict[str, Any]:
    values = {}
    for field in sorted(fields):
        value = getattr(citizen, f"{field}_id" if field.endswith("_commune") else field)
        values[field] = value.isoformat() if isinstance(value, dt.date) else value
    return values


@transaction.atomic
def register_birth(
    *,
    id_number: str,
    full_name: str,
    birth_date: dt.date,
    sex: str,
    birth_province_code: str | None = None,
    permanent_commune: AdministrativeUnit | None = None,
    permanent_address: str = "",
    ethnicity: str = "Kinh",
    religion: str = "",
    nationality: str = "VN",
    household: Household | None = None,
    relation: str = Relation.CHILD,
    by: Any = None,
    request: HttpRequest | None = None,
    source: str = "registration",
) -> Citizen:
    """Register a new person. The ID number must agree with birth date and sex; a number
    already in the registry is refused."""
    if not full_name.strip():
        raise DomainError(_("The full name is required."), code="name_required")
    if birth_date > timezone.localdate():
        raise DomainError(_("The date of birth is in the future."), code="birth_in_future")
    number = _check_id(id_number, birth_date, sex)
    citizen = Citizen(
        id_number=number,
        full_name=clean_name(full_name),
        name_key=name_key(full_name),
        birth_date=birth_date,
        sex=sex,
        birth_province_code=birth_province_code or number[:3],
        nationality=nationality,
        ethnicity=ethnicity,
        religion=religion,
        permanent_commune=permanent_commune or (household.commune if household else None),
        permanent_address=permanent_address or (household.address if household else ""),
        last_verified_at=timezone.now(),
        source=source,
    )
    try:
        with transaction.atomic():
            citizen.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict(
            _("ID number %(number)s is already in the registry.") % {"number": number},
            code="id_taken",
        ) from exc
    record(AuditAction.CREATE, request=request, actor=by, obj=citizen, data={"event": "birth"})
    if household is not None:
        add_member(household, citizen, relation, by=by, request=request)
    return citizen


def _locked(citizen: Citizen) -> Citizen:
    return Citizen.objects.select_for_update().get(pk=citizen.pk)


def _set_status(
    citizen: Citizen, status: str, by: Any, request: HttpRequest | None, data: dict[str, Any]
) -> None:
    old = citizen.status
    citizen.status = status
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=citizen,
        data={**data, "status": [old, status]},
    )
    transaction.on_commit(
        lambda: citizen_status_changed.send(
            sender=Citizen, citizen=citizen, old_status=old, new_status=status
        )
    )


@transaction.atomic
def record_death(
    citizen: Citizen, death_date: dt.date, *, by: Any = None, request: HttpRequest | None = None
) -> Citizen:
    """Mark a person dead: they leave their household and their ID card is revoked."""
    citizen = _locked(citizen)
    if citizen.status == CitizenStatus.DEAD:
        raise Conflict(_("This death is already recorded."), code="already_dead")
    if death_date > timezone.localdate() or (
        citizen.birth_date and death_date < citizen.birth_date
    ):
        raise DomainError(_("The date of death is not plausible."), code="death_date")
    citizen.death_date = death_date
    _set_status(
        citizen,
        CitizenStatus.DEAD,
        by,
        request,
        {"event": "death", "death_date": death_date.isoformat()},
    )
    citizen.last_verified_at = timezone.now()
    citizen.save(update_fields=["status", "death_date", "last_verified_at", "updated_at"])
    for membership in citizen.memberships.filter(left_on__isnull=True):
        membership.left_on = death_date
        membership.save(update_fields=["left_on"])
    for card in citizen.cards.filter(status=IdCardStatus.VALID):
        _revoke(card, by, request, reason="death")
    return citizen


@transaction.atomic
def record_move(
    citizen: Citizen,
    *,
    commune: AdministrativeUnit | None,
    address: str = "",
    out_of_province: bool = False,
    temporary: bool = False,
    by: Any = None,
    request: HttpRequest | None = None,
) -> Citizen:
    """Register a change of permanent (or temporary) residence, or a move out of the
    province."""
    citizen = _locked(citizen)
    if citizen.status == CitizenStatus.DEAD:
        raise DomainError(_("A deceased person cannot change residence."), code="dead")
    before = _snapshot(
        citizen,
        {"permanent_commune", "permanent_address", "temporary_commune", "temporary_address"},
    )
    if out_of_province:
        _set_status(citizen, CitizenStatus.MOVED_OUT, by, request, {"event": "move_out"})
        for membership in citizen.memberships.filter(left_on__isnull=True):
            membership.left_on = timezone.localdate()
            membership.save(update_fields=["left_on"])
    elif temporary:
        citizen.temporary_commune, citizen.temporary_address = commune, address
    else:
        citizen.permanent_commune, citizen.permanent_address = commune, address
        if citizen.status == CitizenStatus.MOVED_OUT:
            _set_status(citizen, CitizenStatus.ALIVE, by, request, {"event": "move_in"})
    citizen.last_verified_at = timezone.now()
    citizen.save()
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=citizen,
        data={"event": "move", "before": before},
    )
    return citizen


@transaction.atomic
def create_household(
    number: str,
    *,
    head: Citizen,
    address: str = "",
    commune: AdministrativeUnit | None = None,
    by: Any = None,
    request: HttpRequest | None = None,
) -> Household:
    """Open a household register with its head."""
    if Household.objects.filter(number=number).exists():
        raise Conflict(
            _("Household %(number)s already exists.") % {"number": number}, code="household_taken"
        )
    household = Household.objects.create(
        number=number,
        address=address or head.permanent_address,
        commune=commune or head.permanent_commune,
    )
    record(AuditAction.CREATE, request=request, actor=by, obj=household)
    add_member(household, head, Relation.HEAD, by=by, request=request)
    return household


@transaction.atomic
def add_member(
    household: Household,
    citizen: Citizen,
    relation: str,
    *,
    by: Any = None,
    request: HttpRequest | None = None,
) -> HouseholdMember:
    """Put a person in a household. They leave any household they were in; a household
    keeps exactly one head."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    citizen = _locked(citizen)
    if relation not in Relation.values:
        raise DomainError(_("Unknown relation to the head."), code="relation")
    if citizen.status != CitizenStatus.ALIVE:
        raise DomainError(_("Only living residents can join a household."), code="not_alive")
    if (
        relation == Relation.HEAD
        and household.members.filter(relation=Relation.HEAD, left_on__isnull=True)
        .exclude(citizen=citizen)
        .exists()
    ):
        raise Conflict(
            _("This household already has a head; change the head instead."), code="two_heads"
        )
    today = timezone.localdate()
    citizen.memberships.filter(left_on__isnull=True).update(left_on=today)
    member = HouseholdMember.objects.create(
        household=household, citizen=citizen, relation=relation, joined_on=today
    )
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=household,
        data={"event": "member_added", "citizen": citizen.id_number, "relation": relation},
    )
    return member


@transaction.atomic
def change_head(
    household: Household,
    new_head: Citizen,
    *,
    former_head_relation: str = Relation.OTHER,
    by: Any = None,
    request: HttpRequest | None = None,
) -> None:
    """Make a current member the head; the former head stays with another relation."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    current = household.members.filter(left_on__isnull=True)
    member = current.filter(citizen=new_head).first()
    if member is None:
        raise DomainError(
            _("The new head must already be a member of the household."), code="not_member"
        )
    current.filter(relation=Relation.HEAD).exclude(pk=member.pk).update(
        relation=former_head_relation
    )
    member.relation = Relation.HEAD
    member.save(update_fields=["relation"])
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=household,
        data={"event": "head_changed", "head": new_head.id_number},
    )


@transaction.atomic
def issue_card(
    citizen: Citizen,
    issue_date: dt.date | None = None,
    *,
    by: Any = None,
    request: HttpRequest | None = None,
) -> IdCard:
    """Issue a chip ID card; a valid earlier card becomes replaced. The expiry follows the
    renewal ages 14, 25, 40 and 60."""
    citizen = _locked(citizen)
    if citizen.status != CitizenStatus.ALIVE:
        raise DomainError(_("Cards are issued to living residents only."), code="not_alive")
    if citizen.birth_date is None:
        raise DomainError(_("The date of birth is needed to issue a card."), code="no_birth_date")
    issue_date = issue_date or timezone.localdate()
    citizen.cards.filter(status=IdCardStatus.VALID).update(status=IdCardStatus.REPLACED)
    card = IdCard.objects.create(
        citizen=citizen,
        number=citizen.id_number,
        issue_date=issue_date,
        expiry_date=card_expiry(citizen.birth_date, issue_date),
    )
    record(
        AuditAction.CREATE,
        request=request,
        actor=by,
        obj=card,
        data={
            "citizen": citizen.id_number,
            "expiry": card.expiry_date.isoformat() if card.expiry_date else None,
        },
    )
    return card


def _revoke(card: IdCard, by: Any, request: HttpRequest | None, reason: str) -> None:
    card.status = IdCardStatus.REVOKED
    card.save(update_fields=["status"])
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=card,
        data={"event": "card_revoked", "reason": reason},
    )
    transaction.on_commit(lambda: card_revoked.send(sender=IdCard, card=card))


@transaction.atomic
def revoke_card(
    card: IdCard, reason: str, *, by: Any = None, request: HttpRequest | None = None
) -> None:
    """Revoke a card (lost, stolen, withdrawn)."""
    card = IdCard.objects.select_for_update().get(pk=card.pk)
    if card.status != IdCardStatus.VALID:
        raise Conflict(_("Only a valid card can be revoked."), code="card_not_valid")
    _revoke(card, by, request, reason)


@transaction.atomic
def correct_citizen(
    citizen: Citizen,
    changes: dict[str, Any],
    *,
    by: Any = None,
    request: HttpRequest | None = None,
    reason: str = "",
) -> Citizen:
    """Correct recorded facts (after a check against papers). Writes before and after."""
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise DomainError(
            _("These fields cannot be corrected here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="not_correctable",
        )
    citizen = _locked(citizen)
    before = _snapshot(citizen, set(changes))
    for field, value in changes.items():
        setattr(citizen, field, value)
    if "full_name" in changes:
        citizen.full_name = clean_name(citizen.full_name)
        citizen.name_key = name_key(citizen.full_name)
    if idnumber.problems(citizen.id_number, birth_date=citizen.birth_date, sex=citizen.sex or None):
        raise DomainError(
            _("After this correction the ID number would not match: %(problems)s")
            % {
                "problems": "; ".join(
                    map(
                        str,
                        idnumber.problems(
                            citizen.id_number,
                            birth_date=citizen.birth_date,
                            sex=citizen.sex or None,
                        ),
                    )
                )
            },
            code="id_mismatch",
        )
    citizen.last_verified_at = timezone.now()
    citizen.save()
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=citizen,
        purpose=reason,
        data={"event": "correction", "before": before, "after": _snapshot(citizen, set(changes))},
    )
    return citizen


@transaction.atomic
def mark_verified(citizen: Citizen, *, by: Any = None, request: HttpRequest | None = None) -> None:
    """Record that the person's data was checked against them or their papers today."""
    Citizen.objects.filter(pk=citizen.pk).update(last_verified_at=timezone.now())
    record(AuditAction.UPDATE, request=request, actor=by, obj=citizen, data={"event": "verified"})
