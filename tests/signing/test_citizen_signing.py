"""A citizen signs their own application form: the page shows what is signed, the code from
the authenticator app confirms it, and the PDF downloaded carries a signature that
pyHanko, given only the provincial root, finds intact, valid and trusted."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pyotp
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from motcua.dossiers.application_form import render_application_form
from motcua.identity.models import AccountKind, User
from motcua.signing import pki, services
from motcua.signing.models import CertificateKind, SignedDocument
from motcua.warehouse.models import DossierDocument
from tests.identity.accounts.helpers import enrol_totp

pytestmark = pytest.mark.django_db


def sign_url(dossier) -> str:
    return f"/account/signature/sign/{dossier.code}/"


def current_code(user: User) -> str:
    user.refresh_from_db()
    return pyotp.TOTP(user.totp_secret, interval=30).now()


@pytest.fixture
def signer(ca, applicant) -> User:
    """The applicant with a citizen certificate in force and an authenticator app."""
    services.issue_certificate(CertificateKind.CITIZEN, actor=applicant, holder=applicant)
    enrol_totp(applicant)
    return applicant


@pytest.fixture
def signer_client(client, signer):
    client.force_login(signer)
    return client


def test_the_page_shows_what_will_be_signed_and_asks_for_the_code(signer_client, submit):
    dossier = submit()

    response = signer_client.get(sign_url(dossier))

    page = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in page
    assert "Nguyễn Thị Ánh Tuyết" in page
    assert "Họ, chữ đệm, tên của trẻ" in page and "Trần Minh Khôi" in page
    assert 'name="code"' in page


def test_my_signature_links_to_signing_each_of_my_dossiers(signer_client, submit):
    dossier = submit()
    page = signer_client.get("/account/signature/").content.decode()
    assert f'href="{sign_url(dossier)}"' in page


def test_another_citizens_dossier_answers_404(client, submit, make_citizen, ca):
    dossier = submit()
    person = make_citizen(full_name="Phạm Văn Đức", birth_date=dt.date(1988, 6, 1))
    other = User.objects.create_user(
        person.id_number, kind=AccountKind.CITIZEN, citizen=person, eid_level=2
    )
    services.issue_certificate(CertificateKind.CITIZEN, actor=other, holder=other)
    enrol_totp(other)
    client.force_login(other)

    assert client.get(sign_url(dossier)).status_code == 404
    assert client.post(sign_url(dossier), {"code": current_code(other)}).status_code == 404
    assert not SignedDocument.objects.exists()


def test_the_right_code_downloads_the_form_signed_and_valid_for_pyhanko(
    ca, signer_client, signer, submit
):
    root, _issuing = ca
    dossier = submit()

    response = signer_client.post(sign_url(dossier), {"code": current_code(signer)})

    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    signed = response.content
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    context = ValidationContext(trust_roots=[pki.as_asn1(root)], allow_fetching=False)
    status = validate_pdf_signature(signature, signer_validation_context=context)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    certificate = services.certificate_of(signer, CertificateKind.CITIZEN)
    assert certificate is not None
    assert f"{status.signing_cert.serial_number:x}" == certificate.serial
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(signed)).pages)
    assert "Nguyễn Thị Ánh Tuyết" in words
    assert dossier.code in words
    assert "Trần Minh Khôi" in words
    record = SignedDocument.objects.get()
    assert list(record.certificates.all()) == [certificate]
    # Kept in the citizen's warehouse, linked to the dossier; the QR page checks that copy.
    kept = record.document
    assert kept is not None and kept.citizen == signer.citizen
    assert kept.file.sha256 == record.sha256 == hashlib.sha256(signed).hexdigest()
    assert DossierDocument.objects.filter(dossier=dossier, document=kept).exists()
    page = signer_client.get(f"/verify/{record.token}/")
    assert page.context["kept_report"].verdict == "valid"


def test_a_replayed_code_is_refused_and_signs_nothing_more(signer_client, signer, submit):
    dossier = submit()
    code = current_code(signer)
    assert signer_client.post(sign_url(dossier), {"code": code}).status_code == 200

    response = signer_client.post(sign_url(dossier), {"code": code})

    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert SignedDocument.objects.count() == 1


def test_a_wrong_code_is_refused_and_nothing_is_signed(signer_client, signer, submit):
    dossier = submit()
    right = current_code(signer)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"

    response = signer_client.post(sign_url(dossier), {"code": wrong})

    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert not SignedDocument.objects.exists()


def test_without_a_certificate_the_page_says_to_request_one(ca, client, applicant, submit):
    enrol_totp(applicant)
    client.force_login(applicant)
    dossier = submit()

    page = client.get(sign_url(dossier)).content.decode()
    response = client.post(sign_url(dossier), {"code": current_code(applicant)})

    assert "You have no signing certificate in force" in page
    assert response.status_code == 409
    assert not SignedDocument.objects.exists()


def test_the_application_form_keeps_the_stamp_band_free_and_is_deterministic(submit):
    dossier = submit()
    first, second = render_application_form(dossier), render_application_form(dossier)
    assert first == second
    reader = PdfReader(io.BytesIO(first))
    lowest: list[float] = []

    def visitor(text, cm, tm, font_dict, font_size):
        if text.strip():
            lowest.append(tm[5])

    reader.pages[-1].extract_text(visitor_text=visitor)
    # PDF points from the page's foot: nothing below 48 mm (≈ 136 pt).
    assert min(lowest) > 48 / 25.4 * 72
