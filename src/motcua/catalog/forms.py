"""Back-office forms of the catalog: list filters, main fields, step-template shares."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import OnlineLevel, Procedure, Step
from motcua.identity.models import Role


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    online_level = forms.ChoiceField(
        label=_("Online level"),
        required=False,
        choices=[("", _("All")), *OnlineLevel.choices],
    )

    def __init__(self, *args: Any, sectors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector = self.fields["sector"]
        assert isinstance(sector, forms.ChoiceField)
        sector.choices = [("", _("All")), *((s, s) for s in sectors)]


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = [
            "name",
            "sector",
            "agency_level",
            "agency",
            "online_level",
            "eid_level",
            "processing_hours",
            "legal_basis",
            "is_active",
        ]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 3})}


class StepsForm(forms.Form):
    """One role and one percentage per step; the service checks they add up to 100."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for step in Step:
            self.fields[f"{step.value}_role"] = forms.ChoiceField(
                label=_("%(step)s: role") % {"step": step.label}, choices=Role.choices
            )
            self.fields[f"{step.value}_percent"] = forms.IntegerField(
                label=_("%(step)s: share (%%)") % {"step": step.label},
                min_value=0,
                max_value=100,
            )

    @staticmethod
    def initial_for(procedure: Procedure) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for row in procedure.steps.all():
            initial[f"{row.step}_role"] = row.role
            initial[f"{row.step}_percent"] = row.share_percent
        return initial

    def shares(self) -> dict[str, tuple[str, int]]:
        data = self.cleaned_data
        return {
            step.value: (data[f"{step.value}_role"], data[f"{step.value}_percent"]) for step in Step
        }
