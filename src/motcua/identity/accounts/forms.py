from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

ID_NUMBER = RegexValidator(r"^\d{12}$", _("A personal ID number has 12 digits."))


def _id_number_field() -> forms.CharField:
    return forms.CharField(
        label=_("Personal ID number"),
        max_length=12,
        validators=[ID_NUMBER],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )


class SignUpForm(forms.Form):
    id_number = _id_number_field()
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As written on your ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class CitizenLoginForm(forms.Form):
    username = _id_number_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StaffLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Login name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class Level2SearchForm(forms.Form):
    id_number = _id_number_field()


class Level2RaiseForm(forms.Form):
    place = forms.CharField(
        label=_("Where the card was checked"),
        max_length=255,
        help_text=_("For example: commune police of Hồng Hà ward."),
    )
