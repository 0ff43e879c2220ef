import datetime as dt

import pytest

from motcua.core.models import AdministrativeUnit, UnitLevel
from motcua.core.units import load_units

pytestmark = pytest.mark.django_db

LOCALITIES = [
    "Hạ Long", "Cẩm Phả", "Uông Bí", "Móng Cái", "Đông Triều", "Quảng Yên", "Vân Đồn",
    "Cô Tô", "Tiên Yên", "Bình Liêu", "Đầm Hà", "Hải Hà", "Ba Chẽ",
]  # fmt: skip


def test_quang_ninh_and_its_current_communes_load_from_the_package(province):
    quang_ninh = AdministrativeUnit.objects.current().get(level=UnitLevel.PROVINCE, code="22")
    assert quang_ninh.name == "Quảng Ninh"
    communes = quang_ninh.children.current()
    assert communes.count() == 54
    assert communes.filter(name="Phường Hạ Long").exists()
    assert communes.filter(division_type="đặc khu", name__contains="Vân Đồn").exists()
    assert AdministrativeUnit.objects.current().filter(level=UnitLevel.PROVINCE).count() == 34
    assert AdministrativeUnit.objects.current().filter(level=UnitLevel.COMMUNE).count() > 3300


def test_the_13_historic_localities_map_to_current_communes(province):
    districts = AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT, parent__code="022")
    assert districts.count() == 13
    for locality in LOCALITIES:
        district = districts.get(name__endswith=locality)
        assert district.valid_to == dt.date(2025, 6, 30)
        successors = district.successors.all()
        assert successors.exists(), locality
        assert all(unit.parent.code == "22" and unit.is_current for unit in successors)
    ha_long = districts.get(name__endswith="Hạ Long").successors.values_list("name", flat=True)
    assert "Phường Hạ Long" in ha_long
    # Every current commune of the province comes from exactly one former locality.
    current = AdministrativeUnit.objects.current().filter(parent__code="22")
    assert all(unit.predecessors.count() == 1 for unit in current)


def test_old_province_code_of_an_id_number_leads_to_the_current_province(province):
    old = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="022")
    assert old.valid_to == dt.date(2025, 6, 30)
    assert [unit.code for unit in old.successors.all()] == ["22"]
    ha_giang = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="002")
    assert ha_giang.successors.get().name == "Tuyên Quang"


def test_units_valid_on_a_date_before_the_reform_are_the_old_ones(province):
    before = AdministrativeUnit.objects.valid_on(dt.date(2024, 5, 1))
    assert before.filter(level=UnitLevel.PROVINCE).count() == 63
    assert (
        AdministrativeUnit.objects.valid_on(dt.date(2025, 7, 1))
        .filter(level=UnitLevel.PROVINCE)
        .count()
        == 34
    )


def test_loading_twice_changes_nothing(province):
    before = AdministrativeUnit.objects.count()
    report = load_units()
    assert (report.created, report.updated) == (0, 0)
    assert AdministrativeUnit.objects.count() == before
