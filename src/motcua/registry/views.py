"""Registry pages for registry officers: search, citizen record, import, quality."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.exceptions import DomainError
from motcua.core.services import province_unit
from motcua.identity.models import Role
from motcua.identity.permissions import acting_user, has_role, require_role, role_required, scoped
from motcua.registry.forms import (
    PURPOSES,
    ImportForm,
    IssueFilterForm,
    PurposeForm,
    ResolveForm,
    SearchForm,
    communes_of_province,
)
from motcua.registry.imports import start_import
from motcua.registry.models import (
    Citizen,
    ImportJob,
    IssueStatus,
    QualityAttribute,
    QualityIssue,
    QualityScan,
    Severity,
)
from motcua.registry.quality.scores import commune_scores, province_scores
from motcua.registry.quality.services import resolve_issue
from motcua.registry.quality.tasks import run_quality_scan
from motcua.registry.rule_labels import rule_label
from motcua.registry.selectors import (
    READER_ROLES,
    CitizenQuery,
    audited_search,
    citizen_for_staff,
    reads_of,
)

OFFICER = Role.REGISTRY_OFFICER


@role_required(*READER_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, province_code=settings.MOTCUA_PROVINCE_CODE)
    results = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        query = CitizenQuery(data["q"], data["birth_date"], data["commune"])
        results = audited_search(request, query, data["purpose"])
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "results": results,
            "purposes": PURPOSES,
            "purpose": form.cleaned_data.get("purpose", "")
            if form.is_bound and form.is_valid()
            else "",
        },
    )


@role_required(*READER_ROLES)
def citizen_detail(request: HttpRequest, id_number: str) -> HttpResponse:
    form = PurposeForm(request.GET or None)
    if not form.is_valid():
        # Nothing personal is shown until the officer states why they look.
        return render(request, "registry/purpose.html", {"form": form, "purposes": PURPOSES})
    try:
        citizen = citizen_for_staff(request, id_number, form.cleaned_data["purpose"])
    except Citizen.DoesNotExist as exc:
        raise Http404 from exc
    issues = citizen.quality_issues.filter(status=IssueStatus.OPEN).order_by("rule")
    return render(
        request,
        "registry/citizen_detail.html",
        {
            "citizen": citizen,
            "memberships": citizen.current_memberships,  # type: ignore[attr-defined]
            "issues": [(issue, rule_label(issue.rule)) for issue in issues],
            "reads": reads_of(citizen),
            "purpose": form.cleaned_data["purpose"],
        },
    )


def _jobs_for(user) -> list[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by")
    if not has_role(user, OFFICER, province_unit()):
        jobs = jobs.filter(created_by=user)
    return list(jobs[:20])


@role_required(OFFICER)
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            start_import(form.cleaned_data["file"], by=acting_user(request), request=request)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request, _("The file was received; the import runs in the background.")
            )
            return redirect("registry:import")
    return render(request, "registry/import.html", {"form": form, "jobs": _jobs_for(request.user)})


def _job_in_reach(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=pk)
    if job.created_by_id != request.user.pk:
        require_role(request, OFFICER, province_unit())
    return job


@role_required(OFFICER)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's row, polled by HTMX while the job runs."""
    return render(request, "registry/import_row.html", {"job": _job_in_reach(request, pk)})


@role_required(OFFICER)
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_in_reach(request, pk)
    if not job.error_report:
        raise Http404
    name = f"loi-nhap-{job.pk}.csv"
    return FileResponse(job.error_report.open("rb"), as_attachment=True, filename=name)


@role_required(OFFICER)
def quality_dashboard(request: HttpRequest) -> HttpResponse:
    visible = set(
        scoped(
            request.user, OFFICER, communes_of_province(), agency_path=None, unit_path=""
        ).values_list("pk", flat=True)
    )
    rows = [row for row in commune_scores() if row.commune.pk in visible]
    rows.sort(key=lambda row: min(row.scores.values()) if row.scores else 100)
    overall = province_scores() if has_role(request.user, OFFICER, province_unit()) else None
    return render(
        request,
        "registry/quality.html",
        {
            "rows": rows,
            "overall": overall,
            "attributes": QualityAttribute.choices,
            "last_scan": QualityScan.objects.first(),
        },
    )


@require_POST
@role_required(OFFICER)
def quality_scan(request: HttpRequest) -> HttpResponse:
    require_role(request, OFFICER, province_unit())
    run_quality_scan.enqueue()
    messages.success(request, _("The quality scan has been queued; reload in a moment."))
    return redirect("registry:quality")


@role_required(OFFICER)
def issue_queue(request: HttpRequest) -> HttpResponse:
    form = IssueFilterForm(request.GET or None, province_code=settings.MOTCUA_PROVINCE_CODE)
    issues = scoped(
        request.user,
        OFFICER,
        QualityIssue.objects.filter(status=IssueStatus.OPEN),
        agency_path=None,
        unit_path="commune",
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["commune"]:
            issues = issues.filter(commune=data["commune"])
        if data["attribute"]:
            issues = issues.filter(attribute=data["attribute"])
        if data["rule"]:
            issues = issues.filter(rule=data["rule"])
    issues = issues.select_related("citizen", "other_citizen", "household", "commune")
    # Most severe first: high, medium, low (not their alphabetical order).
    ranked = issues.annotate(
        rank=Case(
            When(severity=Severity.HIGH, then=Value(0)),
            When(severity=Severity.MEDIUM, then=Value(1)),
            default=Value(2),
        )
    )
    page = Paginator(ranked.order_by("rank", "rule", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/issues.html",
        {
            "form": form,
            "page": page,
            "labels": {i.pk: rule_label(i.rule) for i in page},
            "purpose": _("Correcting registry data"),
        },
    )


@require_POST
@role_required(OFFICER)
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(QualityIssue, pk=pk)
    require_role(request, OFFICER, issue)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied(_("Choose fixed or dismissed."))
    try:
        resolve_issue(
            issue,
            status=form.cleaned_data["status"],
            by=acting_user(request),
            request=request,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The issue was updated."))
    if request.headers.get("HX-Request"):
        issue.refresh_from_db()
        return render(request, "registry/issue_done.html", {"issue": issue})
    return redirect(request.POST.get("next") or "registry:issues")
