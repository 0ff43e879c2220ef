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
from motcua.registry.idnumber import InvalidIdNumber, parse

# Prefix of the generated fields, so a procedure's field never clashes with ours.
FIELD_PREFIX = "ff_"


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
    """The procedure's fields, contact details and an optional authorised representative."""

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

    def __init__(self, procedure: Procedure, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.required_names: set[str] = set()
        # A fresh key each time the empty form is shown; a re-shown form keeps the posted one.
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        for spec in procedure.form_fields or []:
            name = FIELD_PREFIX + spec["name"]
            self.fields[name] = _procedure_field(spec)
            if spec.get("required"):
                self.required_names.add(name)

    def procedure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(FIELD_PREFIX)]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self["phone"], self["email"]]

    def representative_fields(self) -> list[forms.BoundField]:
        return [self["representative_name"], self["representative_id_number"]]

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
        return data

    def form_data(self) -> dict[str, Any]:
        """The procedure's fields as typed, keyed by the procedure's field names."""
        return {
            name.removeprefix(FIELD_PREFIX): self.cleaned_data.get(name, "")
            for name in self.fields
            if name.startswith(FIELD_PREFIX)
        }

    def add_form_data_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = FIELD_PREFIX + name
            self.add_error(field if field in self.fields else None, message)


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
