"""Done when (issue 6): a level-2 citizen whose warehouse already holds a valid marriage
certificate submits a procedure that requires it plus one new document, in Chromium. The
wizard shows the certificate as reused and the ID card as read from the registry, only the
new paper is uploaded (a small PDF through the file chooser), and the dossier records 1
reused of 2 required, plus the identity paper read from the registry."""

import datetime as dt

from playwright.sync_api import expect

from motcua.dossiers.models import Dossier
from motcua.warehouse.models import DossierRole
from tests.browser.test_accessibility import log_in
from tests.dossiers.conftest import applicant, catalog  # noqa: F401
from tests.identity.accounts.helpers import code_for
from tests.registry.conftest import communes, make_citizen  # noqa: F401
from tests.warehouse.conftest import media, pdf, stored_files  # noqa: F401
from tests.warehouse.test_reuse import WEDDING, hold, marriage_certificate, wedding  # noqa: F401


def test_a_held_marriage_certificate_is_reused_and_only_the_new_paper_is_uploaded(
    page,
    tmp_path,
    applicant,  # noqa: F811
    wedding,  # noqa: F811
    marriage_certificate,  # noqa: F811
    media,  # noqa: F811
):
    held = hold(
        applicant,
        marriage_certificate,
        title="Giấy chứng nhận kết hôn số 12/2020",
        issuer_name="UBND phường Hồng Gai",
        valid_from=dt.date(2020, 5, 1),
    )
    notice = tmp_path / "giay-chung-sinh.pdf"
    notice.write_bytes(pdf(text="Giấy chứng sinh của bé Khôi"))

    secret = log_in(page, applicant)
    page.locator("input[name=code]").fill(code_for(secret))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
    page.goto(f"/dossiers/submit/{WEDDING}/")
    if page.locator("html").get_attribute("lang") != "en":
        page.locator("button[name=language][value=en]").click()
        page.wait_for_function("document.documentElement.lang === 'en'")

    reused = page.locator("li.paper[data-document-type=marriage_certificate]")
    expect(reused).to_contain_text("not needed — already held")
    expect(reused).to_contain_text("Giấy chứng nhận kết hôn số 12/2020")
    expect(reused).to_contain_text("UBND phường Hồng Gai")
    registry = page.locator("li.paper[data-document-type=id_card]")
    expect(registry).to_contain_text("not needed — read from the population registry")
    # Only the new paper is asked for; the applicant's identity is shown, not typed.
    expect(page.locator("input[type=file]")).to_have_count(1)
    expect(page.locator(".registry-facts")).to_contain_text(applicant.citizen.id_number)

    page.locator("input[name=ff_request]").fill("Đăng ký khai sinh cho bé Khôi")
    with page.expect_file_chooser() as chooser:
        page.locator("input[name=paper_birth_notice]").click()
    chooser.value.set_files(str(notice))
    page.get_by_label("I confirm that the information and papers above are true").check()
    page.get_by_role("button", name="Submit the dossier").click()
    page.wait_for_url("**/dossiers/mine/**")

    expect(page.locator(".papers-counted")).to_contain_text(
        "2 papers not asked for: 1 already held, 1 read from the registry"
    )
    expect(page.locator(".papers-counted")).to_contain_text("1 reused of 2 required; 1 uploaded")

    dossier = Dossier.objects.get(applicant_user=applicant)
    assert (dossier.papers_required, dossier.papers_reused) == (2, 1)
    assert (dossier.papers_from_registry, dossier.papers_uploaded) == (1, 1)
    roles = {
        link.document.document_type.code: (link.role, link.document)
        for link in dossier.warehouse_links.select_related("document__document_type")
    }
    assert roles["marriage_certificate"] == (DossierRole.REUSED, held)
    assert roles["birth_notice"][0] == DossierRole.UPLOADED
    assert set(roles) == {"marriage_certificate", "birth_notice"}
    assert len(stored_files(media)) == 2  # the certificate held before, and the new notice
