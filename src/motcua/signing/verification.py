"""Verifying any PDF: per signature, who signed, when, whether the document is intact,
whether the chain leads to the provincial root, and whether the certificate was revoked
before the signature was made. Every input gets a verdict — a file that is not a PDF, a
damaged one, an unsigned one, one signed by a foreign CA — never an exception.

pyHanko's validator checks the cryptography and the chain (trust anchored at our root,
nothing fetched from the network); revocation is decided from the CA's own records, the
same ones its CRL is made from, at the signature's time: the timestamp token's when there
is one, else the time the signer states.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from motcua.core.exceptions import DomainError
from motcua.security.services import client_ip
from motcua.signing import pki
from motcua.signing.models import Certificate, CertificateKind, VerificationAttempt

logger = logging.getLogger(__name__)


class Verdict:
    """Of a whole file."""

    NOT_PDF = "not_pdf"
    DAMAGED = "damaged"
    UNSIGNED = "unsigned"
    VALID = "valid"  # every signature valid
    INVALID = "invalid"  # at least one is not


class SignatureVerdict:
    VALID = "valid"
    MODIFIED = "modified"  # the signed bytes changed
    UNTRUSTED = "untrusted"  # intact, but not from the provincial CA
    REVOKED = "revoked"  # made after its certificate was revoked
    BROKEN = "broken"  # cannot be checked at all


@dataclass
class SignatureReport:
    field_name: str
    verdict: str
    signer: str = ""
    organisation: str = ""
    serial: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    changed_after: bool = False  # content changed by a later revision, not just signatures
    revoked_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == SignatureVerdict.VALID

    @property
    def message(self) -> str:
        if self.verdict == SignatureVerdict.MODIFIED:
            return _("The document was modified after it was signed.")
        if self.verdict == SignatureVerdict.UNTRUSTED:
            return _(
                "The signature is intact, but its certificate was not issued by the "
                "provincial certification authority."
            )
        if self.verdict == SignatureVerdict.REVOKED:
            return _("The signature was made after its certificate was revoked.")
        if self.verdict == SignatureVerdict.BROKEN:
            return _("This signature cannot be read; treat it as invalid.")
        if self.revoked_at is not None:
            return _("The signature is valid: it was made before its certificate was revoked.")
        return _("The signature is valid and the document is unchanged since it was signed.")


@dataclass
class Report:
    verdict: str
    sha256: str
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def message(self) -> str:
        return {
            Verdict.NOT_PDF: _("This file is not a PDF document."),
            Verdict.DAMAGED: _(
                "This PDF is damaged or was altered so that it can no longer be read; "
                "its signatures cannot be trusted."
            ),
            Verdict.UNSIGNED: _("This PDF carries no digital signature."),
            Verdict.VALID: _("Every signature in this document is valid."),
            Verdict.INVALID: _("At least one signature in this document is not valid."),
        }[self.verdict]


def _trust() -> tuple[list[asn1_x509.Certificate], list[asn1_x509.Certificate]]:
    cas = list(Certificate.objects.filter(kind__in=[CertificateKind.ROOT, CertificateKind.ISSUING]))
    roots = [pki.as_asn1(ca) for ca in cas if ca.kind == CertificateKind.ROOT]
    intermediates = [pki.as_asn1(ca) for ca in cas if ca.kind == CertificateKind.ISSUING]
    return roots, intermediates


def _name_part(certificate: asn1_x509.Certificate, key: str) -> str:
    value = certificate.subject.native.get(key, "")
    return value[-1] if isinstance(value, list) else str(value or "")


def _revocation(certificate: asn1_x509.Certificate) -> dt.datetime | None:
    """When the signer's certificate, or a CA above it, was revoked by us (None: never)."""
    serial = f"{certificate.serial_number:x}"
    record = Certificate.objects.filter(serial=serial).select_related("issuer__issuer").first()
    if record is None:
        return None
    times = [c.revoked_at for c in (record, *pki.chain_of(record)) if c.revoked_at is not None]
    return min(times, default=None)


def _report(status: PdfSignatureStatus, field_name: str) -> SignatureReport:
    cert = status.signing_cert
    timestamp = status.timestamp_validity
    # A time-stamp authority's time counts only when its token checks out; otherwise the
    # time the signer states is all there is.
    if timestamp is not None and not (timestamp.intact and timestamp.valid and timestamp.trusted):
        timestamp = None
    signed_at = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    report = SignatureReport(
        field_name=field_name,
        verdict=SignatureVerdict.VALID,
        signer=_name_part(cert, "common_name"),
        organisation=_name_part(cert, "organization_name"),
        serial=f"{cert.serial_number:x}",
        signed_at=signed_at,
        timestamped=timestamp is not None,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        changed_after=not status.docmdp_ok if status.docmdp_ok is not None else False,
    )
    level = status.modification_level
    if level is not None and level.name not in ("NONE", "LTA_UPDATES", "FORM_FILLING"):
        report.changed_after = True
    if report.trusted:
        report.revoked_at = _revocation(cert)
    if not report.intact or report.changed_after:
        report.verdict = SignatureVerdict.MODIFIED
    elif not report.trusted:
        report.verdict = SignatureVerdict.UNTRUSTED
    elif report.revoked_at is not None and (signed_at is None or signed_at >= report.revoked_at):
        report.verdict = SignatureVerdict.REVOKED
    return report


class TooManyVerifications(DomainError):
    status_code = 429


def count_attempt(request: HttpRequest) -> None:
    """Count a verification from the request's address; past the limit in ten minutes,
    refuse it (429) before any work is done."""
    now = timezone.now()
    ip = client_ip(request)
    recent = VerificationAttempt.objects.filter(
        source_ip=ip, at__gte=now - dt.timedelta(minutes=10)
    )
    if recent.count() >= settings.MOTCUA_VERIFICATIONS_PER_10_MIN:
        raise TooManyVerifications(
            _("Too many verifications from your address; try again in 10 minutes."),
            code="throttled",
        )
    VerificationAttempt.objects.create(source_ip=ip, at=now)


def verify_pdf(data: bytes) -> Report:
    """The report on `data`, whatever it holds."""
    digest = hashlib.sha256(data).hexdigest()
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return Report(Verdict.NOT_PDF, digest)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # any parse failure of a hostile or broken file is a verdict
        logger.info("unreadable PDF %s", digest, exc_info=True)
        return Report(Verdict.DAMAGED, digest)
    if not embedded:
        return Report(Verdict.UNSIGNED, digest)
    roots, intermediates = _trust()
    signatures = []
    for signature in embedded:
        context = ValidationContext(
            trust_roots=roots,
            other_certs=intermediates,
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        name = signature.field_name or ""
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except Exception:
            logger.info("unverifiable signature %s in %s", name, digest, exc_info=True)
            signatures.append(SignatureReport(field_name=name, verdict=SignatureVerdict.BROKEN))
            continue
        signatures.append(_report(status, name))
    verdict = Verdict.VALID if all(s.ok for s in signatures) else Verdict.INVALID
    return Report(verdict, digest, signatures)
