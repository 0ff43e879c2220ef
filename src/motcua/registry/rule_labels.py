"""What each data-quality rule means, in words officers read."""

from django.utils.translation import gettext_lazy as _

RULE_LABELS = {
    "id_century_mismatch": _("ID number: century digit does not match the birth year"),
    "id_sex_mismatch": _("ID number: sex digit does not match the recorded sex"),
    "id_year_mismatch": _("ID number: year digits do not match the birth year"),
    "id_bad_province": _("ID number: unknown province code"),
    "dates_implausible": _("Implausible birth or death date"),
    "commune_invalid": _("Residence is not a current commune"),
    "missing_required_fields": _("Required information missing"),
    "duplicate_person": _("Possible duplicate person"),
    "household_without_head": _("Household without a head"),
    "household_multiple_heads": _("Household with more than one head"),
    "impossible_relation": _("Impossible relation to the head"),
    "not_verified": _("Not verified for years"),
    "death_not_applied": _("Death not applied"),
    "card_expired": _("ID card expired"),
    "no_card": _("No valid ID card"),
}


def rule_label(code: str) -> str:
    return str(RULE_LABELS.get(code, code))
