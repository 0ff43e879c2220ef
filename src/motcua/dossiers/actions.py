"""The actions a dossier's back-office page offers: which ones the officer may take now,
their forms (with who the next step may be handed to), and performing one through the
services. The page itself is in `views.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import STEP_ORDER, Step
from motcua.core.exceptions import Conflict
from motcua.core.models import Agency
from motcua.dossiers import interruptions, payments, services
from motcua.dossiers.forms import (
    ACTION_FORMS,
    ActionForm,
)
from motcua.dossiers.models import Dossier, DossierStatus, DossierStep
from motcua.dossiers.transitions import DESK_STEPS, in_scope, open_step
from motcua.identity.models import Role, User
from motcua.identity.permissions import (
    has_role,
    scope_of,
)

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
