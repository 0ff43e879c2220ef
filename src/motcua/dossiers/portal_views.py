"""Citizen pages of the one-stop engine: public lookup, the procedure index with its
search, a procedure's page, online submission, the applicant's dossiers (with supplement,
withdrawal, payment, rating and the forms as PDF) and the notifications inbox.

Every change goes through the dossier services; a DomainError they raise is shown on the
page with what was typed, with the error's HTTP status.
"""

from __future__ import annotations

import unicodedata
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.models import Procedure
from motcua.core.exceptions import DomainError
from motcua.dossiers import interruptions, payments, selectors, slips
from motcua.dossiers.models import Dossier, DossierStatus, EventKind, Notification, Rating
from motcua.dossiers.portal_forms import (
    ApplicationForm,
    LookupForm,
    PaymentForm,
    RatingForm,
    SupplementForm,
    WithdrawForm,
)
from motcua.dossiers.services import Application, mark_notifications_read
from motcua.dossiers.submission import (
    IncompleteSubmission,
    form_problems,
    paper_problems,
    submit_with_papers,
)
from motcua.identity.accounts.level import require_eid_level
from motcua.identity.models import User
from motcua.identity.permissions import acting_user
from motcua.warehouse import reuse

LOGIN_URL = "accounts:login"
# Forms the applicant receives; 05 (control slip) and 06 (register) are internal.
APPLICANT_FORMS = ("01", "02", "03", "04")
# Events whose note is written to the applicant; other notes (appraisal opinions, hand-over
# remarks) are the officers' working notes.
PUBLIC_NOTE_KINDS = frozenset(
    {
        EventKind.SUPPLEMENT_REQUESTED,
        EventKind.REFUSED,
        EventKind.STOPPED,
        EventKind.WITHDRAWN,
        EventKind.APOLOGISED,
    }
)


# --- public lookup ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    # POST, so the owner's ID number stays out of addresses, logs and browser history.
    form = LookupForm(request.POST if request.method == "POST" else None)
    result, status = None, 200
    if form.is_bound and form.is_valid():
        try:
            result = selectors.public_lookup(
                request, form.cleaned_data["code"], form.cleaned_data["id_number"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status_code
    return render(
        request, "dossiers/portal/lookup.html", {"form": form, "result": result}, status=status
    )


# --- procedures and submission ----------------------------------------------------------


class SearchInput(forms.TextInput):
    input_type = "search"


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name or code"), max_length=100, required=False, widget=SearchInput
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)

    def __init__(self, data: Any, sectors: list[str]) -> None:
        super().__init__(data)
        choices = [("", gettext_lazy("All sectors")), *((name, name) for name in sectors)]
        cast(forms.ChoiceField, self.fields["sector"]).choices = choices


def _folded(text: str) -> str:
    """Text compared without case or Vietnamese diacritics, so "dang ky ket hon" typed
    on a phone finds "Đăng ký kết hôn"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@require_GET
def procedures(request: HttpRequest) -> HttpResponse:
    """The active procedures by sector, narrowed by name or code and by sector.

    Matched in Python rather than SQL: SQLite's LIKE ignores the case of ASCII letters
    only, and neither database ignores diacritics; the active catalog is a few thousand
    rows at most, all listed anyway when nothing is searched."""
    active = list(Procedure.objects.filter(is_active=True).order_by("sector", "name"))
    sectors = sorted({procedure.sector for procedure in active})
    form = ProcedureSearchForm(request.GET or None, sectors)
    searched = False
    if form.is_bound and form.is_valid():
        query = _folded(form.cleaned_data["q"].strip())
        sector = form.cleaned_data["sector"]
        searched = bool(query or sector)
        active = [
            procedure
            for procedure in active
            if (not sector or procedure.sector == sector)
            and (query in _folded(procedure.name) or query in _folded(procedure.code))
        ]
    context = {"procedures": active, "form": form, "searched": searched}
    return render(request, "dossiers/portal/procedures.html", context)


@require_GET
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure's facts, and for each paper whether the visitor must bring it.

    Logged in as a citizen, papers they already hold are shown as such. Listing which of
    one's own documents are held is not audited, as on "my documents" and in the
    submission wizard: only opening a document's file is (`warehouse.services`)."""
    procedure = get_object_or_404(
        Procedure.objects.prefetch_related("fees", "documents__document_type"),
        code=code,
        is_active=True,
    )
    user = request.user
    citizen = user.citizen if isinstance(user, User) and user.citizen_id else None
    context = {
        "procedure": procedure,
        "plan": reuse.plan(procedure, citizen),
        "citizen": citizen,
    }
    return render(request, "dossiers/portal/procedure.html", context)


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(
        Procedure.objects.prefetch_related("fees", "documents__document_type"),
        code=code,
        is_active=True,
    )
    # The level is the procedure's own, so the decorator is applied per request.
    return require_eid_level(procedure.eid_level)(_submit)(request, procedure)


def _submit(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    """The submission wizard: one page in four sections (about you, papers, fees, summary
    and confirmation). Whatever is wrong is shown next to its field at once, with what
    was typed; nothing is submitted or stored until everything is right."""
    user = acting_user(request)
    plan = reuse.plan(procedure, user.citizen)
    bound = request.method == "POST"
    form = ApplicationForm(
        procedure,
        request.POST if bound else None,
        request.FILES if bound else None,
        plan=plan,
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            app = Application(
                procedure=procedure,
                form_data=form.form_data(),
                phone=data["phone"].strip(),
                email=data["email"],
                representative_name=data["representative_name"].strip(),
                representative_id_number=data["representative_id_number"],
                idempotency_key=data["idempotency_key"],
            )
            try:
                dossier = submit_with_papers(user, app, form.uploads(), payment=form.payment())
            except IncompleteSubmission as error:
                form.add_submission_errors(error)
                status = error.status_code
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Your dossier was submitted. Its code is %(code)s.") % {"code": dossier.code},
                )
                return redirect("dossiers_portal:detail", code=dossier.code)
        else:
            # Also check the procedure's fields and the papers, so every mistake is shown
            # at once (the files are only checked, never stored).
            app = Application(procedure=procedure, form_data=form.form_data())
            form.add_form_data_errors(form_problems(app))
            form.add_paper_errors(paper_problems(plan, form.uploads())[1])
            status = 400
    context = {
        "procedure": procedure,
        "form": form,
        "plan": plan,
        "citizen": user.citizen,
        "fee_total": sum(fee.amount for fee in procedure.fees.all()),
    }
    return render(request, "dossiers/portal/submit.html", context, status=status)


# --- my dossiers ------------------------------------------------------------------------


def _owned(request: HttpRequest, code: str) -> Dossier:
    """The user's own dossier; anyone else's code answers 404, as if it did not exist."""
    return get_object_or_404(
        selectors.applicant_dossiers(acting_user(request)).select_related("receiving_agency"),
        code=code,
    )


@login_required(login_url=LOGIN_URL)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    dossiers = selectors.applicant_dossiers(acting_user(request)).order_by("-submitted_at", "-pk")
    page = Paginator(dossiers, 20).get_page(request.GET.get("page"))
    return render(request, "dossiers/portal/mine.html", {"page": page})


def _detail(
    request: HttpRequest, dossier: Dossier, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The dossier page; `forms` replaces the blank form of the action that was posted."""
    supplement = getattr(dossier, "supplement_request", None)
    can_supplement = dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    can_withdraw = dossier.status in interruptions.UNFINISHED
    can_pay = dossier.fees_outstanding > 0 and dossier.status in payments.PAYABLE
    can_rate = (
        dossier.status == DossierStatus.RESULT_RETURNED
        and not Rating.objects.filter(dossier=dossier).exists()
    )
    version = {"version": dossier.version}
    names = _form_names()
    context = {
        "dossier": dossier,
        "events": dossier.events.order_by("at", "pk"),
        "supplement": supplement,
        "can_supplement": can_supplement,
        "can_withdraw": can_withdraw,
        "can_pay": can_pay,
        "can_rate": can_rate,
        "rating": Rating.objects.filter(dossier=dossier).first(),
        "supplement_form": forms.get("supplement_form") or SupplementForm(initial=version),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "pdf_forms": [
            (number, names[number])
            for number in slips.available_forms(dossier)
            if number in APPLICANT_FORMS
        ],
        "public_note_kinds": PUBLIC_NOTE_KINDS,
        "papers_not_asked": dossier.papers_reused + dossier.papers_from_registry,
        "papers": dossier.warehouse_links.select_related("document__document_type").order_by("pk"),
    }
    return render(request, "dossiers/portal/detail.html", context, status=status)


def _form_names() -> dict[str, str]:
    return {
        "01": _("Receipt and appointment slip"),
        "02": _("Request to supplement the dossier"),
        "03": _("Refusal of the dossier"),
        "04": _("Apology and new return date"),
    }


@login_required(login_url=LOGIN_URL)
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _owned(request, code))


def _failed(form: Any, error: Exception) -> int:
    """Put a refused action's message on its form; the HTTP status to answer with."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
        return error.status_code
    form.add_error(None, str(error) or _("You cannot do this on this dossier."))
    return 403


@login_required(login_url=LOGIN_URL)
@require_POST
def provide_supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _owned(request, code)
    form = SupplementForm(request.POST)
    if not form.is_valid():
        return _detail(request, dossier, status=400, supplement_form=form)
    try:
        interruptions.provide_supplement(
            dossier,
            acting_user(request),
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        )
    except (DomainError, PermissionDenied) as error:
        status = _failed(form, error)
        dossier.refresh_from_db()
        return _detail(request, dossier, status=status, supplement_form=form)
    messages.success(request, _("The supplement was sent; handling of your dossier resumes."))
    return redirect("dossiers_portal:detail", code=dossier.code)


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks for confirmation; POST withdraws."""
    dossier = _owned(request, code)
    if request.method == "GET":
        form = WithdrawForm(initial={"version": dossier.version})
        return _confirm_withdraw(request, dossier, form)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _confirm_withdraw(request, dossier, form, status=400)
    try:
        interruptions.withdraw(
            dossier,
            acting_user(request),
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except (DomainError, PermissionDenied) as error:
        status = _failed(form, error)
        dossier.refresh_from_db()
        return _confirm_withdraw(request, dossier, form, status=status)
    messages.success(request, _("Your dossier was withdrawn."))
    return redirect("dossiers_portal:detail", code=dossier.code)


def _confirm_withdraw(
    request: HttpRequest, dossier: Dossier, form: WithdrawForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "dossier": dossier,
        "form": form,
        "allowed": dossier.status in interruptions.UNFINISHED,
    }
    return render(request, "dossiers/portal/withdraw.html", context, status=status)


@login_required(login_url=LOGIN_URL)
@require_POST
def pay(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _owned(request, code)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _detail(request, dossier, status=400, payment_form=form)
    try:
        payments.record_payment(
            dossier,
            acting_user(request),
            amount=dossier.fees_outstanding,
            method=form.cleaned_data["method"],
            reference=form.cleaned_data["reference"],
        )
    except (DomainError, PermissionDenied) as error:
        status = _failed(form, error)
        dossier.refresh_from_db()
        return _detail(request, dossier, status=status, payment_form=form)
    messages.success(request, _("Your payment was recorded."))
    return redirect("dossiers_portal:detail", code=dossier.code)


@login_required(login_url=LOGIN_URL)
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _owned(request, code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _detail(request, dossier, status=400, rating_form=form)
    try:
        payments.rate(
            dossier,
            acting_user(request),
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
        )
    except (DomainError, PermissionDenied) as error:
        status = _failed(form, error)
        return _detail(request, dossier, status=status, rating_form=form)
    messages.success(request, _("Thank you for rating the service."))
    return redirect("dossiers_portal:detail", code=dossier.code)


@login_required(login_url=LOGIN_URL)
@require_GET
def form_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    dossier = _owned(request, code)
    if number not in APPLICANT_FORMS:
        raise Http404
    try:
        pdf = slips.render(
            dossier,
            number,
            lookup_url=request.build_absolute_uri(reverse("dossiers_portal:lookup")),
            language=translation.get_language() or "vi",
        )
    except ValueError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{number}.pdf"'
    return response


# --- notifications ----------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=acting_user(request)).select_related("dossier")
    page = Paginator(notifications.order_by("-created_at", "-pk"), 30).get_page(
        request.GET.get("page")
    )
    unread = notifications.filter(read_at=None).count()
    return render(request, "dossiers/portal/inbox.html", {"page": page, "unread": unread})


@login_required(login_url=LOGIN_URL)
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    mark_notifications_read(acting_user(request))
    return redirect("dossiers_portal:inbox")


@require_GET
def unread_count(request: HttpRequest) -> HttpResponse:
    """The header's unread count, fetched by htmx so every portal page can show it."""
    count = 0
    if request.user.is_authenticated:
        count = Notification.objects.filter(user=request.user, read_at=None).count()
    response = render(request, "dossiers/portal/_unread.html", {"count": count})
    response["Cache-Control"] = "no-store"
    return response
