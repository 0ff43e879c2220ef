"""Forms of the citizen pages: public lookup, online submission and the applicant's actions
on a dossier (supplement, withdrawal, payment, rating).

The application form only shapes what is typed; the procedure's own rules are checked by
`dossiers.formdata` inside the submission service, whose errors the view puts back next
to each field.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.formdata import MAX_TEXT
from motcua.dossiers.models import PaymentMethod, Satisfaction
from motcua.dossiers.submission import IncompleteSubmission, Payment
from motcua.registry.idnumber import InvalidIdNumber, parse
from motcua.warehouse.reuse import Plan, Source

# Prefix of the generated fields, so a procedure's field never clashes with ours.
FIELD_PREFIX = "ff_"
# Prefix of the upload fields, one per paper to hand in, named by document type code.
PAPER_PREFIX = "paper_"
ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PaperField(forms.FileField):
    """One paper: a PDF, or several photos of its pages (they become one PDF)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(PaperField, self).clean(item, initial) for item in items if item]


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=48,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    id_number = forms.CharField(
        label=_("Owner's ID number"),
        # 12 digits for a person; an organisation's dossier is owned by its enterprise code.
        max_length=14,
        help_text=_(
            "The personal ID number of the person the dossier is for, or the enterprise "
            "code of the organisation."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _procedure_field(spec: dict[str, Any]) -> forms.Field:
    kind = spec.get("type", "text")
    required = bool(spec.get("required"))
    attrs: dict[str, Any] = {"aria-required": "true", "required": True} if required else {}
    label = spec.get("label") or spec["name"]
    # Not required for Django: the submission service checks presence together with the
    # other rules, so every field's problem is reported in one go.
    if kind == "choice":
        choices = [("", "—"), *((value, value) for value in spec.get("choices", []))]
        return forms.ChoiceField(
            label=label, choices=choices, required=False, widget=forms.Select(attrs=attrs)
        )
    if kind == "date":
        widget: forms.Widget = forms.DateInput(attrs={**attrs, "type": "date"})
    elif kind == "number":
        widget = forms.TextInput(attrs={**attrs, "inputmode": "numeric"})
    elif kind == "id_number":
        widget = forms.TextInput(attrs={**attrs, "inputmode": "numeric", "autocomplete": "off"})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, max_length=MAX_TEXT, widget=widget)


class ApplicationForm(forms.Form):
    """The submission wizard's one form: the procedure's fields, contact details, an
    optional authorised representative, the papers to upload, the payment reference when
    there are fees, and the applicant's confirmation."""

    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    representative_name = forms.CharField(
        label=_("Authorised representative's full name"), max_length=150, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Authorised representative's ID number"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that the information and papers above are true and complete."),
        error_messages={"required": _("Tick this box to confirm before submitting.")},
        widget=forms.CheckboxInput(attrs={"aria-required": "true"}),
    )

    def __init__(
        self, procedure: Procedure, *args: Any, plan: Plan | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.plan = plan or Plan()
        self.required_names: set[str] = set()
        # A fresh key each time the empty form is shown; a re-shown form keeps the posted one.
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        for spec in procedure.form_fields or []:
            name = FIELD_PREFIX + spec["name"]
            self.fields[name] = _procedure_field(spec)
            if spec.get("required"):
                self.required_names.add(name)
        for paper in self.plan.to_upload:
            name = PAPER_PREFIX + paper.code
            # Presence is checked by the submission service with the files' contents.
            self.fields[name] = PaperField(
                label=paper.document_type.name,
                required=False,
                help_text=_("One PDF, or photos of its pages (JPEG or PNG)."),
            )
            if paper.required:
                self.required_names.add(name)
        self.has_fees = any(fee.amount for fee in procedure.fees.all())
        if self.has_fees:
            self.fields["payment_method"] = forms.ChoiceField(
                label=_("Payment method"),
                choices=[("", "—"), *PaymentMethod.choices],
                required=False,
            )
            self.fields["payment_reference"] = forms.CharField(
                label=_("Payment reference (if you have paid)"),
                max_length=64,
                required=False,
                help_text=_(
                    "The transaction number on your receipt. You can also pay later from "
                    "the dossier's page."
                ),
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def procedure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(FIELD_PREFIX)]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self["phone"], self["email"]]

    def representative_fields(self) -> list[forms.BoundField]:
        return [self["representative_name"], self["representative_id_number"]]

    def payment_fields(self) -> list[forms.BoundField]:
        if not self.has_fees:
            return []
        return [self["payment_method"], self["payment_reference"]]

    def paper_rows(self) -> list[tuple[Any, forms.BoundField | None]]:
        """Each paper of the plan with its upload field (None when it is not asked for)."""
        return [
            (paper, self[PAPER_PREFIX + paper.code] if paper.source == Source.UPLOAD else None)
            for paper in self.plan.papers
        ]

    def clean_representative_id_number(self) -> str:
        value = self.cleaned_data["representative_id_number"].strip()
        if not value:
            return ""
        try:
            return parse(value).number
        except InvalidIdNumber as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("representative_name") or "").strip()
        number = data.get("representative_id_number") or ""
        if name and not number and "representative_id_number" not in self.errors:
            self.add_error("representative_id_number", _("Give the representative's ID number."))
        if number and not name:
            self.add_error("representative_name", _("Give the representative's full name."))
        if self.has_fees:
            reference = (data.get("payment_reference") or "").strip()
            if reference and not data.get("payment_method"):
                self.add_error("payment_method", _("Choose how you paid."))
        return data

    def form_data(self) -> dict[str, Any]:
        """The procedure's fields as typed, keyed by the procedure's field names."""
        return {
            name.removeprefix(FIELD_PREFIX): self.cleaned_data.get(name, "")
            for name in self.fields
            if name.startswith(FIELD_PREFIX)
        }

    def uploads(self) -> dict[str, list[Any]]:
        """The files of each paper, keyed by document type code (read from the request, so
        this works whether or not the rest of the form is valid)."""
        getlist = getattr(self.files, "getlist", None)
        if getlist is None:
            return {}
        return {
            paper.code: [f for f in getlist(PAPER_PREFIX + paper.code) if f]
            for paper in self.plan.to_upload
        }

    def payment(self) -> Payment | None:
        reference = (self.cleaned_data.get("payment_reference") or "").strip()
        if not self.has_fees or not reference:
            return None
        return Payment(self.cleaned_data.get("payment_method") or "", reference)

    def add_form_data_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = FIELD_PREFIX + name
            self.add_error(field if field in self.fields else None, message)

    def add_paper_errors(self, errors: dict[str, str]) -> None:
        for code, message in errors.items():
            field = PAPER_PREFIX + code
            self.add_error(field if field in self.fields else None, message)

    def add_submission_errors(self, error: IncompleteSubmission) -> None:
        self.add_form_data_errors(error.fields)
        self.add_paper_errors(error.papers)
        if error.payment:
            target = "payment_reference" if self.has_fees else None
            self.add_error(target, error.payment)


class VersionedForm(forms.Form):
    """Carries the dossier version the page showed: acting on a dossier that changed since
    is refused with an explanation instead of applied blindly."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SupplementForm(VersionedForm):
    note = forms.CharField(
        label=_("What you are providing"),
        max_length=2000,
        help_text=_("Describe the papers or corrections you are handing in for each item."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=64,
        help_text=_("The transaction number on your receipt or bank statement."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with how this dossier was handled?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
