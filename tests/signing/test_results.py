"""Step 4 signs the result with the leader's certificate and the agency seal; pyHanko's own
validator (given only the provincial root) and poppler's pdfsig accept it."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.core.exceptions import DomainError
from motcua.signing import pki
from motcua.signing.models import SignedDocument
from motcua.warehouse.models import DocumentKind
from motcua.warehouse.selectors import documents_of
from tests.dossiers.test_results import five_steps, walk
from tests.signing.conftest import pdf_bytes_of

pytestmark = pytest.mark.django_db


def signed_result(submit, staff, applicant) -> bytes:
    five_steps(submit(), staff)
    result = documents_of(applicant).get(kind=DocumentKind.RESULT)
    return pdf_bytes_of(result)


def test_the_result_carries_the_leaders_signature_then_the_seal_valid_for_pyhanko(
    ca, signer_certificates, submit, staff, applicant
):
    root, _issuing = ca
    personal, seal = signer_certificates
    pdf = signed_result(submit, staff, applicant)
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert [s.field_name for s in signatures] == ["LeaderSignature", "AgencySeal"]
    # Only the root is given: the issuing CA comes from the signature's embedded chain.
    for signature, certificate in zip(signatures, (personal, seal), strict=True):
        context = ValidationContext(trust_roots=[pki.as_asn1(root)], allow_fetching=False)
        status = validate_pdf_signature(signature, signer_validation_context=context)
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.bottom_line
        assert f"{status.signing_cert.serial_number:x}" == certificate.serial
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert SignedDocument.objects.get().certificates.count() == 2


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_pdfsig_reports_both_signatures_valid(
    ca, signer_certificates, submit, staff, applicant, tmp_path
):
    path = tmp_path / "result.pdf"
    path.write_bytes(signed_result(submit, staff, applicant))
    output = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert output.count("Signature Validation: Signature is Valid.") == 2, output
    assert "Signer Certificate Common Name: Nguyễn Văn An" in output
    assert "Signature Type: ETSI.CAdES.detached" in output


@pytest.mark.skipif(shutil.which("certutil") is None, reason="libnss3-tools not installed")
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_pdfsig_trusts_the_chain_once_the_provincial_root_is_in_its_store(
    ca, signer_certificates, submit, staff, applicant, tmp_path
):
    root, _issuing = ca
    nss = tmp_path / "nss"
    nss.mkdir()
    (tmp_path / "root.der").write_bytes(bytes(root.der))
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{nss}",
            "-n",
            "root",
            "-t",
            "C,C,C",
            "-i",
            str(tmp_path / "root.der"),
        ],
        check=True,
    )
    path = tmp_path / "result.pdf"
    path.write_bytes(signed_result(submit, staff, applicant))
    output = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert output.count("Certificate Validation: Certificate is Trusted.") == 2, output


def test_a_leader_without_a_certificate_cannot_approve_and_nothing_is_filed(
    ca, submit, staff, applicant
):
    with pytest.raises(DomainError, match="no signing certificate"):
        walk(submit(), *_roles(staff))
    assert not documents_of(applicant).filter(kind=DocumentKind.RESULT).exists()
    assert not SignedDocument.objects.exists()


def _roles(staff):
    from motcua.identity.models import Role

    return staff[Role.ONE_STOP_OFFICER], staff[Role.SPECIALIST], staff[Role.LEADER]


def test_without_a_provincial_ca_results_stay_unsigned(submit, staff, applicant):
    pdf = signed_result(submit, staff, applicant)
    assert not PdfFileReader(io.BytesIO(pdf)).embedded_signatures
