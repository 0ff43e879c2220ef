"""The pages of reuse (issue 6) pass the same axe-core check as the rest of the portal: the
submission wizard with papers held, read from the registry and to upload (as sent, with
errors, on a phone and in English), the dossier page with its paper counts, and "my
documents"."""

import datetime as dt

import pytest

from motcua.dossiers.services import Application
from motcua.dossiers.submission import submit_with_papers
from tests.browser.test_accessibility import PHONE, Audit, log_in, new_page, send_empty
from tests.dossiers.conftest import applicant, catalog  # noqa: F401
from tests.identity.accounts.helpers import code_for
from tests.registry.conftest import communes, make_citizen  # noqa: F401
from tests.warehouse.conftest import media, pdf  # noqa: F401
from tests.warehouse.test_reuse import WEDDING, hold, marriage_certificate, wedding  # noqa: F401


@pytest.fixture
def audit():
    return Audit()


def test_reuse_pages_have_no_serious_accessibility_violations(
    browser,
    live_server,
    audit,
    applicant,  # noqa: F811
    wedding,  # noqa: F811
    marriage_certificate,  # noqa: F811
    media,  # noqa: F811
):
    hold(
        applicant,
        marriage_certificate,
        title="Giấy chứng nhận kết hôn số 12/2020",
        issuer_name="UBND phường Hồng Gai",
        valid_from=dt.date(2020, 5, 1),
    )
    dossier = submit_with_papers(
        applicant,
        Application(procedure=wedding, form_data={"request": "Khai sinh"}, idempotency_key="a"),
        {"birth_notice": [pdf(text="Giấy chứng sinh")]},
    )
    page = new_page(browser, live_server)
    secret = log_in(page, applicant)
    page.locator("input[name=code]").fill(code_for(secret))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)

    page.goto(f"/dossiers/submit/{WEDDING}/")
    audit.check(page, "wizard, papers held and to upload")
    send_empty(page)
    audit.check(page, "wizard, sent empty")
    page.goto(f"/dossiers/mine/{dossier.code}/")
    audit.check(page, "dossier page, papers counted")
    page.goto("/documents/")
    audit.check(page, "my documents")

    page.set_viewport_size(PHONE)
    page.goto(f"/dossiers/submit/{WEDDING}/")
    audit.check(page, "wizard, phone")
    page.goto("/documents/")
    audit.check(page, "my documents, phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    audit.check(page, "my documents, English", lang="en")
    page.goto(f"/dossiers/submit/{WEDDING}/")
    send_empty(page)
    audit.check(page, "wizard, sent empty, English", lang="en")
    page.context.close()

    audit.assert_clean()
