"""The citizen's own account: overview, password, recovery codes; the level-2 explanation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.exceptions import DomainError
from motcua.identity.accounts import login as login_flow
from motcua.identity.accounts import services
from motcua.identity.accounts.views import _show_codes, base_for
from motcua.identity.models import AccountSession, RecoveryCode, User
from motcua.identity.permissions import acting_user
from motcua.security.models import AuditAction, AuditRecord

LOGIN_URL = "accounts:login"


def login_history(user: User, limit: int = 20) -> list[AuditRecord]:
    """The account's last logins and failed logins (a failed password names only the
    login tried, so those are matched by name)."""
    mine = Q(object_id=str(user.pk)) | Q(object_id="", object_repr=user.get_username())
    return list(
        AuditRecord.objects.filter(
            mine,
            object_type="identity.user",
            action__in=[AuditAction.LOGIN, AuditAction.LOGIN_FAILED],
        ).order_by("-sequence")[:limit]
    )


@login_required(login_url=LOGIN_URL)
def account(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    citizen = user.citizen
    context = {
        "account": user,
        "citizen": citizen,
        "sessions": AccountSession.objects.filter(user=user, ended_at__isnull=True).order_by(
            "-created_at"
        ),
        "current_key": request.session.session_key,
        "history": login_history(user),
        "has_second_factor": login_flow.has_second_factor(user),
        "needs_second_factor": login_flow.needs_second_factor(user),
        "codes_left": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
        "base_template": base_for(user.kind),
    }
    return render(request, "identity/accounts/account.html", context)


@login_required(login_url=LOGIN_URL)
@require_POST
def regenerate_codes(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    try:
        codes = login_flow.regenerate_recovery_codes(request, user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("accounts:account")
    return _show_codes(request, user, codes, "/account/")


@sensitive_post_parameters()
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = acting_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(request, user, form.cleaned_data["new_password1"])
        messages.success(
            request, _("Your password is changed. You were logged out everywhere else.")
        )
        return redirect("accounts:account")
    context = {"form": form, "base_template": base_for(user.kind)}
    return render(request, "identity/accounts/password_change.html", context)


def level2_needed(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/accounts/level2_needed.html", {"base_template": base_for("")})
