import datetime as dt

from playwright.sync_api import expect

from motcua.identity.models import Role
from motcua.registry import idnumber
from motcua.registry.models import Citizen
from motcua.registry.names import name_key
from tests.identity.accounts.helpers import browser_second_factor


def test_registry_officer_finds_a_citizen_without_diacritics_and_opens_the_record(
    page, make_staff, province
):
    from motcua.core.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.current().filter(parent__code="22").first()
    Citizen.objects.create(
        id_number=idnumber.compose("022", 1985, "female", 42),
        full_name="Đặng Thị Thu Hường",
        name_key=name_key("Đặng Thị Thu Hường"),
        birth_date=dt.date(1985, 4, 12),
        sex="female",
        permanent_commune=commune,
        permanent_address="Tổ 7, Khu 3",
    )
    make_staff(Role.REGISTRY_OFFICER, agency=province, password="Mat-khau-du-dai-2026")
    page.goto("/backoffice/login/?next=/backoffice/registry/")
    page.get_by_label("Tên đăng nhập").fill(f"{Role.REGISTRY_OFFICER}-1")
    page.get_by_label("Mật khẩu").fill("Mat-khau-du-dai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(page)

    search = page.get_by_role("search", name="Tìm kiếm công dân")
    search.get_by_label("Số định danh hoặc họ tên").fill("dang thi thu huong")
    search.get_by_label("Mục đích tra cứu").fill("Kiểm tra hồ sơ thủ tục hành chính")
    search.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_role("table")).to_contain_text("Đặng Thị Thu Hường")

    page.get_by_role("link", name="022185000042").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đặng Thị Thu Hường")
    expect(page.get_by_text("Tổ 7, Khu 3")).to_be_visible()
    readers = page.get_by_role("table").last
    expect(readers).to_contain_text("Kiểm tra hồ sơ thủ tục hành chính")
