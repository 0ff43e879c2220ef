"""Citizen pages: apply for an organisation account, see one's applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.identity.accounts.level import require_eid_level
from motcua.identity.models import EidLevel, Organisation, OrganisationMember
from motcua.identity.organisations.forms import ApplicationForm
from motcua.identity.organisations.services import apply_for_organisation, is_level2_citizen
from motcua.identity.permissions import acting_user

FIELD_OF_ERROR = {
    "code_missing": "code",
    "code_format": "code",
    "code_check_digit": "code",
    "code_branch": "code",
    "already_approved": "code",
    "already_pending": "code",
    "documents_missing": "documents",
    "documents_too_many": "documents",
    "document_type": "documents",
    "document_too_large": "documents",
    "applicant_role": "applicant_role",
}


@login_required(login_url="accounts:login")
def my_organisations(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    applications = (
        Organisation.objects.filter(applicant=user)
        .select_related("commune")
        .order_by("-submitted_at", "-pk")
    )
    memberships = (
        OrganisationMember.objects.filter(user=user)
        .exclude(organisation__applicant=user)
        .select_related("organisation")
    )
    return render(
        request,
        "identity/organisations/my_organisations.html",
        {
            "applications": applications,
            "memberships": memberships,
            "can_apply": is_level2_citizen(user),
        },
    )


@require_eid_level(EidLevel.LEVEL_2)
def apply(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            apply_for_organisation(
                user,
                name=data["name"],
                code=data["code"],
                address=data["address"],
                commune=data["commune"],
                applicant_role=data["applicant_role"],
                documents=data["documents"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(FIELD_OF_ERROR.get(exc.code), exc.message)
        else:
            messages.success(request, _("Your application was sent. An officer will review it."))
            return redirect("organisations:mine")
    return render(request, "identity/organisations/apply.html", {"form": form})
