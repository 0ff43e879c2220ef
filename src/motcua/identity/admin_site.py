"""The Django admin enters through the staff login page, never through its own form.

Django's admin login checks a password alone: no second factor, no lockout, no failure
count. Its login view is replaced by a redirect to the staff login (password, then the
authenticator), which comes back to the admin page asked for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def login_on_staff_page(request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
    target = request.GET.get(REDIRECT_FIELD_NAME) or request.POST.get(REDIRECT_FIELD_NAME)
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    query = urlencode({REDIRECT_FIELD_NAME: target})
    return HttpResponseRedirect(f"{reverse('backoffice:login')}?{query}")


def install() -> None:
    admin.site.login = login_on_staff_page  # type: ignore[method-assign]
