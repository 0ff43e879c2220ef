"""Logging in, in two steps: the password, then (when required) the second factor.

After the password the session holds a *pending* login (who, since when) but nobody is
logged in; only a right TOTP or recovery code — or no second factor being required —
calls django.contrib.auth.login. Every failure counts towards the lockout (throttle.py)
and is audited.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.identity.accounts import throttle, totp
from motcua.identity.models import AccountKind, EidLevel, RecoveryCode, User
from motcua.security.models import AuditAction
from motcua.security.services import client_ip, record

PENDING_KEY = "accounts_pending"
# How long the second step may take after the password.
PENDING_SECONDS = 300
BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Pending:
    user: User
    kind: str


def needs_second_factor(user: User) -> bool:
    """Staff (when the setting says so) and level-2 citizens log in with a second factor."""
    if user.kind == AccountKind.STAFF or user.is_superuser:
        return bool(settings.MOTCUA_STAFF_SECOND_FACTOR)
    return user.eid_level >= EidLevel.LEVEL_2


def has_second_factor(user: User) -> bool:
    return bool(user.totp_secret and user.totp_confirmed_at)


def _locked_error(until: object) -> DomainError:
    local = timezone.localtime(until)  # type: ignore[arg-type]
    return DomainError(
        _("Too many failed attempts: locked, try again after %(time)s.")
        % {"time": formats.time_format(local, "H:i")},
        code="locked",
    )


def _refuse_if_locked(request: HttpRequest, username: str) -> None:
    ip = client_ip(request)
    until = throttle.account_locked_until(username) or throttle.address_throttled_until(ip)
    if until is not None:
        record(
            "account_locked",
            request=request,
            object_type="identity.user",
            object_repr=username[:150],
            data={"username": username[:150], "until": until.isoformat()},
        )
        raise _locked_error(until)


def check_password(request: HttpRequest, username: str, password: str, kind: str) -> User:
    """First step: the password of an account of `kind` (citizen or staff).

    Guarantees: refused without checking while the account or the address is locked out;
    a failure is counted and audited (Django's user_login_failed); the refusal does not say
    whether the account exists. Returns the user; nobody is logged in yet.
    """
    username = username.strip()
    _refuse_if_locked(request, username)
    user = authenticate(request, username=username, password=password)
    wrong_kind = isinstance(user, User) and (
        (kind == AccountKind.CITIZEN) != (user.kind == AccountKind.CITIZEN)
    )
    if not isinstance(user, User) or wrong_kind:
        if wrong_kind:
            record(
                AuditAction.LOGIN_FAILED,
                request=request,
                object_type="identity.user",
                object_repr=username[:150],
                data={"username": username[:150], "wrong_page": kind},
            )
        throttle.note_failure(username, client_ip(request))
        if kind == AccountKind.CITIZEN:
            message = _("The ID number or the password is not right.")
        else:
            message = _("The login name or the password is not right.")
        raise DomainError(message, code="invalid_login")
    return user


def begin(request: HttpRequest, user: User) -> bool:
    """After the password: log in now (True) or leave a pending login for the second step."""
    if not needs_second_factor(user):
        finish(request, user)
        return True
    request.session[PENDING_KEY] = {"user": user.pk, "at": time.time(), "kind": user.kind}
    return False


def pending(request: HttpRequest) -> Pending | None:
    """The login waiting for its second factor, if it is recent enough."""
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    return Pending(user=user, kind=user.kind) if user else None


def finish(request: HttpRequest, user: User) -> None:
    """Log the user in (the audit trail and the session list follow from the signal)."""
    request.session.pop(PENDING_KEY, None)
    throttle.forget_failures(user.get_username())
    login(request, user, backend=BACKEND)


def _second_factor_failed(request: HttpRequest, user: User, factor: str) -> None:
    throttle.note_failure(user.get_username(), client_ip(request))
    record(
        AuditAction.LOGIN_FAILED,
        request=request,
        obj=user,
        data={"username": user.get_username(), "factor": factor},
    )


def check_totp(request: HttpRequest, user: User, code: str) -> None:
    """Second step with an authenticator code: within ±1 step of now, never used before.

    Guarantees: the accepted step is stored (a replay is refused); a wrong code is counted
    towards the lockout and audited as a failed login with data {"factor": "totp"}.
    """
    _refuse_if_locked(request, user.get_username())
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        step = totp.matching_step(locked.totp_secret, code, locked.totp_last_step)
        if step is not None and has_second_factor(locked):
            locked.totp_last_step = step
            locked.save(update_fields=["totp_last_step"])
            user.totp_last_step = step
            return
    _second_factor_failed(request, user, "totp")
    raise DomainError(
        _("This code is not right, or it has already been used. Wait for the next code."),
        code="invalid_code",
    )


def check_recovery_code(request: HttpRequest, user: User, code: str) -> None:
    """Second step with a recovery code: each code works once; a used one is refused."""
    _refuse_if_locked(request, user.get_username())
    with transaction.atomic():
        codes = list(RecoveryCode.objects.select_for_update().filter(user=user))
        for stored in codes:
            if totp.recovery_code_matches(code, stored.code_hash):
                if stored.used_at is None:
                    stored.used_at = timezone.now()
                    stored.save(update_fields=["used_at"])
                    record(
                        AuditAction.UPDATE,
                        request=request,
                        actor=user,
                        obj=user,
                        data={"event": "recovery_code_used"},
                    )
                    return
                _second_factor_failed(request, user, "recovery_code")
                raise DomainError(
                    _("This recovery code has already been used. Each code works only once."),
                    code="used_code",
                )
    _second_factor_failed(request, user, "recovery_code")
    raise DomainError(_("This recovery code is not right."), code="invalid_code")


def enrolment_secret(user: User) -> str:
    """The secret being enrolled: kept on the account, unconfirmed, until a code matches."""
    if user.totp_confirmed_at is None and user.totp_secret:
        return user.totp_secret
    if has_second_factor(user):
        raise DomainError(_("A second factor is already set up."), code="enrolled")
    user.totp_secret = totp.new_secret()
    user.save(update_fields=["totp_secret"])
    return user.totp_secret


@transaction.atomic
def confirm_enrolment(request: HttpRequest, user: User, code: str) -> list[str]:
    """Confirm the authenticator with one of its codes; returns 10 fresh recovery codes.

    Guarantees: the second factor counts only once a code matched; the codes are shown
    once and only their hashes are kept; audited.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if has_second_factor(locked):
        raise DomainError(_("A second factor is already set up."), code="enrolled")
    step = totp.matching_step(locked.totp_secret, code, locked.totp_last_step)
    if step is None:
        raise DomainError(
            _("This code is not right. Check the time on your phone and try again."),
            code="invalid_code",
        )
    locked.totp_last_step = step
    locked.totp_confirmed_at = timezone.now()
    locked.save(update_fields=["totp_last_step", "totp_confirmed_at"])
    user.totp_last_step, user.totp_confirmed_at = step, locked.totp_confirmed_at
    user.totp_secret = locked.totp_secret
    record(
        AuditAction.UPDATE, request=request, actor=user, obj=user, data={"event": "totp_enrolled"}
    )
    return _replace_recovery_codes(user)


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=totp.hash_recovery_code(code)) for code in codes
    )
    return codes


@transaction.atomic
def regenerate_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """Replace all recovery codes (the old ones stop working); audited."""
    if not has_second_factor(user):
        raise DomainError(_("Set up the second factor first."), code="not_enrolled")
    codes = _replace_recovery_codes(user)
    record(AuditAction.UPDATE, request=request, obj=user, data={"event": "recovery_codes_renewed"})
    return codes
