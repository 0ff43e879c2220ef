"""Revocation: a signature made after its certificate was revoked is invalid on the
verification page; the CRL at its fixed address lists the certificate; a citizen's death
revokes theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.core.exceptions import Conflict
from motcua.registry import services as registry
from motcua.signing import pki, services, stamping
from motcua.signing.models import CertificateKind, RevocationReason
from tests.signing.conftest import a_pdf

pytestmark = pytest.mark.django_db


def signed_with(certificate, at=None) -> bytes:
    stamp = stamping.Stamp("Ký bởi", "Cơ quan", "Thời gian", "UBND", "https://x/verify/")
    return stamping.sign_pdf(a_pdf(), certificate, field_name="Sig", stamp=stamp, at=at)


def verdict(client, pdf: bytes):
    response = client.post("/verify/", {"file": SimpleUploadedFile("d.pdf", pdf)})
    assert response.status_code == 200
    return response, response.context["report"].signatures[0]


def test_a_signature_made_after_revocation_is_invalid(client, signer_certificates):
    personal, _seal = signer_certificates
    revoked_at = timezone.now() - dt.timedelta(minutes=10)
    services.revoke(personal, reason=RevocationReason.KEY_COMPROMISE, actor=None, at=revoked_at)
    # Someone holding the compromised key signs afterwards.
    response, signature = verdict(client, signed_with(personal))
    assert signature.verdict == "revoked"
    assert signature.intact and signature.trusted
    assert "The signature was made after its certificate was revoked." in response.text


def test_a_signature_made_before_revocation_stays_valid(client, signer_certificates):
    personal, _seal = signer_certificates
    pdf = signed_with(personal)
    services.revoke(
        personal,
        reason=RevocationReason.AFFILIATION_CHANGED,
        actor=None,
        at=timezone.now() + dt.timedelta(seconds=5),
    )
    response, signature = verdict(client, pdf)
    assert signature.verdict == "valid"
    assert signature.revoked_at is not None
    assert "made before its certificate was revoked" in response.text


def test_the_crl_at_its_address_lists_the_revoked_certificate(client, ca, signer_certificates):
    _root, issuing = ca
    personal, seal = signer_certificates
    services.revoke(personal, reason=RevocationReason.KEY_COMPROMISE, actor=None)
    # The address the certificate itself names.
    points = pki.load(personal).extensions.get_extension_for_class(x509.CRLDistributionPoints)
    url = points.value[0].full_name[0].value
    assert url == f"https://dichvucong.example.vn/pki/crl/{issuing.serial}.crl"
    response = client.get(url.removeprefix("https://dichvucong.example.vn"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.is_signature_valid(pki.load(issuing).public_key())
    entry = crl.get_revoked_certificate_by_serial_number(int(personal.serial, 16))
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason == x509.ReasonFlags.key_compromise
    assert crl.get_revoked_certificate_by_serial_number(int(seal.serial, 16)) is None


def test_each_revocation_issues_a_crl_with_a_higher_number(ca, signer_certificates):
    _root, issuing = ca
    personal, seal = signer_certificates
    services.revoke(personal, actor=None)
    first = services.current_crl(issuing)
    services.revoke(seal, actor=None)
    second = services.current_crl(issuing)
    assert second.number == first.number + 1
    assert len(x509.load_der_x509_crl(bytes(second.der))) == 2


def test_revoking_twice_is_refused_and_a_new_certificate_can_then_be_issued(
    signer_certificates, staff, commune_pc
):
    from motcua.identity.models import Role

    personal, _seal = signer_certificates
    leader = staff[Role.LEADER]
    with pytest.raises(Conflict):
        services.issue_certificate(
            CertificateKind.OFFICER, actor=None, holder=leader, agency=commune_pc
        )
    services.revoke(personal, actor=None)
    with pytest.raises(Conflict):
        services.revoke(personal, actor=None)
    assert services.certificate_of(leader) is None
    renewed = services.issue_certificate(
        CertificateKind.OFFICER, actor=None, holder=leader, agency=commune_pc
    )
    assert services.certificate_of(leader) == renewed


def test_a_citizens_death_revokes_their_certificate(
    ca, applicant, django_capture_on_commit_callbacks
):
    from motcua.identity.models import EidLevel

    applicant.eid_level = EidLevel.LEVEL_2
    applicant.save(update_fields=["eid_level"])
    certificate = services.issue_certificate(
        CertificateKind.CITIZEN, actor=applicant, holder=applicant
    )
    assert "CCCD:" in pki.load(certificate).subject.rfc4514_string()
    with django_capture_on_commit_callbacks(execute=True):
        registry.record_death(applicant.citizen, dt.date(2026, 11, 20))
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == RevocationReason.CESSATION_OF_OPERATION


def test_citizen_certificates_need_level_2(ca, applicant):
    from motcua.core.exceptions import DomainError
    from motcua.identity.models import EidLevel

    applicant.eid_level = EidLevel.LEVEL_1
    applicant.save(update_fields=["eid_level"])
    with pytest.raises(DomainError, match="level 2"):
        services.issue_certificate(CertificateKind.CITIZEN, actor=applicant, holder=applicant)


def test_an_expired_seal_is_superseded_when_a_new_one_is_issued(ca, commune_pc):
    old = services.issue_certificate(CertificateKind.SEAL, actor=None, agency=commune_pc)
    type(old).objects.filter(pk=old.pk).update(not_after=timezone.now() - dt.timedelta(days=1))
    assert services.seal_of(commune_pc) is None  # expired: cannot seal
    new = services.issue_certificate(CertificateKind.SEAL, actor=None, agency=commune_pc)
    old.refresh_from_db()
    assert old.revocation_reason == RevocationReason.SUPERSEDED
    assert services.seal_of(commune_pc) == new


def test_a_discarded_key_is_gone_from_the_store(ca, key_folder):
    from motcua.signing.keys import default_store

    store = default_store()
    key_ref = store.generate("ecdsa-p256")
    assert (key_folder / f"{key_ref}.key").exists()
    store.discard(key_ref)
    assert not (key_folder / f"{key_ref}.key").exists()
