"""The public verification page and API: a verdict for every file, never an error page."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.signing.models import SignedDocument
from motcua.warehouse.models import DocumentKind
from motcua.warehouse.selectors import documents_of
from tests.dossiers.test_results import five_steps
from tests.signing.conftest import a_pdf, flip_one_signed_byte, pdf_bytes_of

pytestmark = pytest.mark.django_db


def check(client, data: bytes, url: str = "/verify/", name: str = "document.pdf"):
    return client.post(url, {"file": SimpleUploadedFile(name, data, "application/pdf")})


@pytest.fixture
def signed(ca, signer_certificates, submit, staff, applicant) -> bytes:
    five_steps(submit(), staff)
    return pdf_bytes_of(documents_of(applicant).get(kind=DocumentKind.RESULT))


def test_a_signed_result_is_reported_valid_with_signer_and_agency(client, signed, commune_pc):
    response = check(client, signed)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.verdict == "valid"
    assert [s.signer for s in report.signatures] == ["Nguyễn Văn An", commune_pc.name]
    assert all(s.intact and s.trusted and s.revoked_at is None for s in report.signatures)
    assert "Every signature in this document is valid." in response.text


def test_changing_one_signed_byte_makes_the_page_say_the_document_was_modified(client, signed):
    response = check(client, flip_one_signed_byte(signed))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.verdict == "invalid"
    assert report.signatures[0].verdict == "modified"
    assert "The document was modified after it was signed." in response.text


def test_unsigned_not_pdf_and_damaged_files_get_a_verdict(client, ca):
    unsigned = check(client, a_pdf())
    assert unsigned.status_code == 200
    assert "This PDF carries no digital signature." in unsigned.text
    not_pdf = check(client, b"MZ\x90\x00 an executable renamed", name="setup.pdf")
    assert not_pdf.status_code == 200
    assert "This file is not a PDF document." in not_pdf.text
    damaged = check(client, b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert damaged.status_code == 200
    assert damaged.context["report"].verdict in ("damaged", "unsigned")


def test_a_truncated_signed_file_is_not_reported_valid(client, signed):
    response = check(client, signed[: len(signed) // 2])
    assert response.status_code == 200
    assert response.context["report"].verdict != "valid"


def _foreign_signed_pdf() -> bytes:
    """A PDF signed by a CA that is not the province's (its own self-made root)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Foreign Signer")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore(),
    )
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(a_pdf())),
        signers.PdfSignatureMetadata(field_name="Foreign"),
        signer=signer,
        output=out,
    )
    return out.getvalue()


def test_a_foreign_signature_is_intact_but_not_trusted(client, ca):
    response = check(client, _foreign_signed_pdf())
    report = response.context["report"]
    assert report.verdict == "invalid"
    (signature,) = report.signatures
    assert signature.intact and not signature.trusted
    assert signature.verdict == "untrusted"
    assert "not issued by the provincial certification authority" in response.text


def test_the_qr_page_checks_the_kept_copy_and_compares_an_uploaded_one(client, signed):
    document = SignedDocument.objects.get()
    page = client.get(f"/verify/{document.token}/")
    assert page.status_code == 200
    assert page.context["kept_report"].verdict == "valid"
    assert document.title in page.text
    same = check(client, signed, url=f"/verify/{document.token}/")
    assert same.context["same_as_kept"] is True
    other = check(client, flip_one_signed_byte(signed), url=f"/verify/{document.token}/")
    assert other.context["same_as_kept"] is False
    assert "NOT identical" in other.text


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_both_stamps_qr_codes_open_the_documents_verification_page(signed, tmp_path):
    """Read as a phone would: the page rendered to an image, the QR codes decoded."""
    document = SignedDocument.objects.get()
    (tmp_path / "result.pdf").write_bytes(signed)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "result.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(str(p) for p in tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", *pages], capture_output=True, text=True, timeout=60
    ).stdout.split()
    url = f"https://dichvucong.example.vn/verify/{document.token}/"
    assert decoded == [url, url]


def test_an_unknown_token_is_404(client, ca):
    assert client.get("/verify/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_an_empty_upload_is_refused_with_a_message(client, ca):
    response = check(client, b"")
    assert response.status_code == 400
    assert "The submitted file is empty." in response.text or "The file is empty." in response.text


def test_the_api_reports_the_same_verdicts(client, signed):
    ok = client.post(
        "/api/signing/verify", {"file": SimpleUploadedFile("r.pdf", signed, "application/pdf")}
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["verdict"] == "valid"
    assert [s["verdict"] for s in body["signatures"]] == ["valid", "valid"]
    tampered = client.post(
        "/api/signing/verify",
        {"file": SimpleUploadedFile("r.pdf", flip_one_signed_byte(signed), "application/pdf")},
    )
    assert tampered.json()["signatures"][0]["verdict"] == "modified"


def test_verifications_are_rate_limited_per_address(client, ca, settings):
    settings.MOTCUA_VERIFICATIONS_PER_10_MIN = 2
    for _ in range(2):
        assert check(client, a_pdf()).status_code == 200
    refused = check(client, a_pdf())
    assert refused.status_code == 429
    assert "Too many verifications from your address" in refused.text
    api = client.post(
        "/api/signing/verify", {"file": SimpleUploadedFile("r.pdf", a_pdf(), "application/pdf")}
    )
    assert api.status_code == 429
    assert api.json()["code"] == "throttled"


def test_content_changed_in_a_later_revision_is_reported_modified(client, signed):
    """Not a byte inside the signed range: a new revision appended after the signatures
    that replaces what the page shows (the signed bytes themselves stay intact)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Khong hop le) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    response = check(client, out.getvalue())
    report = response.context["report"]
    assert report.verdict == "invalid"
    assert all(s.verdict == "modified" for s in report.signatures)
    assert all(s.intact for s in report.signatures)  # the signed bytes are untouched
