"""Registry officers raise a citizen's account to e-ID level 2 after checking the card."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.exceptions import DomainError
from motcua.identity.accounts import services
from motcua.identity.accounts.forms import Level2RaiseForm, Level2SearchForm
from motcua.identity.models import AccountKind, EidLevel, Role, User
from motcua.identity.permissions import acting_user, require_role, role_required, scoped
from motcua.security.models import AuditAction
from motcua.security.services import record

# Officers read registry data here to check a chip card in person; the audit says so.
LEVEL2_PURPOSE = "e-ID level 2 check against the chip card"


@role_required(Role.REGISTRY_OFFICER)
def level2_queue(request: HttpRequest) -> HttpResponse:
    search = Level2SearchForm(request.GET or None)
    found: User | None = None
    if search.is_valid():
        found = services.level2_candidate(search.cleaned_data["id_number"])
        if found is not None and found.citizen is not None:
            require_role(request, Role.REGISTRY_OFFICER, found.citizen)
            record(AuditAction.READ, request=request, obj=found.citizen, purpose=LEVEL2_PURPOSE)
        elif found is None:
            search.add_error("id_number", _("No citizen account has this ID number."))
    waiting = scoped(
        request.user,
        Role.REGISTRY_OFFICER,
        User.objects.filter(
            kind=AccountKind.CITIZEN, eid_level=EidLevel.LEVEL_1, is_active=True
        ).select_related("citizen"),
        agency_path=None,
        unit_path="citizen__permanent_commune",
    ).order_by("-date_joined")[:50]
    if waiting:
        record(
            AuditAction.READ,
            request=request,
            object_type="registry.citizen",
            object_repr="level-1 accounts waiting",
            purpose=LEVEL2_PURPOSE,
            data={"results": [account.username for account in waiting]},
        )
    context = {
        "search": search,
        "found": found,
        "raise_form": Level2RaiseForm(),
        "waiting": waiting,
    }
    return render(request, "identity/accounts/level2_queue.html", context)


@role_required(Role.REGISTRY_OFFICER)
@require_http_methods(["GET", "POST"])
def level2_raise(request: HttpRequest, id_number: str) -> HttpResponse:
    account = services.level2_candidate(id_number)
    if account is None or account.citizen is None:
        raise Http404(_("No citizen account has this ID number."))
    require_role(request, Role.REGISTRY_OFFICER, account.citizen)
    if request.method == "GET":
        record(AuditAction.READ, request=request, obj=account.citizen, purpose=LEVEL2_PURPOSE)
    form = Level2RaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.raise_to_level2(
                account, by=acting_user(request), place=form.cleaned_data["place"], request=request
            )
        except DomainError as error:
            form.add_error("place" if error.code == "place" else None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s's account is now at e-ID level 2.") % {"name": account.full_name},
            )
            return redirect("identity_backoffice:level2")
    return render(
        request, "identity/accounts/level2_raise.html", {"account": account, "form": form}
    )
