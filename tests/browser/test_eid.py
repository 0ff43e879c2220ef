"""A citizen's electronic identity, end to end: sign-up, level 2 at the police, TOTP."""

from playwright.sync_api import expect

from motcua.identity.models import EidLevel, Role, User
from tests.identity.accounts.helpers import browser_second_factor, code_for
from tests.registry.conftest import communes, make_citizen  # noqa: F401

PASSWORD = "Hạ-Long-bay-2026"


def test_citizen_signs_up_is_raised_to_level_2_and_logs_in_with_totp(
    page,
    browser,
    live_server,
    make_citizen,  # noqa: F811
    make_staff,
    communes,  # noqa: F811
):
    citizen = make_citizen(full_name="Vũ Thị Mai Anh")

    # The citizen opens an account: level 1.
    page.goto("/account/signup/")
    page.locator("input[name=id_number]").fill(citizen.id_number)
    page.locator("input[name=full_name]").fill("vu thi mai anh")
    page.locator("input[name=birth_date]").fill(citizen.birth_date.isoformat())
    page.locator("input[name=contact]").fill("0912345678")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/account/login/")
    assert User.objects.get(username=citizen.id_number).eid_level == EidLevel.LEVEL_1

    # An officer of the commune checks the card and raises the account to level 2.
    make_staff(Role.REGISTRY_OFFICER, unit=communes[0], password="Mat-khau-du-dai-2026")
    officer = browser.new_context(locale="en-US", base_url=live_server.url).new_page()
    officer.goto("/backoffice/login/?next=/backoffice/identity/level2/")
    officer.locator("input[name=username]").fill(f"{Role.REGISTRY_OFFICER}-1")
    officer.locator("input[name=password]").fill("Mat-khau-du-dai-2026")
    officer.locator("form.stacked button[type=submit]").click()
    browser_second_factor(officer)
    officer.wait_for_url("**/backoffice/identity/level2/")
    officer.locator("input[name=id_number]").fill(citizen.id_number)
    officer.locator("form.stacked button[type=submit]").click()
    officer.locator(f"a[href='/backoffice/identity/level2/{citizen.id_number}/']").first.click()
    officer.locator("input[name=place]").fill("Công an phường Hồng Gai")
    officer.locator("form.stacked button[type=submit]").click()
    expect(officer.get_by_role("status")).to_contain_text("Vũ Thị Mai Anh")
    officer.context.close()

    # The citizen logs in and, being level 2 now, enrols an authenticator.
    page.locator("input[name=username]").fill(citizen.id_number)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator("svg").first).to_be_visible()
    secret = browser_second_factor(page)
    page.wait_for_url("**/account/")
    expect(page.locator("#eid-level")).to_contain_text("2")

    # Logs out, then in again with password and a fresh code.
    page.locator("form[action='/account/logout/'] button").click()
    page.goto("/account/login/")
    page.locator("input[name=username]").fill(citizen.id_number)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/account/login/code/")
    page.locator("input[name=code]").fill(code_for(secret, steps_ahead=1))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/account/")
    expect(page.locator("#eid-level")).to_contain_text("2")
