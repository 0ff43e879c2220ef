import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.models import CalendarOverrideKind


class CalendarOverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Change"), choices=CalendarOverrideKind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example the decision of the Provincial People's Committee."),
    )


class DueDateForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=lambda: dt.datetime.now().replace(second=0, microsecond=0),
    )
    working_days = forms.IntegerField(
        label=_("Processing time (working days)"), min_value=0, max_value=365, initial=5
    )


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False)
