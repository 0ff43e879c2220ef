"""Pages and API handlers that need a given e-ID level."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError


class EidLevelTooLow(DomainError):
    status_code = 403


def eid_level_of(user: Any) -> int:
    if user is None or not user.is_authenticated or not user.is_active:
        return 0
    return int(getattr(user, "eid_level", 0) or 0)


def ensure_eid_level(request: HttpRequest, level: int) -> None:
    """For API handlers: raise EidLevelTooLow (a 403 with the explanation) below `level`."""
    if eid_level_of(request.user) < level:
        raise EidLevelTooLow(
            _(
                "This service needs an electronic identity of level %(level)s. Take your "
                "chip ID card to the commune police, or log in with VNeID level 2."
            )
            % {"level": level},
            code="eid_level",
        )


def require_eid_level(level: int) -> Callable:
    """View decorator: anonymous users go to the citizen login; users below `level` go to
    the page that explains how to reach it."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
            if eid_level_of(request.user) < level:
                return redirect(f"{reverse('accounts:level2_needed')}?level={level}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
