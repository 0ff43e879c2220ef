"""X.509 building blocks of the provincial CA (with the `cryptography` package): names,
certificate profiles, signing a certificate or CRL with a CA key wherever it lives.

A CA key in a PKCS#11 module cannot be handed to `cryptography`'s builders, so there the
builder lays out the structure with a throw-away key of the same kind and the module signs
the to-be-signed bytes; the result is reassembled with asn1crypto. Both paths give a
standard certificate that any validator reads the same way.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import NameOID
from django.conf import settings

from motcua.signing.keys import new_private_key, store_for
from motcua.signing.models import Certificate, CertificateKind, RevocationReason

HASH = hashes.SHA256()
CRL_VALID_DAYS = 7

CRL_REASONS = {
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.PRIVILEGE_WITHDRAWN: x509.ReasonFlags.privilege_withdrawn,
}


def name(
    common_name: str, *, organisation: str = "", province: str = "", uid: str = ""
) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if province:
        attributes.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province))
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    if uid:
        attributes.append(x509.NameAttribute(NameOID.USER_ID, uid))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def crl_path(ca_serial: str) -> str:
    return f"/pki/crl/{ca_serial}.crl"


def crl_url(ca: Certificate) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}{crl_path(ca.serial)}"


def load(certificate: Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(certificate.der))


def as_asn1(certificate: Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(bytes(certificate.der))


def chain_of(certificate: Certificate) -> list[Certificate]:
    """The certificate's CAs, issuing first, up to the root."""
    chain: list[Certificate] = []
    current = certificate.issuer
    while current is not None:
        chain.append(current)
        current = current.issuer
    return chain


def builder_for(
    subject: x509.Name,
    public_key: PublicKeyTypes,
    *,
    kind: str,
    issuer: Certificate | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.CertificateBuilder:
    """A certificate of `kind` with its profile's extensions: CAs sign certificates and
    CRLs; end entities (officers, seals, citizens) sign documents (digital signature and
    non-repudiation), and name their CA's CRL."""
    issuer_cert = load(issuer) if issuer is not None else None
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(public_key)  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)  # type: ignore[arg-type]
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    is_ca = kind in (CertificateKind.ROOT, CertificateKind.ISSUING)
    builder = builder.add_extension(
        x509.BasicConstraints(
            ca=is_ca, path_length=(1 if kind == CertificateKind.ROOT else 0) if is_ca else None
        ),
        critical=True,
    )
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature=not is_ca,
            content_commitment=not is_ca,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=is_ca,
            crl_sign=is_ca,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url(issuer))],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    return builder


@cache
def _stand_in_key(algorithm: str):  # type: ignore[no-untyped-def]
    return new_private_key(algorithm)


def sign_certificate(
    builder: x509.CertificateBuilder, *, key_backend: str, key_ref: str, algorithm: str
) -> bytes:
    """The DER certificate signed with the CA key `key_ref` (the issuer's, or the new
    root's own)."""
    store = store_for(key_backend)
    key = store.private_key(key_ref)
    if key is not None:
        return builder.sign(key, HASH).public_bytes(serialization.Encoding.DER)
    draft = builder.sign(_stand_in_key(algorithm), HASH)
    layout = asn1_x509.Certificate.load(draft.public_bytes(serialization.Encoding.DER))
    return asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(draft.tbs_certificate_bytes),
            "signature_algorithm": layout["signature_algorithm"],
            "signature_value": store.sign(key_ref, draft.tbs_certificate_bytes),
        }
    ).dump()


def sign_crl(ca: Certificate, builder: x509.CertificateRevocationListBuilder) -> bytes:
    store = store_for(ca.key_backend)
    key = store.private_key(ca.key_ref)
    if key is not None:
        return builder.sign(key, HASH).public_bytes(serialization.Encoding.DER)
    draft = builder.sign(_stand_in_key(ca.algorithm), HASH)
    layout = asn1_crl.CertificateList.load(draft.public_bytes(serialization.Encoding.DER))
    return asn1_crl.CertificateList(
        {
            "tbs_cert_list": asn1_crl.TbsCertList.load(draft.tbs_certlist_bytes),
            "signature_algorithm": layout["signature_algorithm"],
            "signature": store.sign(ca.key_ref, draft.tbs_certlist_bytes),
        }
    ).dump()


def crl_builder(
    ca: Certificate, revoked: list[Certificate], number: int, now: dt.datetime
) -> x509.CertificateRevocationListBuilder:
    ca_cert = load(ca)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=CRL_VALID_DAYS))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    for certificate in revoked:
        assert certificate.revoked_at is not None
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(certificate.serial, 16))
            .revocation_date(certificate.revoked_at)
        )
        reason = CRL_REASONS.get(RevocationReason(certificate.revocation_reason or "unspecified"))
        if reason is not None and reason != x509.ReasonFlags.unspecified:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder
