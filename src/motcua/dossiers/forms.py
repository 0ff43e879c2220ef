"""Back-office forms of the one-stop engine: the inbox filter, one form per action on a
dossier (each carrying the dossier's version), the papers scanned at step 2 and the counter
intake."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import DocumentType, Procedure, Step
from motcua.core.models import Agency
from motcua.dossiers.models import Channel, PaymentMethod
from motcua.identity.models import User

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class InboxFilterForm(forms.Form):
    tab = forms.ChoiceField(
        label=_("Queue"),
        required=False,
        choices=[("mine", _("My queue")), ("agency", _("My agency's queue"))],
    )
    step = forms.ChoiceField(
        label=_("Step"), required=False, choices=[("", _("All steps")), *Step.choices]
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


class ActionForm(forms.Form):
    """One action on a dossier. The version is the dossier's as the page showed it: a post
    against an older version is refused instead of overwriting another officer's work."""

    key: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    button: ClassVar[Any] = ""
    hands_over: ClassVar[bool] = False

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, people: QuerySet[User] | None = None, role_label: str = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", self.key)
        super().__init__(*args, **kwargs)
        if self.hands_over:
            self.fields["to_user"] = PersonChoiceField(
                label=_("Hand the next step to"),
                queryset=people if people is not None else User.objects.none(),
                required=False,
                empty_label=_("Anyone who holds the role: %(role)s") % {"role": role_label},
            )


class ReceiveForm(ActionForm):
    key = "receive"
    title = _("Receive the dossier")
    button = _("Receive: the dossier is complete")
    hands_over = True
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA, max_length=2000)


class DigitiseForm(ActionForm):
    key = "digitise"
    title = _("Digitise the papers")
    button = _("Digitised: send for appraisal")
    hands_over = True
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA, max_length=2000)


class AppraiseForm(ActionForm):
    key = "appraise"
    title = _("Appraise and process")
    button = _("Send the appraisal for approval")
    hands_over = True
    opinion = forms.CharField(label=_("Appraisal opinion"), widget=TEXTAREA, max_length=2000)


class ApproveForm(ActionForm):
    key = "approve"
    title = _("Approve and sign")
    button = _("Approve the result")
    hands_over = True
    result_summary = forms.CharField(
        label=_("Result being approved"), widget=TEXTAREA, max_length=4000
    )


class ReturnForm(ActionForm):
    key = "return"
    title = _("Return the result")
    button = _("Result returned to the applicant")
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA, max_length=2000)


class SupplementForm(ActionForm):
    key = "supplement"
    title = _("Request a supplement")
    button = _("Send the supplement request")
    items = forms.CharField(
        label=_("Missing items"),
        help_text=_("One per line. A supplement is requested once only: list everything."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXTAREA, max_length=2000)

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class SupplementReceivedForm(ActionForm):
    key = "supplemented"
    title = _("Supplement handed in at the counter")
    button = _("Record the supplement")
    note = forms.CharField(label=_("What was handed in"), widget=TEXTAREA, max_length=2000)


class RefuseForm(ActionForm):
    key = "refuse"
    title = _("Refuse the dossier")
    button = _("Refuse")
    reason = forms.CharField(label=_("Reason for the refusal"), widget=TEXTAREA, max_length=2000)


class StopForm(ActionForm):
    key = "stop"
    title = _("Stop handling the dossier")
    button = _("Stop")
    reason = forms.CharField(label=_("Reason for stopping"), widget=TEXTAREA, max_length=2000)


class TransferForm(ActionForm):
    key = "transfer"
    title = _("Transfer to another agency")
    button = _("Transfer")
    to_agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    reason = forms.CharField(label=_("Reason for the transfer"), widget=TEXTAREA, max_length=2000)

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["to_agency"].queryset = agencies  # type: ignore[attr-defined]


class ApologyForm(ActionForm):
    key = "apology"
    title = _("Apologise and give a new return date")
    button = _("Record the apology")
    reason = forms.CharField(label=_("Reason for the delay"), widget=TEXTAREA, max_length=2000)
    new_due_at = forms.DateTimeField(
        label=_("New return date"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class PaymentForm(ActionForm):
    key = "payment"
    title = _("Record a payment")
    button = _("Record the payment")
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=1)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Payment reference"), max_length=64)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.key: form
    for form in (
        ReceiveForm,
        DigitiseForm,
        AppraiseForm,
        ApproveForm,
        ReturnForm,
        SupplementForm,
        SupplementReceivedForm,
        RefuseForm,
        StopForm,
        TransferForm,
        ApologyForm,
        PaymentForm,
    )
}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files for one document (a PDF, or the scanned pages as images)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class DigitisationForm(forms.Form):
    """The paper inputs of a dossier scanned at the counter (step 2): one file input per
    document type the procedure asks for. Each input becomes one warehouse document; the
    warehouse's pipeline checks the files, so a refusal is added to its input."""

    prefix = "scan"

    def __init__(self, *args: Any, document_types: list[tuple[DocumentType, bool]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.document_types: dict[str, DocumentType] = {}
        for document_type, required in document_types:
            name = f"type_{document_type.pk}"
            self.document_types[name] = document_type
            label = str(document_type)
            if not required:
                label = _("%(name)s (optional)") % {"name": label}
            self.fields[name] = MultipleFileField(
                label=label,
                required=False,
                help_text=_("A PDF, or one or more JPEG/PNG scans: they become one PDF."),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(cleaned.get(name) for name in self.document_types):
            raise forms.ValidationError(_("Choose the file(s) of at least one paper."))
        return cleaned

    def chosen(self) -> list[tuple[str, DocumentType, list[Any]]]:
        """(field name, document type, files) for every input given files."""
        return [
            (name, document_type, self.cleaned_data[name])
            for name, document_type in self.document_types.items()
            if self.cleaned_data.get(name)
        ]


class ProcedureChoiceForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=Procedure.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
        empty_label=_("Choose a procedure"),
    )


FIELD_PREFIX = "data__"


def _procedure_field(spec: dict[str, Any]) -> forms.Field:
    kind = spec.get("type", "text")
    common: dict[str, Any] = {
        "label": spec.get("label") or spec["name"],
        "required": bool(spec.get("required")),
    }
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "number":
        return forms.IntegerField(**common)
    if kind == "choice":
        choices = [("", "—"), *[(c, c) for c in spec.get("choices", [])]]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "id_number":
        return forms.CharField(
            max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common
        )
    return forms.CharField(max_length=2000, **common)


class IntakeForm(forms.Form):
    """A paper dossier handed in at the counter (or by post). The hidden key is made when
    the form is shown, so a double click on "Receive" creates one dossier."""

    procedure = forms.CharField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    id_number = forms.CharField(
        label=_("Applicant's ID number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
    )
    agency = forms.ModelChoiceField(
        label=_("Receiving agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("The applicant's commune (or the service centre)"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    representative_name = forms.CharField(
        label=_("Authorised representative"), max_length=150, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Representative's ID number"), max_length=12, required=False
    )

    def __init__(
        self, *args: Any, procedure: Procedure, agencies: QuerySet[Agency], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("procedure", procedure.code)
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.chosen_procedure = procedure
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
        for spec in procedure.form_fields or []:
            self.fields[FIELD_PREFIX + spec["name"]] = _procedure_field(spec)

    def application_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(FIELD_PREFIX)]

    def form_data(self) -> dict[str, Any]:
        """The procedure's fields as the engine validates them (dates as ISO text)."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith(FIELD_PREFIX) or value in (None, ""):
                continue
            data[name.removeprefix(FIELD_PREFIX)] = (
                value.isoformat() if hasattr(value, "isoformat") else value
            )
        return data
