"""Sign-up and the two-step login (citizens here; staff through the same views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from motcua.core.exceptions import DomainError
from motcua.identity.accounts import login as login_flow
from motcua.identity.accounts import services, totp
from motcua.identity.accounts.forms import (
    CitizenLoginForm,
    CodeForm,
    RecoveryCodeForm,
    SignUpForm,
    StaffLoginForm,
)
from motcua.identity.models import AccountKind, User

NEXT_KEY = "accounts_next"
PORTAL_BASE = "portal/base.html"
BACKOFFICE_BASE = "backoffice/base.html"


def base_for(kind: str) -> str:
    return BACKOFFICE_BASE if kind == AccountKind.STAFF else PORTAL_BASE


def _default_next(kind: str) -> str:
    return reverse("backoffice:home" if kind == AccountKind.STAFF else "accounts:account")


def _safe_next(request: HttpRequest, candidate: str | None, kind: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return _default_next(kind)


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_up(
                id_number=data["id_number"],
                full_name=data["full_name"],
                birth_date=data["birth_date"],
                contact=data["contact"],
                password=data["password1"],
                request=request,
            )
        except DomainError as error:
            field = {"password": "password1", "contact": "contact"}.get(error.code)
            form.add_error(field, error.message)
        else:
            messages.success(
                request, _("Your account is open at e-ID level 1. Log in with your ID number.")
            )
            return redirect("accounts:login")
    return render(request, "identity/accounts/signup.html", {"form": form})


def _login(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = StaffLoginForm if kind == AccountKind.STAFF else CitizenLoginForm
    next_url = request.POST.get("next") or request.GET.get("next")
    if request.user.is_authenticated:
        return redirect(_safe_next(request, next_url, kind))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_flow.check_password(
                request, form.cleaned_data["username"], form.cleaned_data["password"], kind
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            target = _safe_next(request, next_url, kind)
            if login_flow.begin(request, user):
                return redirect(target)
            request.session[NEXT_KEY] = target
            if login_flow.has_second_factor(user):
                return redirect("accounts:login_code")
            return redirect("accounts:enrol")
    template = "backoffice/login.html" if kind == AccountKind.STAFF else None
    return render(
        request,
        template or "identity/accounts/login.html",
        {"form": form, "next": next_url or "", "base_template": base_for(kind)},
    )


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def citizen_login(request: HttpRequest) -> HttpResponse:
    return _login(request, AccountKind.CITIZEN)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    return _login(request, AccountKind.STAFF)


def _pending_or_restart(request: HttpRequest) -> login_flow.Pending | HttpResponse:
    pending = login_flow.pending(request)
    if pending is None:
        messages.error(request, _("Your login has expired. Enter your password again."))
        return redirect("accounts:login")
    return pending


def _after_second_factor(request: HttpRequest, user: User) -> HttpResponse:
    login_flow.finish(request, user)
    return redirect(request.session.pop(NEXT_KEY, None) or _default_next(user.kind))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = _pending_or_restart(request)
    if isinstance(pending, HttpResponse):
        return pending
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            login_flow.check_totp(request, pending.user, form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            return _after_second_factor(request, pending.user)
    context = {"form": form, "base_template": base_for(pending.kind)}
    return render(request, "identity/accounts/login_code.html", context)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_recovery(request: HttpRequest) -> HttpResponse:
    pending = _pending_or_restart(request)
    if isinstance(pending, HttpResponse):
        return pending
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            login_flow.check_recovery_code(request, pending.user, form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.warning(
                request,
                _("You logged in with a recovery code. Make new codes if few are left."),
            )
            return _after_second_factor(request, pending.user)
    context = {"form": form, "base_template": base_for(pending.kind)}
    return render(request, "identity/accounts/login_recovery.html", context)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: during a pending login, or from the account page."""
    user: User
    if request.user.is_authenticated and isinstance(request.user, User):
        user, finishing = request.user, False
    else:
        pending = _pending_or_restart(request)
        if isinstance(pending, HttpResponse):
            return pending
        user, finishing = pending.user, True
    if login_flow.has_second_factor(user):
        return redirect("accounts:account" if not finishing else "accounts:login_code")
    secret = login_flow.enrolment_secret(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = login_flow.confirm_enrolment(request, user, form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            next_url = _default_next(user.kind)
            if finishing:
                next_url = request.session.pop(NEXT_KEY, None) or next_url
                login_flow.finish(request, user)
            return _show_codes(request, user, codes, next_url)
    uri = totp.provisioning_uri(secret, user.get_username())
    context: dict[str, Any] = {
        "form": form,
        "secret": secret,
        "qr_svg": totp.qr_svg(uri),
        "base_template": base_for(user.kind),
    }
    return render(request, "identity/accounts/enrol.html", context)


def _show_codes(request: HttpRequest, user: User, codes: list[str], next_url: str) -> HttpResponse:
    context = {"codes": codes, "next_url": next_url, "base_template": base_for(user.kind)}
    return render(request, "identity/accounts/recovery_codes.html", context)
