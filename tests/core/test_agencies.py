import pytest
from django.core.exceptions import ValidationError

from motcua.core.models import Agency, AgencyKind, AgencyLevel
from motcua.core.services import seed_agencies

pytestmark = pytest.mark.django_db


def test_reference_province_has_its_committee_departments_police_insurance_and_communes(province):
    assert province.name == "Ủy ban nhân dân tỉnh Quảng Ninh"
    under = Agency.objects.filter(parent=province)
    assert under.filter(kind=AgencyKind.DEPARTMENT).count() == 17
    assert under.filter(kind=AgencyKind.SERVICE_CENTRE).count() == 1
    assert under.filter(kind=AgencyKind.POLICE).count() == 1
    assert under.filter(kind=AgencyKind.SOCIAL_INSURANCE).count() == 1
    communes = under.filter(level=AgencyLevel.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE)
    assert communes.count() == 54
    assert communes.filter(name="Ủy ban nhân dân Phường Hạ Long", unit__name="Phường Hạ Long")


def test_every_agency_code_has_the_qcvn_102_form(province):
    for agency in Agency.objects.all():
        agency.full_clean()
    assert Agency.objects.filter(code="000.00.14.H49").exists()


def test_a_malformed_agency_code_is_refused(province):
    agency = Agency(code="H49-14", name="x", level="province", kind="other", unit=province.unit)
    with pytest.raises(ValidationError, match=r"000\.00\.00\.H49"):
        agency.full_clean()


def test_seeding_twice_keeps_one_agency_per_code(province):
    before = Agency.objects.count()
    assert seed_agencies() == before
    assert Agency.objects.count() == before
