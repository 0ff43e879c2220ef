"""Staff pages. Each view checks the role, and the object's scope, before it reads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.backoffice.forms import AgencyFilterForm, CalendarOverrideForm, DueDateForm
from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency, CalendarOverride
from motcua.core.services import province_unit, remove_calendar_override, set_calendar_override
from motcua.identity.models import Role, RoleAssignment
from motcua.identity.permissions import STAFF_ROLES, require_role, role_required, scoped
from motcua.security.models import AuditRecord
from motcua.security.tasks import verify_audit_chain


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    assignments = RoleAssignment.objects.filter(user_id=request.user.pk or 0).select_related(
        "agency", "unit"
    )
    roles = {assignment.role for assignment in assignments}
    return render(
        request,
        "backoffice/home.html",
        {
            "assignments": assignments,
            "roles": roles,
            "Role": Role,
            "is_superuser": request.user.is_superuser,
        },
    )


@role_required()
def agency_list(request: HttpRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None)
    agencies = scoped(request.user, STAFF_ROLES, Agency.objects.all(), agency_path="")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        agencies = agencies.filter(Q(name__icontains=q) | Q(code__icontains=q))
    page = Paginator(agencies.select_related("unit", "parent"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "backoffice/agency_list.html", {"form": form, "page": page})


@role_required()
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("unit", "parent"), code=code)
    require_role(request, STAFF_ROLES, agency)
    staff = RoleAssignment.objects.filter(agency=agency).select_related("user").order_by("role")
    return render(
        request,
        "backoffice/agency_detail.html",
        {"agency": agency, "staff": staff, "children": agency.children.select_related("unit")},
    )


@role_required(Role.ADMINISTRATOR)
def calendar(request: HttpRequest) -> HttpResponse:
    province = province_unit()
    require_role(request, Role.ADMINISTRATOR, province)
    override_form = CalendarOverrideForm(request.POST or None)
    due_form = DueDateForm(request.GET if "start" in request.GET else None)
    if request.method == "POST" and override_form.is_valid():
        data = override_form.cleaned_data
        try:
            set_calendar_override(
                data["date"], data["kind"], data["reason"], by=request.user, request=request
            )
        except DomainError as exc:
            override_form.add_error(None, exc.message)
        else:
            messages.success(request, _("The calendar was changed."))
            return redirect("backoffice:calendar")
    due = None
    if due_form.is_valid():
        due = WorkingCalendar().add_working_days(
            due_form.cleaned_data["start"], due_form.cleaned_data["working_days"]
        )
    return render(
        request,
        "backoffice/calendar.html",
        {
            "override_form": override_form,
            "due_form": due_form,
            "due": due,
            "overrides": CalendarOverride.objects.select_related("created_by"),
        },
    )


@require_POST
@role_required(Role.ADMINISTRATOR)
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request, Role.ADMINISTRATOR, province_unit())
    override = get_object_or_404(CalendarOverride, pk=pk)
    remove_calendar_override(override, by=request.user, request=request)
    messages.success(request, _("The date follows the national calendar again."))
    return redirect("backoffice:calendar")


@role_required(Role.SECURITY_OFFICER)
def audit_trail(request: HttpRequest) -> HttpResponse:
    records = scoped(request.user, Role.SECURITY_OFFICER, AuditRecord.objects.all())
    action = request.GET.get("action", "")
    if action:
        records = records.filter(action=action)
    page = Paginator(records.select_related("agency").order_by("-sequence"), 50).get_page(
        request.GET.get("page")
    )
    from django_tasks_db.models import DBTaskResult

    last_check = (
        DBTaskResult.objects.filter(task_path=verify_audit_chain.module_path)
        .order_by("-enqueued_at")
        .first()
    )
    return render(
        request,
        "backoffice/audit.html",
        {
            "page": page,
            "action": action,
            "last_check": last_check,
            "actions": AuditRecord._meta.get_field("action").choices,
        },
    )


@require_POST
@role_required(Role.SECURITY_OFFICER)
def audit_verify(request: HttpRequest) -> HttpResponse:
    verify_audit_chain.enqueue()
    messages.success(
        request, _("The check of the whole audit trail has been queued; reload in a moment.")
    )
    return redirect("backoffice:audit")
