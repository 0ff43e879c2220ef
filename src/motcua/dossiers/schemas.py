"""Schemas of the dossier API: what a client may send (cleaned of what the database cannot
store) and every answer, errors included, so the OpenAPI document is complete."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, field_validator

from motcua.dossiers.models import PaymentMethod

MAX_FORM_DATA_CHARS = 100_000
BIG = 2_147_483_647


# --- input ------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    # NUL and lone surrogates cannot be stored (PostgreSQL refuses them, SQLite cannot
    # encode them); refuse them here instead of failing in the database.
    if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
        raise ValueError(_("The text contains characters that are not allowed."))
    return value


def _clean_email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("Enter a valid e-mail address.")) from None
    return value


def _clean_moment(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not 2000 <= value.year <= 2999:
        raise ValueError(_("Enter a date between the years 2000 and 2999."))
    return value


def _walk_text(value: Any) -> None:
    if isinstance(value, str):
        clean_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            clean_text(str(key))
            _walk_text(item)
    elif isinstance(value, list):
        for item in value:
            _walk_text(item)


Text = Annotated[str, AfterValidator(clean_text)]
Email = Annotated[str, AfterValidator(clean_text), AfterValidator(_clean_email)]
Moment = Annotated[dt.datetime, AfterValidator(_clean_moment)]
Version = Field(None, ge=1, le=BIG, description="The version the form was built from.")
Username = Field(None, min_length=1, max_length=150, description="Hand the next step to them.")
Reason = Field(..., max_length=2000)
NoNul = r"^[^\x00]*$"


class ApplicationIn(Schema):
    procedure_code: Text = Field(..., min_length=1, max_length=32)
    form_data: dict[str, Any] = Field(default_factory=dict)
    agency_code: Text | None = Field(None, min_length=1, max_length=32)
    phone: Text = Field("", max_length=20)
    email: Email = Field("", max_length=254)
    representative_name: Text = Field("", max_length=150)
    representative_id_number: Text = Field("", max_length=12)
    idempotency_key: Text | None = Field(None, min_length=1, max_length=64)

    @field_validator("form_data")
    @classmethod
    def _form_data(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value)) > MAX_FORM_DATA_CHARS:
            raise ValueError(_("The form data is too long."))
        _walk_text(value)
        return value


class CounterIn(ApplicationIn):
    id_number: Text = Field(..., min_length=1, max_length=13)
    channel: Literal["counter", "post"] = "counter"


class HandOverIn(Schema):
    version: int | None = Version
    to_username: Text | None = Username
    note: Text = Field("", max_length=2000)


class AppraiseIn(Schema):
    version: int | None = Version
    to_username: Text | None = Username
    opinion: Text = Field(..., max_length=4000)


class ApproveIn(Schema):
    version: int | None = Version
    to_username: Text | None = Username
    result_summary: Text = Field(..., max_length=4000)


class ReturnIn(Schema):
    version: int | None = Version
    note: Text = Field("", max_length=2000)


class SupplementRequestIn(Schema):
    items: list[Annotated[Text, Field(max_length=500)]] = Field(..., min_length=1, max_length=50)
    reason: Text = Field("", max_length=2000)
    version: int | None = Version


class SupplementIn(Schema):
    note: Text = Field(..., max_length=2000)
    version: int | None = Version


class ReasonIn(Schema):
    reason: Text = Reason
    version: int | None = Version


class WithdrawIn(Schema):
    reason: Text = Field("", max_length=2000)
    version: int | None = Version


class TransferIn(Schema):
    agency_code: Text = Field(..., min_length=1, max_length=32)
    reason: Text = Reason
    version: int | None = Version


class ApologyIn(Schema):
    reason: Text = Reason
    new_due_at: Moment
    version: int | None = Version


class PaymentIn(Schema):
    amount: int = Field(..., ge=1, le=10**15)
    method: PaymentMethod
    reference: Text = Field(..., min_length=1, max_length=64)


class RatingIn(Schema):
    level: int = Field(..., ge=1, le=5)
    comment: Text = Field("", max_length=2000)


# --- output -----------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    code: str = ""


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class StepOut(Schema):
    step: str
    order: int
    role: str
    agency_code: str
    assignee: str
    handed_by: str
    started_at: dt.datetime
    allotted_hours: float
    due_at: dt.datetime
    completed_at: dt.datetime | None
    completed_by: str
    timeliness: str
    note: str


class EventOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    actor: str
    status_from: int | None
    status_to: int
    note: str


class SupplementOut(Schema):
    items: list[str]
    reason: str
    requested_at: dt.datetime
    provided_at: dt.datetime | None
    provided_note: str


class DossierOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    receiving_agency_code: str
    channel: str
    status: int
    status_label: str
    current_step: str
    applicant_name: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    promised_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    closed_at: dt.datetime | None
    timeliness: str
    fee_total: int
    fees_paid: int
    version: int


class DossierDetailOut(DossierOut):
    owner_id_number: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    representative_name: str
    representative_id_number: str
    form_data: dict[str, Any]
    result_summary: str
    supplement: SupplementOut | None
    steps: list[StepOut]
    events: list[EventOut]
    forms: list[str]
    actions: list[str]


class DossierPage(Schema):
    count: int
    items: list[DossierOut]


class TimelineOut(Schema):
    at: dt.datetime
    event: str
    status: str


class PublicStatusOut(Schema):
    code: str
    procedure: str
    agency: str
    status: str
    status_code: int
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    promised_at: dt.datetime | None
    timeline: list[TimelineOut]


class ApologyProposalOut(Schema):
    due_at: dt.datetime | None
    promised_at: dt.datetime | None
    proposed_new_due_at: dt.datetime | None


def errors(*codes: int) -> dict[int, Any]:
    """The error responses of an operation, for the OpenAPI document."""
    return {
        code: (ValidationErrorOut if code == 422 else ErrorOut) for code in sorted({422, *codes})
    }


SIGNED_IN = (401, 403)
ACTION = errors(*SIGNED_IN, 400, 404, 409)
