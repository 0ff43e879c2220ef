"""`motcua signing`: set up or import the CA, issue, revoke, publish."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.signing import pki, services
from motcua.signing.models import Certificate, CertificateKind

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("signing", *args, stdout=out)
    return out.getvalue()


def test_init_makes_a_root_and_an_issuing_ca_with_ca_profiles_once(province):
    printed = run("init", "--algorithm", "ecdsa-p256")
    assert "Root CA:" in printed and "/pki/crl/" in printed
    run("init")  # again: nothing new
    root = Certificate.objects.get(kind=CertificateKind.ROOT)
    issuing = Certificate.objects.get(kind=CertificateKind.ISSUING)
    root_cert, issuing_cert = pki.load(root), pki.load(issuing)
    assert root_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    issuing_cert.verify_directly_issued_by(root_cert)
    usage = issuing_cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    assert isinstance(issuing_cert.public_key(), ec.EllipticCurvePublicKey)


def test_officer_and_seal_certificates_sign_documents_and_name_the_agency(ca, staff, commune_pc):
    from motcua.identity.models import Role

    leader = staff[Role.LEADER]
    run("officer", leader.username, commune_pc.code)
    run("seal", commune_pc.code)
    officer = services.certificate_of(leader)
    assert officer is not None
    cert = pki.load(officer)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    organisation = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert organisation == commune_pc.name
    assert services.seal_of(commune_pc) is not None
    printed = run("revoke", officer.serial, "--reason", "affiliation_changed")
    assert "Revoked" in printed
    assert services.certificate_of(leader) is None
    with pytest.raises(CommandError, match="already revoked"):
        run("revoke", officer.serial)


def test_unknown_users_agencies_and_serials_are_clear_errors(ca):
    with pytest.raises(CommandError, match="No user"):
        run("officer", "nobody", "000.00.00.H49")
    with pytest.raises(CommandError, match="No agency"):
        run("seal", "X.Y.Z")
    with pytest.raises(CommandError, match="No certificate"):
        run("revoke", "abc")


def _existing_ca(tmp_path):
    """A province's existing root and issuing CA, made elsewhere."""
    now = dt.datetime.now(dt.UTC)
    root_key, issuing_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Existing Root")])
    issuing_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Existing Issuing")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    issuing = (
        x509.CertificateBuilder()
        .subject_name(issuing_name)
        .issuer_name(root_name)
        .public_key(issuing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    paths = {}
    for name, data in (
        ("root.pem", root.public_bytes(serialization.Encoding.PEM)),
        ("issuing.pem", issuing.public_bytes(serialization.Encoding.PEM)),
        (
            "issuing-key.pem",
            issuing_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(b"mat-khau-rat-dai"),
            ),
        ),
    ):
        (tmp_path / name).write_bytes(data)
        paths[name] = str(tmp_path / name)
    return paths, root


def test_import_takes_over_an_existing_ca_and_issues_under_it(
    province, tmp_path, monkeypatch, staff, commune_pc
):
    from motcua.identity.models import Role

    paths, root = _existing_ca(tmp_path)
    monkeypatch.setenv("CA_KEY_PASSWORD", "mat-khau-rat-dai")
    run(
        "import",
        paths["root.pem"],
        paths["issuing.pem"],
        paths["issuing-key.pem"],
        "--password-env",
        "CA_KEY_PASSWORD",
    )
    officer = services.issue_certificate(
        CertificateKind.OFFICER, actor=None, holder=staff[Role.LEADER], agency=commune_pc
    )
    issuing = services.issuing_ca()
    assert issuing is not None and issuing.common_name == "Existing Issuing"
    pki.load(officer).verify_directly_issued_by(pki.load(issuing))
    pki.load(issuing).verify_directly_issued_by(root)


def test_import_refuses_a_key_that_is_not_the_issuing_cas(province, tmp_path):
    paths, _root = _existing_ca(tmp_path)
    other = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "other.pem").write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(CommandError, match="does not belong"):
        run("import", paths["root.pem"], paths["issuing.pem"], str(tmp_path / "other.pem"))
    assert not Certificate.objects.exists()


def test_sweep_finds_and_destroys_only_old_keys_no_certificate_names(ca, key_folder):
    import os
    import time

    from motcua.signing.keys import default_store

    store = default_store()
    stray, fresh = store.generate("ecdsa-p256"), store.generate("ecdsa-p256")
    hours_ago = time.time() - 2 * 3600
    os.utime(key_folder / f"{stray}.key", (hours_ago, hours_ago))
    for certificate in Certificate.objects.all():  # the CAs' keys are old but named
        os.utime(key_folder / f"{certificate.key_ref}.key", (hours_ago, hours_ago))
    printed = run("sweep")
    assert f"unused {stray}" in printed and fresh not in printed
    assert "1 key file(s)" in printed
    run("sweep", "--delete")
    assert not (key_folder / f"{stray}.key").exists()
    assert (key_folder / f"{fresh}.key").exists()
    assert all((key_folder / f"{c.key_ref}.key").exists() for c in Certificate.objects.all())
