from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AdministrativeUnit, UnitLevel
from motcua.registry.models import IssueStatus, QualityAttribute

PURPOSES = [
    _("Checking an administrative dossier"),
    _("Correcting registry data"),
    _("Verifying identity at the counter"),
    _("Investigation requested in writing"),
]


class PurposeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Purpose of this lookup"),
            max_length=255,
            help_text=_(
                "Required by law: every read of personal data is recorded with its purpose."
            ),
            widget=forms.TextInput(attrs={"list": "purposes"}),
            **kwargs,
        )


def communes_of_province():
    return AdministrativeUnit.objects.current().filter(
        level=UnitLevel.COMMUNE, parent__level=UnitLevel.PROVINCE
    )


def _limit_communes(field: forms.Field, province_code: str) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = communes_of_province().filter(parent__code=province_code).order_by("name")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("ID number or name"),
        required=False,
        max_length=150,
        help_text=_("Diacritics are optional: “nguyen van an” finds “Nguyễn Văn An”."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("All communes"),
    )
    purpose = PurposeField()

    def __init__(self, *args, province_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_communes(self.fields["commune"], province_code)

    def clean(self):
        data = super().clean()
        if not (data.get("q", "").strip() or data.get("birth_date") or data.get("commune")):
            raise forms.ValidationError(
                _("Give an ID number, a name, a date of birth or a commune.")
            )
        return data


class PurposeForm(forms.Form):
    purpose = PurposeField()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("First row: the column names of the registry import format."),
    )


class IssueFilterForm(forms.Form):
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("All communes"),
    )
    attribute = forms.ChoiceField(
        label=_("Attribute"),
        required=False,
        choices=[("", _("All attributes")), *QualityAttribute.choices],
    )
    rule = forms.CharField(label=_("Rule"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, province_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_communes(self.fields["commune"], province_code)


class ResolveForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(IssueStatus.FIXED, _("Fixed")), (IssueStatus.DISMISSED, _("Dismiss"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)
