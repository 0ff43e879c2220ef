"""Verification over HTTP, mounted at /api/signing/: public, like the page; the file is
checked and discarded. Certificate counts for the programme dashboard."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from motcua.core.exceptions import DomainError
from motcua.dossiers.schemas import ErrorOut
from motcua.signing import services
from motcua.signing.verification import count_attempt, verify_pdf

router = Router(tags=["signing"])


class SignatureOut(Schema):
    field_name: str
    verdict: str  # valid | modified | untrusted | revoked | broken
    message: str
    signer: str
    organisation: str
    serial: str
    signed_at: dt.datetime | None
    timestamped: bool
    intact: bool
    trusted: bool
    revoked_at: dt.datetime | None


class ReportOut(Schema):
    verdict: str  # not_pdf | damaged | unsigned | valid | invalid
    message: str
    sha256: str
    signatures: list[SignatureOut]


class CountsOut(Schema):
    officer: int
    seal: int
    citizen: int
    officer_live: int
    seal_live: int
    citizen_live: int


@router.post("/verify", auth=None, response={200: ReportOut, 400: ErrorOut, 429: ErrorOut})
def verify(request: HttpRequest, file: File[UploadedFile]) -> dict[str, object]:
    """Verify a PDF: a verdict for the file, and per signature the signer, time, integrity,
    trust (the provincial root) and revocation at signing time."""
    if file.size is not None and file.size > settings.MOTCUA_MAX_ATTACHMENT_BYTES:
        raise DomainError(_("The file is too large."), code="too_large")
    count_attempt(request)
    report = verify_pdf(b"".join(file.chunks()))
    return {
        "verdict": report.verdict,
        "message": report.message,
        "sha256": report.sha256,
        "signatures": [
            {**signature.__dict__, "message": signature.message} for signature in report.signatures
        ],
    }


@router.get("/certificates/counts", auth=None, response=CountsOut)
def counts(request: HttpRequest) -> dict[str, int]:
    """Certificates issued by kind, and in force (programme figures, no personal data)."""
    found = services.counts_by_kind()
    return {key: found.get(key, 0) for key in CountsOut.model_fields}
