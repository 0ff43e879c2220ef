"""Citizen accounts: sign-up against the registry, level 2, disabling, sessions.

Every change of an account goes through one function here; views, signals and tests call
the same functions. Logins (password, second factor, enrolment) are in `login.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import Conflict, DomainError
from motcua.identity.models import AccountKind, AccountSession, EidLevel, User
from motcua.registry.models import Citizen, CitizenStatus
from motcua.registry.names import name_key
from motcua.security.models import AuditAction
from motcua.security.services import record

DISABLED_DEATH = "death"
DISABLED_CARD_REVOKED = "card_revoked"


def _split_contact(contact: str) -> tuple[str, str]:
    """(email, phone) from what the citizen typed."""
    contact = contact.strip()
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            raise DomainError(_("Enter a valid e-mail address."), code="contact") from None
        return contact, ""
    digits = "".join(ch for ch in contact if ch.isdigit() or ch == "+")
    if not (9 <= len(digits.lstrip("+")) <= 15):
        raise DomainError(_("Enter a phone number or an e-mail address."), code="contact")
    return "", digits


@transaction.atomic
def sign_up(
    *,
    id_number: str,
    full_name: str,
    birth_date: dt.date,
    contact: str,
    password: str,
    request: HttpRequest | None = None,
) -> User:
    """Open a level-1 account bound to the registry record with this ID number.

    Guarantees: the name (ignoring case and diacritics) and birth date match the registry;
    the person is alive and lives in the province; one account per person; the password
    passes Django's validators. The refusal never says which of name or birth date differed.
    """
    id_number = id_number.strip()
    citizen = Citizen.objects.filter(id_number=id_number).first()
    if (
        citizen is None
        or citizen.name_key != name_key(full_name)
        or citizen.birth_date != birth_date
    ):
        raise DomainError(
            _(
                "We found no person in the population registry with this ID number, name "
                "and date of birth. Check them against your ID card."
            ),
            code="not_found",
        )
    if citizen.status == CitizenStatus.DEAD:
        raise DomainError(_("An account cannot be opened for this person."), code="not_eligible")
    if citizen.status == CitizenStatus.MOVED_OUT:
        raise DomainError(
            _(
                "The registry shows this person has moved out of the province; use the "
                "national VNeID account instead."
            ),
            code="moved_out",
        )
    if (
        User.objects.filter(citizen=citizen).exists()
        or User.objects.filter(username=id_number).exists()
    ):
        raise Conflict(
            _("An account already exists for this ID number. Log in instead."),
            code="exists",
        )
    email, phone = _split_contact(contact)
    user = User(
        username=id_number,
        kind=AccountKind.CITIZEN,
        citizen=citizen,
        eid_level=EidLevel.LEVEL_1,
        full_name=citizen.full_name,
        email=email,
        phone=phone,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="password") from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(
            _("An account already exists for this ID number. Log in instead."), code="exists"
        ) from None
    record(
        AuditAction.CREATE,
        request=request,
        actor=user,
        obj=user,
        data={"event": "citizen_signup", "eid_level": 1},
    )
    return user


def level2_candidate(id_number: str) -> User | None:
    """The citizen account with this ID number, if any."""
    return (
        User.objects.filter(kind=AccountKind.CITIZEN, username=id_number.strip())
        .select_related("citizen", "citizen__permanent_commune")
        .first()
    )


@transaction.atomic
def raise_to_level2(
    account: User, *, by: User, place: str, request: HttpRequest | None = None
) -> User:
    """Raise a level-1 account to level 2 after an in-person check of the chip card.

    Guarantees: who checked, when and where are stored and audited; a dead person's or a
    disabled account is never raised. The caller has checked the officer's scope.
    """
    account = User.objects.select_for_update().get(pk=account.pk)
    place = place.strip()
    if not place:
        raise DomainError(_("Say where the card was checked."), code="place")
    if account.kind != AccountKind.CITIZEN or account.citizen_id is None:
        raise DomainError(_("Only citizen accounts have e-ID levels."), code="not_citizen")
    citizen = Citizen.objects.get(pk=account.citizen_id)
    if citizen.status == CitizenStatus.DEAD or not account.is_active:
        raise DomainError(
            _("This account is disabled and cannot be raised to level 2."), code="disabled"
        )
    if account.eid_level >= EidLevel.LEVEL_2:
        raise Conflict(_("This account is already at level 2."), code="already_level2")
    account.eid_level = EidLevel.LEVEL_2
    account.level2_verified_by = by
    account.level2_verified_at = timezone.now()
    account.level2_verified_place = place[:255]
    account.save(
        update_fields=[
            "eid_level",
            "level2_verified_by",
            "level2_verified_at",
            "level2_verified_place",
        ]
    )
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=account,
        data={"event": "eid_level2", "place": account.level2_verified_place},
    )
    return account


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every open session of `user` except `keep`; returns how many were ended."""
    open_sessions = AccountSession.objects.filter(user=user, ended_at__isnull=True)
    if keep:
        open_sessions = open_sessions.exclude(session_key=keep)
    keys = list(open_sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    open_sessions.update(ended_at=timezone.now())
    return len(keys)


@transaction.atomic
def disable_account(
    user: User, reason: str, *, by: Any = None, request: HttpRequest | None = None
) -> None:
    """Disable an account at once: it can no longer log in, all its sessions end, and the
    tokens other systems got for it through "log in with e-ID" are revoked."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active or user.disabled_reason != reason:
        user.is_active = False
        user.disabled_reason = reason[:255]
        user.save(update_fields=["is_active", "disabled_reason"])
    ended = end_sessions(user)
    revoked = _revoke_tokens(user)
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=user,
        data={
            "event": "account_disabled",
            "reason": reason,
            "sessions_ended": ended,
            "tokens_revoked": revoked,
        },
    )


def _revoke_tokens(user: User) -> int:
    """End what other systems hold for this account through "log in with e-ID"."""
    from oauth2_provider.models import get_access_token_model, get_refresh_token_model

    count = 0
    for refresh in get_refresh_token_model().objects.filter(user=user, revoked__isnull=True):
        refresh.revoke()
        count += 1
    deleted, _details = get_access_token_model().objects.filter(user=user).delete()
    return count + deleted


@transaction.atomic
def change_password(request: HttpRequest, user: User, new_password: str) -> None:
    """Set a new password; every other session of the account ends, this one stays."""
    from django.contrib.auth import update_session_auth_hash

    old_key = request.session.session_key
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)  # gives this session a new key
    new_key = request.session.session_key
    AccountSession.objects.filter(session_key=old_key).update(session_key=new_key)
    end_sessions(user, keep=new_key)
    record(AuditAction.UPDATE, request=request, obj=user, data={"event": "password_changed"})


def start_session(request: HttpRequest, user: User) -> None:
    """Note the session a login opened, for the "my account" page."""
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    from motcua.security.services import client_ip

    AccountSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "source_ip": client_ip(request),
            "user_agent": request.headers.get("User-Agent", "")[:255],
            "ended_at": None,
        },
    )


def close_session(session_key: str | None) -> None:
    if session_key:
        AccountSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
