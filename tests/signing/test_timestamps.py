"""With MOTCUA_TSA_URL set, each signature carries an RFC 3161 token from that server, and
the verification page dates the signature by it. The TSA here is a small HTTP server on
127.0.0.1 answering with pyHanko's own token builder and a certificate of the province's
issuing CA (a province would point at the national time-stamping service)."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from motcua.signing import pki, stamping
from motcua.signing.keys import store_for
from tests.signing.conftest import a_pdf

pytestmark = pytest.mark.django_db

TSA_TIME = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def tsa_certificate(issuing):
    """A time-stamping certificate (EKU timeStamping, critical) from the issuing CA (RSA:
    pyHanko's token builder signs with RSA only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    ca = pki.load(issuing)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=365))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False
        )
        .sign(store_for(issuing.key_backend).private_key(issuing.key_ref), hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


@pytest.fixture
def tsa(ca, settings):
    _root, issuing = ca
    cert, key = tsa_certificate(issuing)
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key, fixed_dt=TSA_TIME)
    requests: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(body)
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA_TSA_URL = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    yield requests
    server.shutdown()
    server.server_close()


def test_signatures_carry_the_tsa_token_and_are_dated_by_it(client, tsa, signer_certificates):
    personal, _seal = signer_certificates
    stamp = stamping.Stamp("Ký bởi", "Cơ quan", "Thời gian", "UBND", "https://x/verify/")
    pdf = stamping.sign_pdf(a_pdf(), personal, field_name="Sig", stamp=stamp)
    assert tsa  # the server was asked (pyHanko also asks once to size the signature)
    response = client.post("/verify/", {"file": SimpleUploadedFile("d.pdf", pdf)})
    (signature,) = response.context["report"].signatures
    assert signature.verdict == "valid"
    assert signature.timestamped
    assert signature.signed_at == TSA_TIME
    assert "time-stamp authority" in response.text


def test_an_unreachable_tsa_refuses_the_approval_with_a_message_and_files_nothing(
    settings, signer_certificates, submit, staff, applicant
):
    import socket

    from motcua.core.exceptions import Conflict
    from motcua.dossiers.models import Dossier, DossierStatus
    from motcua.signing.models import SignedDocument
    from motcua.warehouse.models import DocumentKind
    from motcua.warehouse.selectors import documents_of
    from tests.dossiers.test_results import five_steps

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MOTCUA_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    dossier = submit()
    with pytest.raises(Conflict, match="time-stamping service did not answer"):
        five_steps(dossier, staff)
    assert Dossier.objects.get(pk=dossier.pk).status != DossierStatus.RESULT_READY
    assert not documents_of(applicant).filter(kind=DocumentKind.RESULT).exists()
    assert not SignedDocument.objects.exists()
