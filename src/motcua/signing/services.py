"""The provincial CA's state changes: set it up, issue certificates (officers, agency
seals, citizens), revoke them, publish CRLs. Every change is audited in its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import Agency
from motcua.identity.models import AccountKind, EidLevel, RoleAssignment, User
from motcua.security.models import AuditAction
from motcua.security.services import record
from motcua.signing import pki
from motcua.signing.keys import default_store
from motcua.signing.models import (
    END_ENTITY_KINDS,
    Certificate,
    CertificateKind,
    KeyAlgorithm,
    RevocationList,
    RevocationReason,
    SignedDocument,
)
from motcua.signing.stamping import LOWER_LEFT, LOWER_RIGHT, Stamp, sign_pdf
from motcua.warehouse.models import Document

ROOT_YEARS = 20
ISSUING_YEARS = 10
END_ENTITY_YEARS = {
    CertificateKind.OFFICER: 3,
    CertificateKind.SEAL: 5,
    CertificateKind.CITIZEN: 3,
}


def _already_in_force() -> str:
    return _("A certificate of this kind is already in force; revoke it before issuing another.")


def _years(start: dt.datetime, years: int) -> dt.datetime:
    return start + dt.timedelta(days=365 * years + years // 4)


def _province_names() -> tuple[str, str]:
    """The province's name and its People's Committee's, for CA subjects."""
    from motcua.core.services import province_unit

    province = province_unit().name
    top = Agency.objects.filter(parent__isnull=True, is_active=True).order_by("code").first()
    return province, (top.name if top is not None else province)


def _save(
    der: bytes,
    *,
    kind: str,
    issuer: Certificate | None,
    key_backend: str,
    key_ref: str,
    algorithm: str,
    actor: User | None,
    holder: User | None = None,
    agency: Agency | None = None,
) -> Certificate:
    cert = x509.load_der_x509_certificate(der)
    common_name = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                kind=kind,
                serial=f"{cert.serial_number:x}",
                common_name=str(common_name),
                subject=cert.subject.rfc4514_string()[:1000],
                issuer=issuer,
                der=der,
                algorithm=algorithm,
                key_backend=key_backend,
                key_ref=key_ref,
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
                holder=holder,
                agency=agency,
                created_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError as exc:
        raise Conflict(
            _already_in_force(),
            code="certificate_exists",
        ) from exc
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=certificate,
        agency=agency,
        data={"event": "certificate_issued", "kind": kind, "serial": certificate.serial},
    )
    return certificate


def unused_keys(*, older_than_hours: float = 1.0) -> list[str]:
    """Key files no certificate names — left by an issuance whose transaction rolled back
    after the key was made. Recent ones are left out: their certificate may be on its way."""
    import time

    from motcua.signing.keys import FILE, FileKeyStore, store_for

    store = store_for(FILE)
    assert isinstance(store, FileKeyStore)
    named = set(Certificate.objects.filter(key_backend=FILE).values_list("key_ref", flat=True))
    cutoff = time.time() - older_than_hours * 3600
    return [ref for ref in store.references(cutoff) if ref not in named]


def root_ca() -> Certificate | None:
    return Certificate.objects.filter(kind=CertificateKind.ROOT, revoked_at__isnull=True).first()


def issuing_ca() -> Certificate | None:
    return (
        Certificate.objects.filter(kind=CertificateKind.ISSUING, revoked_at__isnull=True)
        .select_related("issuer")
        .first()
    )


def is_set_up() -> bool:
    return issuing_ca() is not None


def _require_issuing_ca() -> Certificate:
    ca = issuing_ca()
    if ca is None:
        raise Conflict(
            _("The provincial CA is not set up yet: run `motcua signing init`."), code="no_ca"
        )
    return ca


@transaction.atomic
def init_ca(
    *, actor: User | None = None, algorithm: str | None = None
) -> tuple[Certificate, Certificate]:
    """Create the provincial root CA and the issuing CA under it, keys in the configured
    store. Does nothing (returns them) when they exist already."""
    root, issuing = root_ca(), issuing_ca()
    if root is not None and issuing is not None:
        return root, issuing
    algorithm = algorithm or settings.MOTCUA_SIGNING_ALGORITHM
    province, _committee = _province_names()
    if root is None:
        root = _new_ca(CertificateKind.ROOT, f"{province} Root CA", None, algorithm, actor=actor)
    issuing = _new_ca(
        CertificateKind.ISSUING, f"{province} Issuing CA", root, algorithm, actor=actor
    )
    return root, issuing


def _new_ca(
    kind: str, common_name: str, issuer: Certificate | None, algorithm: str, *, actor: User | None
) -> Certificate:
    """A CA certificate and key: the root signs itself, the issuing CA is signed by it."""
    province, committee = _province_names()
    years = ROOT_YEARS if kind == CertificateKind.ROOT else ISSUING_YEARS
    return _make(
        kind,
        pki.name(common_name, organisation=committee, province=province),
        issuer,
        algorithm,
        years=years,
        actor=actor,
        backdate=dt.timedelta(minutes=5),
    )


def _make(
    kind: str,
    subject: x509.Name,
    issuer: Certificate | None,
    algorithm: str,
    *,
    years: int,
    actor: User | None,
    holder: User | None = None,
    agency: Agency | None = None,
    backdate: dt.timedelta = dt.timedelta(minutes=1),
) -> Certificate:
    """A new key in the configured store and its certificate, signed by `issuer` (itself
    for a root, never past the issuer's own end), saved and audited. A certificate refused
    on the way leaves no unused key behind."""
    store = default_store()
    key_ref = store.generate(algorithm)
    try:
        now = timezone.now() - backdate
        not_after = _years(now, years)
        if issuer is not None:
            not_after = min(not_after, pki.load(issuer).not_valid_after_utc)
        builder = pki.builder_for(
            subject,
            store.public_key(key_ref),
            kind=kind,
            issuer=issuer,
            not_before=now,
            not_after=not_after,
        )
        signer = issuer or Certificate(
            key_backend=store.backend, key_ref=key_ref, algorithm=algorithm
        )
        der = pki.sign_certificate(
            builder,
            key_backend=signer.key_backend,
            key_ref=signer.key_ref,
            algorithm=signer.algorithm,
        )
        with transaction.atomic():
            return _save(
                der,
                kind=kind,
                issuer=issuer,
                key_backend=store.backend,
                key_ref=key_ref,
                algorithm=algorithm,
                actor=actor,
                holder=holder,
                agency=agency,
            )
    except BaseException:
        store.discard(key_ref)
        raise


@transaction.atomic
def import_ca(
    *,
    root_pem: bytes,
    issuing_pem: bytes,
    issuing_key_pem: bytes,
    password: bytes | None = None,
    actor: User | None = None,
) -> tuple[Certificate, Certificate]:
    """Take over an existing root (its key stays offline) and an issuing CA with its key,
    which is stored encrypted like the keys made here."""
    from motcua.signing.keys import FILE, store_for

    if root_ca() is not None or issuing_ca() is not None:
        raise Conflict(_("The province already has a CA; a second one cannot be imported."))
    root_cert = x509.load_pem_x509_certificate(root_pem)
    issuing_cert = x509.load_pem_x509_certificate(issuing_pem)
    key = serialization.load_pem_private_key(issuing_key_pem, password=password)
    if issuing_cert.public_key().public_numbers() != key.public_key().public_numbers():  # type: ignore[union-attr]
        raise DomainError(_("The private key does not belong to the issuing CA certificate."))
    try:
        issuing_cert.verify_directly_issued_by(root_cert)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise DomainError(_("The issuing CA certificate was not issued by this root.")) from exc
    algorithm = (
        KeyAlgorithm.ECDSA_P256
        if isinstance(key, ec.EllipticCurvePrivateKey)
        else KeyAlgorithm.RSA_2048
    )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise DomainError(_("Only RSA and ECDSA keys are supported."))
    store = store_for(FILE)
    key_ref = store.adopt(key)  # type: ignore[attr-defined]
    root = _save(
        root_cert.public_bytes(serialization.Encoding.DER),
        kind=CertificateKind.ROOT,
        issuer=None,
        key_backend="",
        key_ref="",
        algorithm=algorithm,
        actor=actor,
    )
    issuing = _save(
        issuing_cert.public_bytes(serialization.Encoding.DER),
        kind=CertificateKind.ISSUING,
        issuer=root,
        key_backend=FILE,
        key_ref=key_ref,
        algorithm=algorithm,
        actor=actor,
    )
    return root, issuing


def issue_certificate(
    kind: str,
    *,
    actor: User | None,
    holder: User | None = None,
    agency: Agency | None = None,
    algorithm: str | None = None,
) -> Certificate:
    """A new end-entity certificate and key: an officer's (holder, their agency), an
    agency's seal (agency) or a citizen's (holder, level 2, free)."""
    if kind not in END_ENTITY_KINDS:
        raise ValueError(kind)
    ca = _require_issuing_ca()
    province, _committee = _province_names()
    if kind == CertificateKind.CITIZEN:
        if holder is None or holder.citizen_id is None or holder.eid_level < EidLevel.LEVEL_2:
            raise DomainError(
                _("A signing certificate is issued to citizens whose e-ID is level 2."),
                code="level_2_required",
            )
        citizen = holder.citizen
        assert citizen is not None
        subject = pki.name(citizen.full_name, province=province, uid=f"CCCD:{citizen.id_number}")
    elif kind == CertificateKind.SEAL:
        if agency is None:
            raise ValueError("a seal needs an agency")
        subject = pki.name(agency.name, organisation=agency.name, province=province)
    else:
        if holder is None or agency is None:
            raise ValueError("an officer certificate needs a holder and an agency")
        # The certificate names the agency: it goes only to someone who works there.
        if not (
            holder.is_active
            and holder.kind == AccountKind.STAFF
            and RoleAssignment.objects.filter(user=holder, agency=agency).exists()
        ):
            raise DomainError(
                _("%(user)s holds no role at %(agency)s.")
                % {"user": holder.get_username(), "agency": agency.name},
                code="not_at_agency",
            )
        subject = pki.name(
            holder.get_full_name() or holder.get_username(),
            organisation=agency.name,
            province=province,
        )
    _supersede_expired(kind, holder=holder, agency=agency)
    in_force = None
    if kind == CertificateKind.SEAL and agency is not None:
        in_force = seal_of(agency)
    elif holder is not None:
        in_force = certificate_of(holder, kind)
    if in_force is not None:  # checked before a key is made; the constraint still decides
        raise Conflict(_already_in_force(), code="certificate_exists")
    return _make(
        kind,
        subject,
        ca,
        algorithm or settings.MOTCUA_SIGNING_ALGORITHM,
        years=END_ENTITY_YEARS[CertificateKind(kind)],
        actor=actor,
        holder=holder,
        agency=agency,
    )


def _supersede_expired(kind: str, *, holder: User | None, agency: Agency | None) -> None:
    """An expired certificate nobody revoked still counts as the one of its holder (the
    database allows one not revoked); the new one supersedes it."""
    expired = Certificate.objects.filter(
        kind=kind, revoked_at__isnull=True, not_after__lte=timezone.now()
    )
    expired = expired.filter(agency=agency) if kind == CertificateKind.SEAL else expired
    expired = expired.filter(holder=holder) if kind != CertificateKind.SEAL else expired
    for certificate in expired:
        revoke(certificate, reason=RevocationReason.SUPERSEDED, actor=None)


@transaction.atomic
def revoke(
    certificate: Certificate,
    *,
    reason: str = RevocationReason.UNSPECIFIED,
    actor: User | None,
    at: dt.datetime | None = None,
) -> Certificate:
    """Revoke from `at` (now), with an RFC 5280 reason; the CA's CRL is reissued at once."""
    RevocationReason(reason)  # a bad reason is a programming error, not a user's
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise Conflict(_("This certificate is already revoked."), code="already_revoked")
    locked.revoked_at = at or timezone.now()
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revocation_reason"])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=locked,
        agency=locked.agency,
        data={"event": "certificate_revoked", "serial": locked.serial, "reason": reason},
    )
    if locked.issuer is not None and locked.issuer.key_ref:
        publish_crl(locked.issuer)
    certificate.revoked_at, certificate.revocation_reason = locked.revoked_at, reason
    return locked


@transaction.atomic
def publish_crl(ca: Certificate) -> RevocationList:
    """Sign a new CRL of `ca` listing every certificate it issued that is revoked."""
    Certificate.objects.select_for_update().filter(pk=ca.pk).first()  # one issuer at a time
    last = RevocationList.objects.filter(ca=ca).order_by("-number").first()
    number = (last.number if last is not None else 0) + 1
    now = timezone.now().replace(microsecond=0)
    revoked = list(Certificate.objects.filter(issuer=ca, revoked_at__isnull=False).order_by("pk"))
    der = pki.sign_crl(ca, pki.crl_builder(ca, revoked, number, now))
    return RevocationList.objects.create(
        ca=ca,
        number=number,
        der=der,
        this_update=now,
        next_update=now + dt.timedelta(days=pki.CRL_VALID_DAYS),
    )


def current_crl(ca: Certificate) -> RevocationList:
    """The CRL to serve: the newest, reissued when a day old (it is valid for a week)."""
    last = RevocationList.objects.filter(ca=ca).order_by("-number").first()
    if last is None or last.this_update < timezone.now() - dt.timedelta(days=1):
        return publish_crl(ca)
    return last


def certificate_of(holder: User, kind: str = CertificateKind.OFFICER) -> Certificate | None:
    """The holder's certificate in force (not revoked, not expired)."""
    return (
        Certificate.objects.filter(
            kind=kind, holder=holder, revoked_at__isnull=True, not_after__gt=timezone.now()
        )
        .select_related("issuer__issuer", "agency")
        .first()
    )


def seal_of(agency: Agency) -> Certificate | None:
    return (
        Certificate.objects.filter(
            kind=CertificateKind.SEAL,
            agency=agency,
            revoked_at__isnull=True,
            not_after__gt=timezone.now(),
        )
        .select_related("issuer__issuer", "agency")
        .first()
    )


def counts_by_kind() -> dict[str, int]:
    """Certificates issued per end-entity kind, and how many of them are in force."""
    from django.db.models import Count, Q

    rows = (
        Certificate.objects.filter(kind__in=END_ENTITY_KINDS)
        .values("kind")
        .annotate(total=Count("pk"), live=Count("pk", filter=Q(revoked_at__isnull=True)))
    )
    counts = {str(kind): 0 for kind in END_ENTITY_KINDS} | {
        f"{kind}_live": 0 for kind in END_ENTITY_KINDS
    }
    for row in rows:
        counts[row["kind"]], counts[f"{row['kind']}_live"] = row["total"], row["live"]
    return counts


# --- signing documents ------------------------------------------------------------------


def verify_url(token: object) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}/verify/{token}/"


def _stamp(
    certificate: Certificate, signed: SignedDocument, box: tuple[int, int, int, int]
) -> Stamp:
    with translation.override("vi"):  # the documents are Vietnamese, whoever signs
        return Stamp(
            signer_label=_("Signed by"),
            agency_label=_("Agency"),
            time_label=_("Time"),
            agency=certificate.agency.name if certificate.agency is not None else "",
            verify_url=verify_url(signed.token),
            box=box,
        )


def _usable(certificate: Certificate | None, missing: str) -> Certificate:
    if certificate is None:
        raise Conflict(missing, code="no_certificate")
    return certificate


def sign_document(
    pdf: bytes,
    placements: list[tuple[Certificate, str, tuple[int, int, int, int]]],
    *,
    title: str,
    agency: Agency | None,
    actor: User | None,
    reason: str = "",
) -> tuple[bytes, SignedDocument]:
    """Sign `pdf` once per (certificate, field name, stamp box), in order, each signature
    an incremental update over the last; record it for the QR code's page. Runs in the
    caller's transaction."""
    signed = SignedDocument.objects.create(title=title[:255], agency=agency)
    for certificate, field_name, box in placements:
        pdf = sign_pdf(
            pdf,
            certificate,
            field_name=field_name,
            stamp=_stamp(certificate, signed, box),
            reason=reason,
        )
    signed.sha256 = hashlib.sha256(pdf).hexdigest()
    signed.save(update_fields=["sha256"])
    signed.certificates.add(*(certificate for certificate, _f, _b in placements))
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=signed,
        agency=agency,
        data={
            "event": "document_signed",
            "certificates": [certificate.serial for certificate, _f, _b in placements],
            "sha256": signed.sha256,
        },
    )
    return pdf, signed


def sign_result(
    pdf: bytes, *, leader: User, agency: Agency, title: str
) -> tuple[bytes, SignedDocument]:
    """Step 4: the leader's personal signature, then the handling agency's seal."""
    personal = _usable(
        certificate_of(leader),
        _("You have no signing certificate in force; ask the administrator to issue one."),
    )
    seal = _usable(
        seal_of(agency),
        _("%(agency)s has no seal certificate in force; ask the administrator to issue one.")
        % {"agency": agency.name},
    )
    with translation.override("vi"):
        reason = _("Approval of the result")
    return sign_document(
        pdf,
        [(personal, "LeaderSignature", LOWER_RIGHT), (seal, "AgencySeal", LOWER_LEFT)],
        title=title,
        agency=agency,
        actor=leader,
        reason=reason,
    )


def sign_as_citizen(
    pdf: bytes,
    *,
    user: User,
    second_factor_code: str,
    title: str,
    request: HttpRequest,
    keep: Callable[[bytes], Document | None] | None = None,
) -> tuple[bytes, SignedDocument]:
    """A citizen signs their own document with their certificate. Remote signing: the key
    stays here; each signature is confirmed with the account's second factor, checked
    (and a replay refused) before the key is used."""
    from motcua.identity.accounts.login import check_totp, has_second_factor

    certificate = _usable(
        certificate_of(user, CertificateKind.CITIZEN),
        _("You have no signing certificate in force; request one on “My signature”."),
    )
    if not has_second_factor(user):
        raise DomainError(
            _("Set up your authenticator app first: each signature is confirmed with it."),
            code="second_factor_required",
        )
    check_totp(request, user, second_factor_code)
    # After the code is spent (a failed code must stay counted): all of the signing or none.
    # `keep` files the signed PDF (in the warehouse) in the same transaction.
    with transaction.atomic():
        signed_pdf, signed = sign_document(
            pdf,
            [(certificate, f"Citizen{certificate.serial[:8]}", LOWER_RIGHT)],
            title=title,
            agency=None,
            actor=user,
        )
        if keep is not None and (document := keep(signed_pdf)) is not None:
            signed.document = document
            signed.save(update_fields=["document"])
        return signed_pdf, signed
