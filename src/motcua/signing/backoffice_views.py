"""Certificate management for administrators, under /backoffice/signing/: the counts per
kind, the provincial CAs (read-only, with their CRLs), the certificates within the
administrator's scope, issuing officers' certificates and agency seals, revoking.

Issuing and revoking go through `signing.services`; a DomainError it raises is shown on
the page with its message and HTTP status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.exceptions import DomainError
from motcua.identity.models import Role
from motcua.identity.permissions import acting_user, require_role, role_required, scoped
from motcua.security.models import AuditAction
from motcua.security.services import record
from motcua.signing import pki, services
from motcua.signing.forms import (
    CertificateFilterForm,
    OfficerForm,
    RevokeForm,
    SealForm,
    Status,
)
from motcua.signing.models import END_ENTITY_KINDS, Certificate, CertificateKind

PAGE_SIZE = 25
ADMIN = Role.ADMINISTRATOR


def _certificates(request: HttpRequest) -> QuerySet[Certificate]:
    """End-entity certificates of agencies under the administrator's scope (citizens'
    certificates, which belong to no agency, only for province-wide administrators)."""
    return scoped(
        request.user,
        ADMIN,
        Certificate.objects.filter(kind__in=END_ENTITY_KINDS).select_related("holder", "agency"),
        agency_path="agency",
    )


def _filtered(queryset: QuerySet[Certificate], form: CertificateFilterForm) -> QuerySet:
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data["kind"]:
        queryset = queryset.filter(kind=data["kind"])
    if data["status"] == Status.LIVE:
        queryset = queryset.filter(revoked_at__isnull=True)
    elif data["status"] == Status.REVOKED:
        queryset = queryset.filter(revoked_at__isnull=False)
    if data["q"]:
        q = data["q"].strip()
        queryset = queryset.filter(Q(common_name__icontains=q) | Q(serial__icontains=q.lower()))
    return queryset


def _counts() -> list[dict[str, Any]]:
    """Issued and in force per end-entity kind, in a fixed order (zero when none)."""
    counts = services.counts_by_kind()
    return [
        {
            "kind": kind,
            "label": kind.label,
            "issued": counts.get(kind.value, 0),
            "live": counts.get(f"{kind.value}_live", 0),
        }
        for kind in END_ENTITY_KINDS
    ]


def _cas() -> list[dict[str, Any]]:
    cas = [ca for ca in (services.root_ca(), services.issuing_ca()) if ca is not None]
    return [
        {"certificate": ca, "crl_path": pki.crl_path(ca.serial) if ca.key_ref else ""} for ca in cas
    ]


def _list_page(
    request: HttpRequest,
    *,
    status: int = 200,
    officer_form: OfficerForm | None = None,
    seal_form: SealForm | None = None,
) -> HttpResponse:
    filters = CertificateFilterForm(request.GET or None)
    certificates = _filtered(_certificates(request), filters)
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    citizens = [c.serial for c in page.object_list if c.kind == CertificateKind.CITIZEN]
    if citizens:  # citizens' names on the page: a read of personal data
        record(
            AuditAction.READ,
            request=request,
            object_type="signing.certificate",
            object_repr="citizen certificates",
            purpose="certificate management",
            data={"certificates": citizens},
        )
    context = {
        "counts": _counts(),
        "cas": _cas(),
        "ca_ready": services.is_set_up(),
        "filters": filters,
        "page": page,
        "officer_form": officer_form or OfficerForm(),
        "seal_form": seal_form or SealForm(),
        "now": timezone.now(),
    }
    return render(request, "signing/backoffice/list.html", context, status=status)


@role_required(ADMIN)
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _issue(
    request: HttpRequest,
    kind: str,
    form: OfficerForm | SealForm,
    issued: str,
) -> HttpResponse:
    """Issue an officer's certificate or a seal from its form, for an agency within the
    administrator's scope; a refusal is shown on the list page with its message."""

    def page_with_errors(status: int) -> HttpResponse:
        officer = form if isinstance(form, OfficerForm) else None
        seal = form if isinstance(form, SealForm) else None
        return _list_page(request, status=status, officer_form=officer, seal_form=seal)

    if not form.is_valid():
        return page_with_errors(400)
    agency = form.cleaned_data["agency"]
    require_role(request, ADMIN, agency)
    holder = form.cleaned_data.get("username")  # officers only
    try:
        certificate = services.issue_certificate(
            kind, actor=acting_user(request), holder=holder, agency=agency
        )
    except DomainError as error:
        # The service's check that the holder works at the agency, shown by the username.
        field = "username" if error.code == "not_at_agency" else None
        form.add_error(field, error.message)
        return page_with_errors(error.status_code)
    messages.success(
        request, issued % {"serial": certificate.serial, "name": certificate.common_name}
    )
    return redirect("signing_backoffice:list")


@role_required(ADMIN)
@require_POST
def issue_officer(request: HttpRequest) -> HttpResponse:
    return _issue(
        request,
        CertificateKind.OFFICER,
        OfficerForm(request.POST),
        _("Certificate %(serial)s is issued to %(name)s."),
    )


@role_required(ADMIN)
@require_POST
def issue_seal(request: HttpRequest) -> HttpResponse:
    return _issue(
        request,
        CertificateKind.SEAL,
        SealForm(request.POST),
        _("Seal certificate %(serial)s is issued to %(name)s."),
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, serial: str) -> HttpResponse:
    """Confirm, then revoke one end-entity certificate the administrator has scope over."""
    certificate = get_object_or_404(
        Certificate.objects.filter(kind__in=END_ENTITY_KINDS).select_related("holder", "agency"),
        serial=serial,
    )
    require_role(request, ADMIN, certificate)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.revoke(
                    certificate, reason=form.cleaned_data["reason"], actor=acting_user(request)
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Certificate %(serial)s is revoked.") % {"serial": certificate.serial},
                )
                return redirect("signing_backoffice:list")
    context = {"certificate": certificate, "form": form, "now": timezone.now()}
    return render(request, "signing/backoffice/revoke.html", context, status=status)
