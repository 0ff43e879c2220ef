"""The actions a dossier's back-office page offers: which ones the officer may take now,
their forms (with who the next step may be handed to), and performing one through the
services; and the papers of the dossier, filed into the warehouse by the officer at step 2.
The page itself is in `views.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import STEP_ORDER, DocumentType, ReuseSource, Step
from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import Agency
from motcua.dossiers import interruptions, payments, services
from motcua.dossiers.forms import (
    ACTION_FORMS,
    ActionForm,
    DigitisationForm,
)
from motcua.dossiers.models import Dossier, DossierStatus, DossierStep
from motcua.dossiers.transitions import DESK_STEPS, in_scope, open_step
from motcua.identity.models import Role, User
from motcua.identity.permissions import (
    has_role,
    scope_of,
)
from motcua.warehouse import selectors as warehouse
from motcua.warehouse.models import Document, DocumentKind
from motcua.warehouse.services import store_upload

# The step action, the status it needs and the step that follows.
STEP_ACTIONS: dict[str, tuple[str, int, str | None]] = {
    Step.RECEIVE: ("receive", DossierStatus.SUBMITTED, Step.DIGITISE),
    Step.DIGITISE: ("digitise", DossierStatus.RECEIVED, Step.APPRAISE),
    Step.APPRAISE: ("appraise", DossierStatus.PROCESSING, Step.APPROVE),
    Step.APPROVE: ("approve", DossierStatus.PROCESSING, Step.RETURN),
    Step.RETURN: ("return", DossierStatus.RESULT_READY, None),
}
STAFF_ACTING = interruptions.STAFF_ACTING


def _next_step(step: str) -> str | None:
    later = [s for s in Step if STEP_ORDER[s] == STEP_ORDER[step] + 1]
    return later[0].value if later else None


def _handover_people(dossier: Dossier, next_step: str | None) -> tuple[QuerySet[User], str]:
    """The active people who hold the next step's role over the agency it will run at."""
    if next_step is None:
        return User.objects.none(), ""
    template = dossier.procedure.steps.filter(step=next_step).first()
    if template is None:
        return User.objects.none(), ""
    agency = dossier.receiving_agency if next_step in DESK_STEPS else dossier.agency
    scope = scope_of(agency)
    people = (
        User.objects.filter(is_active=True)
        .filter(
            Q(role_assignments__role=template.role)
            & (
                Q(role_assignments__agency_id__in=scope.agency_ids)
                | Q(role_assignments__unit_id__in=scope.unit_ids)
            )
        )
        .distinct()
        .order_by("full_name", "username")
    )
    return people, str(template.get_role_display())


def _transfer_targets(dossier: Dossier) -> QuerySet[Agency]:
    return (
        Agency.objects.filter(is_active=True, level=dossier.agency.level)
        .exclude(pk=dossier.agency_id)
        .order_by("name")
    )


@dataclass
class Offer:
    """An action the officer may take now, with the form to show for it."""

    key: str
    form: ActionForm
    primary: bool = False


def form_kwargs(key: str, dossier: Dossier, row: DossierStep | None) -> dict[str, Any]:
    if key in ("receive", "digitise", "appraise", "approve") and row is not None:
        people, role_label = _handover_people(dossier, _next_step(row.step))
        return {"people": people, "role_label": role_label}
    if key == "transfer":
        return {"agencies": _transfer_targets(dossier)}
    return {}


def _initial(key: str, dossier: Dossier) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": dossier.version}
    if key == "apology":
        proposed = interruptions.propose_apology_date(dossier)
        if proposed is not None:
            initial["new_due_at"] = timezone.localtime(proposed)
    if key == "payment":
        initial["amount"] = dossier.fees_outstanding
    return initial


def allowed_actions(user: Any, dossier: Dossier) -> list[str]:
    """The actions `user` may take on `dossier` now, the open step's action first."""
    keys: list[str] = []
    status = dossier.status
    row = open_step(dossier)
    holds_step = row is not None and has_role(user, {row.role}, row.agency)
    if row is not None and holds_step:
        key, needed, _next = STEP_ACTIONS[row.step]
        if status == needed:
            keys.append(key)
    unfinished = status in interruptions.UNFINISHED
    if (
        holds_step
        and status in (DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.PROCESSING)
        and not hasattr(dossier, "supplement_request")
    ):
        keys.append("supplement")
    desk = in_scope(user, {Role.ONE_STOP_OFFICER}, dossier)
    if status == DossierStatus.SUPPLEMENT_REQUESTED and desk:
        keys.append("supplemented")
    if status in payments.PAYABLE and dossier.fees_outstanding and desk:
        keys.append("payment")
    acting = in_scope(user, STAFF_ACTING, dossier)
    if unfinished and acting and dossier.due_at is not None:
        keys.append("apology")
    if unfinished and acting:
        keys.extend(["transfer", "refuse"])
    if (unfinished or status == DossierStatus.FEES_DUE) and in_scope(user, {Role.LEADER}, dossier):
        keys.append("stop")
    return keys


def offers(user: Any, dossier: Dossier, posted: ActionForm | None = None) -> list[Offer]:
    row = open_step(dossier)
    offers = []
    for index, key in enumerate(allowed_actions(user, dossier)):
        if posted is not None and posted.key == key:
            form = posted
        else:
            cls = ACTION_FORMS[key]
            form = cls(initial=_initial(key, dossier), **form_kwargs(key, dossier, row))
        offers.append(Offer(key, form, primary=index == 0 and key in _step_keys()))
    return offers


def _step_keys() -> set[str]:
    return {key for key, _status, _next in STEP_ACTIONS.values()}


def perform(key: str, form: ActionForm, dossier: Dossier, user: User) -> str:
    """Run the action through its service function; returns the success message."""
    data = form.cleaned_data
    version = data["version"]
    to_user = data.get("to_user")
    if key == "receive":
        services.receive(dossier, user, version=version, to_user=to_user, note=data["note"])
        return _("The dossier was received; the deadline runs from now.")
    if key == "digitise":
        services.digitise(dossier, user, version=version, to_user=to_user, note=data["note"])
        return _("The papers are digitised; the dossier went for appraisal.")
    if key == "appraise":
        services.appraise(dossier, user, opinion=data["opinion"], version=version, to_user=to_user)
        return _("The appraisal went for approval.")
    if key == "approve":
        services.approve(
            dossier, user, result_summary=data["result_summary"], version=version, to_user=to_user
        )
        return _("The result was approved.")
    if key == "return":
        services.return_result(dossier, user, version=version, note=data["note"])
        return _("The result was returned to the applicant.")
    if key == "supplement":
        items = form.item_list()  # type: ignore[attr-defined]
        interruptions.request_supplement(
            dossier, user, items=items, reason=data["reason"], version=version
        )
        return _("The supplement request was sent to the applicant (form 02).")
    if key == "supplemented":
        interruptions.provide_supplement(dossier, user, note=data["note"], version=version)
        return _("The supplement was recorded; the dossier resumes.")
    if key == "refuse":
        interruptions.refuse(dossier, user, reason=data["reason"], version=version)
        return _("The dossier was refused (form 03).")
    if key == "stop":
        interruptions.stop(dossier, user, reason=data["reason"], version=version)
        return _("Handling of the dossier was stopped.")
    if key == "transfer":
        interruptions.transfer(
            dossier, user, to_agency=data["to_agency"], reason=data["reason"], version=version
        )
        return _("The dossier was transferred to %(agency)s.") % {"agency": data["to_agency"]}
    if key == "apology":
        interruptions.apologise(
            dossier, user, reason=data["reason"], new_due_at=data["new_due_at"], version=version
        )
        return _("The apology and the new return date were recorded (form 04).")
    if key == "payment":
        if version != dossier.version:
            raise Conflict(
                _("The dossier changed while you were working on it; check the fees still due."),
                code="stale",
            )
        payments.record_payment(
            dossier, user, amount=data["amount"], method=data["method"], reference=data["reference"]
        )
        return _("The payment was recorded.")
    raise Http404(key)


def rebound(form: ActionForm, dossier: Dossier) -> ActionForm:
    """The posted form again, carrying the dossier's current version: what the officer typed
    stays, and posting it once more acts on the dossier as it now is."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix("version")] = str(dossier.version)
    row = open_step(dossier)
    fresh = type(form)(data, **form_kwargs(form.key, dossier, row))
    fresh.is_valid()
    return fresh


# --- papers of the dossier (step 2: digitisation at the counter) -------------------------


@dataclass
class Paper:
    """A document type the procedure asks for, and what the dossier holds of it."""

    document_type: DocumentType
    required: bool
    from_registry: bool  # read from the population registry: never asked for on paper
    held: list[Document]

    @property
    def missing(self) -> bool:
        return self.required and not self.from_registry and not self.held


def may_digitise(user: Any, dossier: Dossier) -> bool:
    """Is the dossier at step 2 (digitise), and does the user hold that step's role over
    the agency it was handed to?"""
    row = open_step(dossier)
    return (
        dossier.status == DossierStatus.RECEIVED
        and row is not None
        and row.step == Step.DIGITISE
        and has_role(user, {row.role}, row.agency)
    )


def dossier_documents(dossier: Dossier) -> list[tuple[Document, str]]:
    """The dossier's warehouse documents with their role in it (handed in, reused, result),
    in the order they were filed."""
    roles = {
        link.document_id: link.get_role_display()
        for link in dossier.warehouse_links.all()  # type: ignore[attr-defined]
    }
    documents = (
        warehouse.documents_of_dossier(dossier)
        .select_related("file", "document_type")
        .order_by("created_at", "pk")
    )
    return [(document, str(roles.get(document.pk, ""))) for document in documents]


def papers(dossier: Dossier, documents: list[tuple[Document, str]] | None = None) -> list[Paper]:
    """Each document type of the procedure, with the dossier's documents of that type."""
    if documents is None:
        documents = dossier_documents(dossier)
    held: dict[int, list[Document]] = {}
    for document, _role in documents:
        if document.kind != DocumentKind.RESULT:
            held.setdefault(document.document_type_id, []).append(document)
    return [
        Paper(
            document_type=item.document_type,
            required=item.required,
            from_registry=item.document_type.reuse_source == ReuseSource.REGISTRY,
            held=held.get(item.document_type_id, []),
        )
        for item in dossier.procedure.documents.select_related("document_type")
    ]


def digitisation_form(dossier: Dossier, *args: Any) -> DigitisationForm:
    """The upload form of step 2: one input per paper the applicant hands in (papers read
    from the registry are not asked for)."""
    types = [(p.document_type, p.required) for p in papers(dossier) if not p.from_registry]
    return DigitisationForm(*args, document_types=types)


def file_scans(dossier: Dossier, user: User, form: DigitisationForm) -> list[Document]:
    """File each input's scan into the owner's warehouse, linked to the dossier.

    Each input is one document and is filed on its own: a file the warehouse refuses
    stores nothing for that input, and its reason is added to that input's errors; the
    other inputs' documents are kept (the officer hands in only the refused one again).
    """
    owner = warehouse.owner_of_dossier(dossier)
    if owner is None:
        raise DomainError(
            _("The dossier's owner is no longer in the registry; papers cannot be filed."),
            code="owner",
        )
    stored = []
    for name, document_type, files in form.chosen():
        try:
            stored.append(
                store_upload(
                    user,
                    owner=owner,
                    document_type=document_type,
                    files=files,
                    kind=DocumentKind.SCAN,
                    dossier=dossier,
                )
            )
        except DomainError as exc:  # uploads.Rejected, or the details refused
            form.add_error(name, exc.message)
    return stored
