"""Officers' pages: the queue of organisation applications, one application, its documents.

Registry officers see the applications of the communes under their assignments;
province-wide officers see all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.exceptions import DomainError
from motcua.identity.models import Organisation, OrganisationDocument, OrganisationStatus, Role
from motcua.identity.organisations.forms import QueueFilterForm, RejectForm
from motcua.identity.organisations.services import approve, reject
from motcua.identity.permissions import acting_user, require_role, role_required, scoped
from motcua.security.models import AuditAction
from motcua.security.services import record

OFFICER = Role.REGISTRY_OFFICER
PAGE_SIZE = 50


def _in_scope(request: HttpRequest) -> QuerySet[Organisation]:
    return scoped(
        request.user, OFFICER, Organisation.objects.all(), agency_path=None, unit_path="commune"
    )


@role_required(OFFICER)
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    organisations = _in_scope(request)
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["commune"]:
            organisations = organisations.filter(commune=data["commune"])
        if data["q"]:
            q = data["q"].strip()
            organisations = organisations.filter(Q(code__icontains=q) | Q(name__icontains=q))
        status = data["status"]
    totals = {
        row["status"]: row["n"]
        for row in organisations.order_by().values("status").annotate(n=Count("pk"))
    }
    counts = [(value, label, totals.get(value, 0)) for value, label in OrganisationStatus.choices]
    if status:
        organisations = organisations.filter(status=status)
    page = Paginator(
        organisations.select_related("commune", "applicant").order_by("submitted_at", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "identity/organisations/queue.html",
        {"form": form, "page": page, "counts": counts, "status": status},
    )


def _detail(
    request: HttpRequest,
    organisation: Organisation,
    *,
    reject_form: RejectForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "organisation": organisation,
        "documents": organisation.documents.order_by("pk"),
        "members": organisation.members.select_related("user"),
        "reject_form": reject_form or RejectForm(),
        "error": error,
        "pending": organisation.status == OrganisationStatus.PENDING,
    }
    return render(request, "identity/organisations/detail.html", context, status=status)


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(
        Organisation.objects.select_related("commune", "applicant__citizen", "reviewed_by"), pk=pk
    )
    require_role(request, OFFICER, organisation)
    return organisation


@role_required(OFFICER)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    record(
        AuditAction.READ,
        request=request,
        obj=organisation,
        purpose="organisation application review",
    )
    return _detail(request, organisation)


@require_POST
@role_required(OFFICER)
def approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    try:
        approve(organisation, by=acting_user(request), request=request)
    except DomainError as exc:
        organisation.refresh_from_db()
        return _detail(request, organisation, error=exc.message, status=exc.status_code)
    messages.success(request, _("The organisation's account was approved."))
    return redirect("organisations_backoffice:detail", pk=organisation.pk)


@require_POST
@role_required(OFFICER)
def reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            reject(
                organisation,
                by=acting_user(request),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as exc:
            if exc.code == "reason_required":
                form.add_error("reason", exc.message)
                return _detail(request, organisation, reject_form=form, status=400)
            organisation.refresh_from_db()
            return _detail(request, organisation, error=exc.message, status=exc.status_code)
        messages.success(request, _("The application was rejected."))
        return redirect("organisations_backoffice:detail", pk=organisation.pk)
    return _detail(request, organisation, reject_form=form, status=400)


@role_required(OFFICER)
def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    organisation = _organisation(request, pk)
    item = get_object_or_404(OrganisationDocument, pk=document_pk, organisation=organisation)
    record(
        AuditAction.READ,
        request=request,
        obj=organisation,
        purpose="organisation document",
        data={"document": item.pk, "sha256": item.sha256},
    )
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
