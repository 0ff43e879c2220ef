"""Lockout per account and throttling per address, counted from AuthFailure rows.

Rows rather than in-process counters, so every worker sees the same count. An account (or
an address) with N failures inside the window is refused until the oldest of those N
leaves the window; refusals during a lockout are not counted, so a lock does not grow.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from motcua.identity.models import AuthFailure


def window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MOTCUA_LOGIN_LOCK_MINUTES)


def _locked_until(failures: list[dt.datetime], limit: int) -> dt.datetime | None:
    if limit <= 0 or len(failures) < limit:
        return None
    return failures[limit - 1] + window()


def account_locked_until(username: str) -> dt.datetime | None:
    """When the account's lock ends, or None when it may try now."""
    limit = settings.MOTCUA_LOGIN_FAILURES_BEFORE_LOCK
    since = timezone.now() - window()
    times = list(
        AuthFailure.objects.filter(username=username, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    return _locked_until(times, limit)


def address_throttled_until(source_ip: str | None) -> dt.datetime | None:
    """When an address that failed on too many attempts (any accounts) may try again."""
    if not source_ip:
        return None
    limit = settings.MOTCUA_LOGIN_FAILURES_PER_IP
    since = timezone.now() - window()
    times = list(
        AuthFailure.objects.filter(source_ip=source_ip, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    return _locked_until(times, limit)


def note_failure(username: str, source_ip: str | None) -> None:
    AuthFailure.objects.create(username=username[:150], source_ip=source_ip)


def forget_failures(username: str) -> None:
    """A successful login starts the account's count afresh (the address keeps its count)."""
    AuthFailure.objects.filter(username=username).delete()
