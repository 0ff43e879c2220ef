"""Forms of the signature pages: the citizen's (request, revoke, sign) and the
administrators' (filter the certificates, issue, revoke)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Agency
from motcua.identity.models import AccountKind, User
from motcua.signing.models import END_ENTITY_KINDS, RevocationReason


class RevokeForm(forms.Form):
    """Revoke a certificate: why (RFC 5280 reason) and an explicit confirmation."""

    reason = forms.ChoiceField(
        label=_("Reason"), choices=RevocationReason.choices, initial=RevocationReason.UNSPECIFIED
    )
    confirm = forms.BooleanField(
        label=_("I understand that a revoked certificate cannot be used again."),
        error_messages={"required": _("Tick this box to confirm the revocation.")},
        widget=forms.CheckboxInput(attrs={"aria-required": "true"}),
    )


class SignForm(forms.Form):
    """The second factor that confirms one signature."""

    code = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"\d{6}"}
        ),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


# --- back office -------------------------------------------------------------------------


class Status:
    LIVE = "live"
    REVOKED = "revoked"


class CertificateFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All")), *((kind.value, kind.label) for kind in END_ENTITY_KINDS)],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), (Status.LIVE, _("In force")), (Status.REVOKED, _("Revoked"))],
    )
    q = forms.CharField(label=_("Name or serial number"), required=False, max_length=100)


def _agency_field() -> forms.CharField:
    return forms.CharField(
        label=_("Agency code"),
        max_length=32,
        help_text=_("The agency's code, e.g. 000.00.04.H49."),
    )


class _AgencyForm(forms.Form):
    def clean_agency(self) -> Agency:
        code = self.cleaned_data["agency"].strip()
        agency = Agency.objects.filter(code=code, is_active=True).first()
        if agency is None:
            raise forms.ValidationError(_("No active agency has this code."))
        return agency


class SealForm(_AgencyForm):
    prefix = "seal"  # both issue forms are on one page: their fields' ids must differ
    agency = _agency_field()


class OfficerForm(_AgencyForm):
    prefix = "officer"
    username = forms.CharField(label=_("Staff username"), max_length=150)
    agency = _agency_field()

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(
            username=username, kind=AccountKind.STAFF, is_active=True
        ).first()
        if user is None:
            raise forms.ValidationError(_("No active staff account has this username."))
        return user
