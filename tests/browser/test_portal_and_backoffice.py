import re

from playwright.sync_api import expect

from motcua.identity.models import Role
from tests.identity.accounts.helpers import browser_second_factor


def test_home_is_vietnamese_and_switches_to_english(page, province):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dịch vụ công của Quảng Ninh")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Public services of Quảng Ninh")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public services of Quảng Ninh")


def test_keyboard_user_reaches_the_skip_link_first(page, province):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"


def test_staff_logs_in_and_sees_their_roles(page, make_staff, justice):
    make_staff(Role.SPECIALIST, agency=justice, password="Mat-khau-du-dai-2026")
    username = f"{Role.SPECIALIST}-1"
    page.goto("/backoffice/")
    expect(page).to_have_url(re.compile(r"/backoffice/login/"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("wrong")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Mật khẩu").fill("Mat-khau-du-dai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(page)
    expect(page.get_by_role("table")).to_contain_text("Sở Tư pháp")
    expect(page.get_by_role("table")).to_contain_text("Chuyên viên")


def test_administrator_adds_a_working_saturday_and_the_due_date_moves(page, make_staff, province):
    make_staff(Role.ADMINISTRATOR, agency=province, password="Mat-khau-du-dai-2026")
    page.goto("/backoffice/login/?next=/backoffice/calendar/")
    page.get_by_label("Tên đăng nhập").fill(f"{Role.ADMINISTRATOR}-1")
    page.get_by_label("Mật khẩu").fill("Mat-khau-du-dai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(page)

    due_form = page.get_by_role("form", name="Hạn giải quyết")
    due_form.locator("input[name=start]").fill("2026-03-06T17:00")
    due_form.locator("input[name=working_days]").fill("1")
    due_form.get_by_role("button").click()
    expect(page.locator("#due-date")).to_contain_text("09/03/2026")

    page.locator("input[name=date]").fill("2026-03-07")
    page.locator("select[name=kind]").select_option("working_day")
    page.locator("input[name=reason]").fill("Quyết định làm bù")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status").first).to_be_visible()

    due_form = page.get_by_role("form", name="Hạn giải quyết")
    due_form.locator("input[name=start]").fill("2026-03-06T17:00")
    due_form.locator("input[name=working_days]").fill("1")
    due_form.get_by_role("button").click()
    expect(page.locator("#due-date")).to_contain_text("07/03/2026")
