"""A person checks a signed result in Chromium: opens the QR code's page, sees both
signatures valid, uploads a copy with one byte changed and reads that it was modified.
The verification pages pass the axe-core check (also on a phone)."""

from __future__ import annotations

import threading

from motcua.signing.models import SignedDocument
from motcua.warehouse.models import DocumentKind
from motcua.warehouse.selectors import documents_of
from tests.browser.test_accessibility import PHONE, Audit, new_page
from tests.dossiers.conftest import (  # noqa: F401
    applicant,
    birth,
    catalog,
    commune_pc,
    staff,
    submit,
)
from tests.dossiers.test_results import five_steps
from tests.registry.conftest import communes, make_citizen  # noqa: F401
from tests.signing.conftest import (  # noqa: F401
    ca,
    flip_one_signed_byte,
    key_folder,
    pdf_bytes_of,
    signer_certificates,
)


def test_a_person_verifies_a_result_and_spots_a_modified_copy(
    browser,
    live_server,
    settings,
    tmp_path,
    signer_certificates,  # noqa: F811
    submit,  # noqa: F811
    staff,  # noqa: F811
    applicant,  # noqa: F811
):
    settings.MOTCUA_PUBLIC_URL = live_server.url
    # pyHanko runs its own event loop, and Playwright's runs in this thread: approve in
    # another (the live server signs nothing; it only verifies, in its own threads).
    worker = threading.Thread(target=lambda: five_steps(submit(), staff))
    worker.start()
    worker.join()
    signed = pdf_bytes_of(documents_of(applicant).get(kind=DocumentKind.RESULT))
    token = SignedDocument.objects.get().token
    (tmp_path / "ket-qua.pdf").write_bytes(signed)
    (tmp_path / "ban-sua.pdf").write_bytes(flip_one_signed_byte(signed))
    audit = Audit()

    page = new_page(browser, live_server)
    page.goto(f"/verify/{token}/")  # what the stamp's QR code opens
    page.locator("#kept").wait_for()
    assert (
        "Mọi chữ ký trong văn bản này đều hợp lệ."
        in page.locator("#kept").locator("..").inner_text()
    )
    audit.check(page, "QR verification page")

    page.locator("input[type=file]").set_input_files(str(tmp_path / "ban-sua.pdf"))
    page.locator("form.stacked button[type=submit]").click()
    page.locator("#yours").wait_for()
    text = page.locator("main").inner_text()
    assert "Văn bản đã bị sửa đổi sau khi ký." in text
    assert "KHÔNG giống" in text
    audit.check(page, "QR verification page, modified copy")

    page.goto("/verify/")
    audit.check(page, "verification page")
    page.locator("form.stacked button[type=submit]").click()
    page.locator(".errorlist").first.wait_for()
    audit.check(page, "verification page, nothing chosen")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "ket-qua.pdf"))
    page.locator("form.stacked button[type=submit]").click()
    page.locator("#report").wait_for()
    assert "Mọi chữ ký trong văn bản này đều hợp lệ." in page.locator("main").inner_text()
    audit.check(page, "verification page, valid result")
    page.context.close()

    phone = new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/verify/{token}/")
    audit.check(phone, "QR verification page, phone")
    phone.context.close()
    audit.assert_clean()


def test_signature_pages_have_no_serious_accessibility_violations(
    browser,
    live_server,
    ca,  # noqa: F811
    submit,  # noqa: F811
    applicant,  # noqa: F811
    commune_pc,  # noqa: F811
):
    from motcua.core.services import province_unit
    from motcua.identity.models import Role
    from motcua.identity.services import create_staff_user, grant_role
    from tests.browser.test_accessibility import log_in
    from tests.identity.accounts.helpers import browser_second_factor, code_for, enrol_totp

    dossier = submit()
    audit = Audit()
    citizen = new_page(browser, live_server)
    secret = log_in(citizen, applicant)
    citizen.locator("input[name=code]").fill(code_for(secret))
    citizen.locator("form.stacked button[type=submit]").click()
    citizen.wait_for_url(lambda url: "/account/login/" not in url)
    citizen.goto("/account/signature/")
    audit.check(citizen, "my signature, none yet")
    citizen.get_by_role("button", name="Đề nghị cấp chứng thư số miễn phí").click()
    citizen.get_by_text("Còn hiệu lực").first.wait_for()
    audit.check(citizen, "my signature, in force")
    citizen.goto(f"/account/signature/sign/{dossier.code}/")
    audit.check(citizen, "sign my application form")
    citizen.context.close()

    admin = create_staff_user("quantri-ks", full_name="Vũ Thị Lan", password="Mat-khau-du-dai-2026")
    grant_role(admin, Role.ADMINISTRATOR, unit=province_unit())
    staff_secret = enrol_totp(admin)
    office = new_page(browser, live_server)
    office.goto("/backoffice/login/?next=/backoffice/signing/")
    office.get_by_label("Tên đăng nhập").fill(admin.username)
    office.get_by_label("Mật khẩu").fill("Mat-khau-du-dai-2026")
    office.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(office, staff_secret)
    office.wait_for_url("**/backoffice/signing/")
    audit.check(office, "certificates")
    office.context.close()
    audit.assert_clean()
