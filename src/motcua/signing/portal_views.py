"""The citizen's "My signature" pages, under /account/signature/: the free signing
certificate of a level-2 account (request, see, revoke, history), and signing one's own
application form with it, each signature confirmed with the authenticator app.

Every change goes through `signing.services`; a DomainError it raises is shown on the page
with its message and HTTP status, never as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.exceptions import DomainError
from motcua.dossiers.application_form import (
    TITLE,
    file_signed,
    form_lines,
    render_application_form,
)
from motcua.dossiers.models import Dossier
from motcua.identity.accounts.login import has_second_factor
from motcua.identity.models import AccountKind, EidLevel, User
from motcua.identity.permissions import acting_user
from motcua.signing import services
from motcua.signing.forms import RevokeForm, SignForm
from motcua.signing.models import Certificate, CertificateKind

LOGIN_URL = "accounts:login"
RECENT_DOSSIERS = 10


def citizen_required(view: Callable) -> Callable:
    """Log in at the citizen login first; these pages are for citizen accounts only."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if acting_user(request).kind != AccountKind.CITIZEN:
            raise PermissionDenied(_("These pages are for citizens' accounts."))
        return view(request, *args, **kwargs)

    return wrapper


def signable_dossiers(user: User) -> QuerySet[Dossier]:
    """Dossiers whose application form `user` may sign: those they submitted or applied
    with, and their own (as the person in the registry) when not an organisation's."""
    mine = Q(applicant_user=user) | Q(submitted_by=user)
    if user.citizen_id is not None:
        mine |= Q(citizen_id=user.citizen_id, organisation__isnull=True)
    return Dossier.objects.filter(mine).select_related("procedure", "receiving_agency")


def _own_certificates(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(holder=user, kind=CertificateKind.CITIZEN)


def _page(
    request: HttpRequest,
    *,
    status: int = 200,
    error: str = "",
    revoke_form: RevokeForm | None = None,
) -> HttpResponse:
    user = acting_user(request)
    current = services.certificate_of(user, CertificateKind.CITIZEN)
    history = _own_certificates(user)
    if current is not None:
        history = history.exclude(pk=current.pk)
    context = {
        "account": user,
        "certificate": current,
        "history": history,
        "can_request": user.eid_level >= EidLevel.LEVEL_2 and user.citizen_id is not None,
        "ca_ready": services.is_set_up(),
        "has_second_factor": has_second_factor(user),
        "revoke_form": revoke_form or RevokeForm(),
        "dossiers": signable_dossiers(user).order_by("-submitted_at", "-pk")[:RECENT_DOSSIERS],
        "error": error,
        "now": timezone.now(),
    }
    return render(request, "signing/portal/mine.html", context, status=status)


@citizen_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return _page(request)


@citizen_required
@require_POST
def request_certificate(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    try:
        services.issue_certificate(CertificateKind.CITIZEN, actor=user, holder=user)
    except DomainError as error:
        # A second click while the first is in force lands here too (a Conflict).
        return _page(request, status=error.status_code, error=error.message)
    messages.success(request, _("Your signing certificate is issued. You can now sign."))
    return redirect("signing_portal:mine")


@citizen_required
@require_POST
def revoke_certificate(request: HttpRequest, serial: str) -> HttpResponse:
    user = acting_user(request)
    certificate = get_object_or_404(_own_certificates(user), serial=serial)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, revoke_form=form)
    try:
        services.revoke(certificate, reason=form.cleaned_data["reason"], actor=user)
    except DomainError as error:
        return _page(request, status=error.status_code, error=error.message)
    messages.success(request, _("Your signing certificate is revoked."))
    return redirect("signing_portal:mine")


def _filename(dossier: Dossier) -> str:
    safe = "".join(c if c.isalnum() or c in "-._" else "-" for c in dossier.code)
    return f"{safe}-application-signed.pdf"


@sensitive_post_parameters("code")
@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, code: str) -> HttpResponse:
    """The application form of one of the user's dossiers, signed with their certificate
    once the authenticator code is right; anyone else's dossier answers 404."""
    user = acting_user(request)
    dossier = get_object_or_404(signable_dossiers(user), code=code)
    form = SignForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            pdf = render_application_form(dossier)
            title = f"{TITLE}: {dossier.procedure.name} ({dossier.code})"[:255]
            try:
                signed_pdf, _signed = services.sign_as_citizen(
                    pdf,
                    user=user,
                    second_factor_code=form.cleaned_data["code"],
                    title=title,
                    request=request,
                    keep=lambda data: file_signed(dossier, user, data),
                )
            except DomainError as error:
                form.add_error("code" if error.code == "invalid_code" else None, error.message)
                status = error.status_code
            else:
                response = HttpResponse(signed_pdf, content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="{_filename(dossier)}"'
                return response
    context = {
        "dossier": dossier,
        "lines": form_lines(dossier),
        "form": form,
        "certificate": services.certificate_of(user, CertificateKind.CITIZEN),
        "has_second_factor": has_second_factor(user),
    }
    return render(request, "signing/portal/sign.html", context, status=status)
