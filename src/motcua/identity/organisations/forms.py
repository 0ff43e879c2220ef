"""Forms of the organisation pages. Rules live in the services; forms only collect input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AdministrativeUnit
from motcua.identity.models import ApplicantRole, OrganisationStatus
from motcua.identity.organisations.documents import MAX_DOCUMENTS


def province_communes() -> Any:
    return (
        AdministrativeUnit.objects.current()
        .filter(level="commune", parent__code=settings.MOTCUA_PROVINCE_CODE)
        .order_by("name")
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the service checks their number, kind and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Organisation's name"), max_length=255)
    code = forms.CharField(
        label=_("Enterprise or tax code"),
        max_length=20,
        help_text=_("10 digits, or 10 digits, a hyphen and 3 digits for a branch."),
    )
    address = forms.CharField(label=_("Head office address"), max_length=255)
    commune = forms.ModelChoiceField(
        label=_("Commune or ward of the head office"), queryset=AdministrativeUnit.objects.none()
    )
    applicant_role = forms.ChoiceField(
        label=_("You apply as"), choices=ApplicantRole.choices, widget=forms.RadioSelect
    )
    documents = MultipleFileField(
        label=_("Supporting documents"),
        help_text=_(
            "The business registration certificate and, for an authorised person, the "
            "letter of authorisation: PDF, JPEG or PNG, up to %(count)d files."
        )
        % {"count": MAX_DOCUMENTS},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = province_communes()  # type: ignore[attr-defined]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *OrganisationStatus.choices],
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("All"),
    )
    q = forms.CharField(label=_("Code or name"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = province_communes()  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads this reason."),
    )
