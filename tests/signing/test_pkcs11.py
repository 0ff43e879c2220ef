"""The PKCS#11 key path against SoftHSM2: CA, officer and seal keys generated inside the
token and never extracted; certificates and CRLs signed by the token; results signed in
step 4 that pyHanko's validator and pdfsig accept. RSA-2048 and ECDSA P-256."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.core.models import Agency
from motcua.identity.models import Role
from motcua.signing import pki, services
from motcua.signing.keys import PKCS11, store_for
from motcua.signing.models import CertificateKind, KeyAlgorithm
from motcua.warehouse.models import DocumentKind
from motcua.warehouse.selectors import documents_of
from tests.dossiers.test_results import five_steps
from tests.signing.conftest import pdf_bytes_of

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN, SO_PIN = "motcua-test", "4321", "87654321"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not Path(MODULE).exists() and os.environ.get("CI") != "true",
        reason="SoftHSM2 not installed (Debian package softhsm2; .ci/run installs it)",
    ),
]


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory) -> str:
    """One token for the test session: the module reads its configuration once per
    process, when it is first loaded."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(conf)


@pytest.fixture
def hsm(settings, softhsm):
    settings.MOTCUA_KEY_BACKEND = PKCS11
    settings.MOTCUA_PKCS11_MODULE = MODULE
    settings.MOTCUA_PKCS11_TOKEN = TOKEN
    settings.MOTCUA_PKCS11_PIN = PIN


@pytest.mark.parametrize("algorithm", [KeyAlgorithm.RSA_2048, KeyAlgorithm.ECDSA_P256])
def test_step_4_signs_with_keys_in_the_token_and_the_signatures_validate(
    hsm, province, algorithm, settings, staff, commune_pc, submit, applicant, tmp_path
):
    settings.MOTCUA_SIGNING_ALGORITHM = algorithm
    root, issuing = services.init_ca()
    leader = staff[Role.LEADER]
    services.issue_certificate(
        CertificateKind.OFFICER, actor=None, holder=leader, agency=commune_pc
    )
    services.issue_certificate(CertificateKind.SEAL, actor=None, agency=commune_pc)
    assert {root.key_backend, issuing.key_backend} == {PKCS11}
    # The token's private keys are not extractable: the store never hands one out.
    assert store_for(PKCS11).private_key(issuing.key_ref) is None
    # The CA signatures made by the token verify with cryptography.
    pki.load(issuing).verify_directly_issued_by(pki.load(root))

    five_steps(submit(), staff)
    pdf = pdf_bytes_of(documents_of(applicant).get(kind=DocumentKind.RESULT))
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 2
    for signature in signatures:
        context = ValidationContext(trust_roots=[pki.as_asn1(root)], allow_fetching=False)
        status = validate_pdf_signature(signature, signer_validation_context=context)
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        expected = "rsa" if algorithm == KeyAlgorithm.RSA_2048 else "ec"
        assert status.signing_cert.public_key.algorithm == expected
    if shutil.which("pdfsig"):
        (tmp_path / "r.pdf").write_bytes(pdf)
        out = subprocess.run(
            ["pdfsig", str(tmp_path / "r.pdf")], capture_output=True, text=True, timeout=60
        ).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2, out


def test_the_crl_is_signed_by_the_token(hsm, province, client, settings):
    settings.MOTCUA_SIGNING_ALGORITHM = KeyAlgorithm.ECDSA_P256
    _root, issuing = services.init_ca()
    seal = services.issue_certificate(
        CertificateKind.SEAL,
        actor=None,
        agency=Agency.objects.first(),
    )
    services.revoke(seal, actor=None)
    crl = x509.load_der_x509_crl(client.get(f"/pki/crl/{issuing.serial}.crl").content)
    assert crl.is_signature_valid(pki.load(issuing).public_key())
    assert crl.get_revoked_certificate_by_serial_number(int(seal.serial, 16)) is not None


def test_a_discarded_key_is_destroyed_in_the_token(hsm):
    from pkcs11.exceptions import NoSuchKey

    store = store_for(PKCS11)
    key_ref = store.generate(KeyAlgorithm.ECDSA_P256)
    assert store.public_key(key_ref) is not None
    store.discard(key_ref)
    with pytest.raises(NoSuchKey):
        store.public_key(key_ref)
