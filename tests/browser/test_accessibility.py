"""Done when (issue 6): the portal pages pass an automated accessibility check — axe-core run
in Chromium finds no serious or critical violation.

axe-core is the copy bundled with axe-playwright-python (no network). Each page is checked in
Vietnamese, the default language; the home page also in English and on a phone's screen.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from motcua.catalog.models import ProcedureFee
from motcua.dossiers import interruptions, services
from motcua.identity.models import Role
from tests.dossiers.conftest import (  # noqa: F401
    BIRTH,
    applicant,
    birth,
    catalog,
    commune_pc,
    staff,
    submit,
)
from tests.dossiers.test_steps import walk
from tests.identity.accounts.helpers import code_for, enrol_totp
from tests.registry.conftest import communes, make_citizen  # noqa: F401

BLOCKING = {"serious", "critical"}
# axe reports as "incomplete" what it could not decide alone. A serious one is a failure too
# (for instance an aria-describedby naming an id absent from the page), except contrast, which
# it leaves undecided over background images and gradients for a person to judge.
UNDECIDABLE = {"color-contrast", "color-contrast-enhanced"}
PHONE = {"width": 390, "height": 844}
PASSWORD = "Hạ-Long-bay-2026"

axe = Axe()


def blocking(results: dict) -> list[dict]:
    """The serious and critical violations, and the undecided checks of that impact."""
    found = [v for v in results["violations"] if v["impact"] in BLOCKING]
    found += [
        {**v, "help": f"{v['help']} (axe could not decide: check by hand)"}
        for v in results.get("incomplete", [])
        if v["impact"] in BLOCKING and v["id"] not in UNDECIDABLE
    ]
    return found


def describe(violation: dict) -> str:
    """Rule, impact, what to do, and per failing element its selector and axe's finding."""
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
        finding = "; ".join(check["message"] for check in checks if check.get("message"))
        lines.append(f"    {', '.join(map(str, node['target']))} — {finding}")
    return "\n".join(lines)


class Audit:
    """Runs axe on pages and gathers the serious and critical violations of all of them, so
    one failing run lists everything there is to fix."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, page, label: str, lang: str = "vi") -> None:
        page.wait_for_load_state("load")
        results = axe.run(page, options={"resultTypes": ["violations", "incomplete"]})
        self.checked.append(f"{label}: {page.url}")
        declared = page.locator("html").get_attribute("lang")
        if declared != lang:
            self.problems.append(f"[{label}] <html lang={declared!r}>, the page is in {lang!r}")
        self.problems += [f"[{label}] {describe(v)}" for v in blocking(results.response)]
        viewport = page.viewport_size
        if viewport and viewport["width"] <= PHONE["width"]:
            # WCAG 1.4.10 reflow: on a phone nothing needs sideways scrolling of the page.
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                self.problems.append(
                    f"[{label}] the page is {wide}px wide on a {viewport['width']}px screen"
                )

    def assert_clean(self) -> None:
        if self.problems:
            pytest.fail(
                f"{len(self.problems)} serious/critical accessibility problems:\n"
                + "\n".join(self.problems)
                + "\n\npages checked:\n"
                + "\n".join(self.checked),
                pytrace=False,
            )


def test_the_check_finds_a_known_violation(browser):
    """axe really runs: an unlabelled field and an image without text are reported."""
    page = browser.new_page()
    page.set_content(
        '<html lang="vi"><title>x</title><main><img src="data:,"><input></main></html>'
    )
    found = {v["id"] for v in blocking(axe.run(page).response)}
    page.close()
    assert {"image-alt", "label"} <= found


@pytest.fixture
def audit():
    return Audit()


def new_page(browser, live_server, **options):
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page, user) -> None:
    """The level-2 applicant logs in through the real pages: ID number, password, code."""
    secret = enrol_totp(user)
    page.goto("/account/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/account/login/code/**")
    return secret


def send_empty(page) -> None:
    """Sends the submission form with every field cleared, even those the registry filled."""
    page.evaluate(
        "document.querySelectorAll('form.stacked input:not([type=hidden]), form.stacked textarea')"
        ".forEach(field => { field.value = ''; })"
    )
    page.locator("form.stacked button[type=submit]").click()
    page.locator(".form-problem").wait_for()


def test_public_pages_have_no_serious_accessibility_violations(
    browser,
    live_server,
    audit,
    submit,  # noqa: F811
    applicant,  # noqa: F811
):
    dossier = submit()
    page = new_page(browser, live_server)

    page.goto("/")
    audit.check(page, "home")
    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    audit.check(page, "home, English", lang="en")
    page.goto("/dossiers/lookup/")
    audit.check(page, "lookup, English", lang="en")
    page.locator("button[name=language][value=vi]").click()
    page.wait_for_function("document.documentElement.lang === 'vi'")

    page.goto("/dossiers/procedures/")
    audit.check(page, "procedures")
    page.goto("/dossiers/procedures/?q=khai+sinh&sector=H%E1%BB%99+t%E1%BB%8Bch")
    audit.check(page, "procedures, searched")
    page.goto("/dossiers/procedures/?q=no+such+procedure")
    audit.check(page, "procedures, nothing found")
    page.goto(f"/dossiers/procedures/{BIRTH}/")
    audit.check(page, "procedure page")

    page.goto("/dossiers/lookup/")
    audit.check(page, "lookup")
    page.locator("form.stacked button[type=submit]").click()
    page.locator(".errorlist").first.wait_for()
    audit.check(page, "lookup, empty form sent")
    page.locator("input[name=code]").fill(dossier.code)
    page.locator("input[name=id_number]").fill(applicant.citizen.id_number)
    page.locator("form.stacked button[type=submit]").click()
    page.locator(".lookup-result").wait_for()
    audit.check(page, "lookup, found")
    page.locator("input[name=code]").fill(dossier.code)
    page.locator("input[name=id_number]").fill("022185000999")
    page.locator("form.stacked button[type=submit]").click()
    page.locator("[role=alert]").wait_for()
    audit.check(page, "lookup, not found")

    page.goto("/account/signup/")
    audit.check(page, "sign-up")
    page.locator("form.stacked button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    audit.check(page, "sign-up, empty form sent")

    page.goto("/no-such-page/")
    audit.check(page, "page not found")

    page.goto("/account/login/")
    audit.check(page, "login")
    page.locator("form.stacked button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    audit.check(page, "login, empty form sent")
    page.context.close()

    phone = new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto("/")
    audit.check(phone, "home, phone")
    phone.goto("/dossiers/lookup/")
    audit.check(phone, "lookup, phone")
    phone.goto("/dossiers/procedures/")
    audit.check(phone, "procedures, phone")
    phone.goto(f"/dossiers/procedures/{BIRTH}/")
    audit.check(phone, "procedure page, phone")
    phone.context.close()

    audit.assert_clean()


def test_citizen_pages_have_no_serious_accessibility_violations(
    browser,
    live_server,
    audit,
    submit,  # noqa: F811
    applicant,  # noqa: F811
    birth,  # noqa: F811
    staff,  # noqa: F811
):
    dossier = submit()
    # The dossier page's forms: supplement, payment, rating.
    officer = staff[Role.ONE_STOP_OFFICER]
    incomplete = submit()
    interruptions.request_supplement(incomplete, officer, items=["Giấy chứng sinh bản chính"])
    returned = walk(submit(), staff, None)
    ProcedureFee.objects.create(procedure=birth, label="Lệ phí", amount=50_000)
    unpaid = services.receive(submit(), officer)
    unpaid = services.digitise(unpaid, officer)
    unpaid = services.appraise(unpaid, staff[Role.SPECIALIST], opinion="Hợp lệ")
    unpaid = services.approve(unpaid, staff[Role.LEADER], result_summary="Giấy khai sinh")
    page = new_page(browser, live_server)

    secret = log_in(page, applicant)
    audit.check(page, "login, second factor")
    page.locator("input[name=code]").fill(code_for(secret))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)

    page.goto("/")
    audit.check(page, "home, logged in")

    page.goto(f"/dossiers/procedures/{BIRTH}/")
    audit.check(page, "procedure page, logged in")
    page.goto(f"/dossiers/submit/{BIRTH}/")
    audit.check(page, "submission")
    send_empty(page)
    audit.check(page, "submission, empty form sent")

    page.goto("/dossiers/mine/")
    audit.check(page, "my dossiers")
    page.goto(f"/dossiers/mine/{dossier.code}/")
    audit.check(page, "dossier page")
    page.goto(f"/dossiers/mine/{incomplete.code}/")
    page.locator("textarea, input[name=note]").first.wait_for()
    audit.check(page, "dossier page, supplement requested")
    page.goto(f"/dossiers/mine/{unpaid.code}/")
    page.locator("input[name=reference]").wait_for()
    audit.check(page, "dossier page, fees due")
    page.locator("form:has(input[name=reference]) button[type=submit]").click()
    page.locator(".errorlist").first.wait_for()
    audit.check(page, "dossier page, payment form sent empty")
    page.goto(f"/dossiers/mine/{returned.code}/")
    page.locator("input[type=radio]").first.wait_for()
    audit.check(page, "dossier page, result returned")
    page.goto("/dossiers/inbox/")
    page.wait_for_load_state("networkidle")
    audit.check(page, "notifications")
    page.goto(f"/dossiers/mine/{dossier.code}/withdraw/")
    audit.check(page, "withdrawal")

    page.set_viewport_size(PHONE)
    page.goto(f"/dossiers/submit/{BIRTH}/")
    audit.check(page, "submission, phone")
    page.goto(f"/dossiers/mine/{dossier.code}/")
    audit.check(page, "dossier page, phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    audit.check(page, "dossier page, English", lang="en")
    page.goto(f"/dossiers/submit/{BIRTH}/")
    send_empty(page)
    audit.check(page, "submission, form sent, English", lang="en")
    page.context.close()

    audit.assert_clean()
