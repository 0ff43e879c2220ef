"""Catalog pages for the province's administrators: the list and one procedure's edit page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from motcua.catalog.forms import FilterForm, ProcedureForm, StepsForm
from motcua.catalog.models import EssentialService, Procedure
from motcua.catalog.services import set_step_template, update_procedure
from motcua.core.exceptions import DomainError
from motcua.core.services import province_unit
from motcua.identity.models import Role
from motcua.identity.permissions import acting_user, require_role, role_required


def _require_admin(request: HttpRequest) -> None:
    require_role(request, Role.ADMINISTRATOR, province_unit())


@role_required(Role.ADMINISTRATOR)
def procedure_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    sectors = list(Procedure.objects.order_by("sector").values_list("sector", flat=True).distinct())
    form = FilterForm(request.GET or None, sectors=sectors)
    procedures = Procedure.objects.all()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            procedures = procedures.filter(name__icontains=data["q"]) | procedures.filter(
                code__icontains=data["q"]
            )
        if data["sector"]:
            procedures = procedures.filter(sector=data["sector"])
        if data["online_level"]:
            procedures = procedures.filter(online_level=data["online_level"])
    essentials = EssentialService.objects.all()
    return render(
        request,
        "catalog/list.html",
        {
            "form": form,
            "procedures": procedures,
            "essential_total": essentials.count(),
            "essential_online": essentials.filter(provided_online=True).count(),
        },
    )


@role_required(Role.ADMINISTRATOR)
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_admin(request)
    procedure = get_object_or_404(Procedure, code=code)
    action = request.POST.get("action") if request.method == "POST" else None
    form = ProcedureForm(request.POST if action == "main" else None, instance=procedure)
    steps_form = StepsForm(
        request.POST if action == "steps" else None, initial=StepsForm.initial_for(procedure)
    )
    if action == "main" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in ProcedureForm.Meta.fields}
        procedure.refresh_from_db()
        try:
            update_procedure(procedure, actor=acting_user(request), **changes)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The procedure was saved."))
            return redirect("catalog:detail", code=procedure.code)
    if action == "steps" and steps_form.is_valid():
        try:
            set_step_template(procedure, steps_form.shares(), actor=acting_user(request))
        except DomainError as exc:
            steps_form.add_error(None, exc.message)
        else:
            messages.success(request, _("The step template was saved."))
            return redirect("catalog:detail", code=procedure.code)
    return render(
        request,
        "catalog/detail.html",
        {
            "procedure": procedure,
            "form": form,
            "steps_form": steps_form,
            "documents": procedure.documents.select_related("document_type"),
            "fees": procedure.fees.all(),
        },
    )
