"""The warehouse over HTTP (django-ninja), mounted at /api/warehouse/.

For now one operation: an external issuer's system delivers a document. Its credential
(`Authorization: Bearer <key id>.<secret>`) is accepted here and nowhere else — every
other route of the API authenticates people by their session — and there is no route
through which it reads anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from motcua.dossiers.schemas import ErrorOut, NoNul, ValidationErrorOut
from motcua.warehouse import issuers
from motcua.warehouse.models import Document, IssuerCredential

router = Router(tags=["warehouse"])


class IssuerAuth(HttpBearer):
    """An issuing system's credential; each authenticated request counts against the
    credential's limit a minute (429 past it)."""

    def authenticate(self, request: HttpRequest, token: str) -> IssuerCredential | None:
        credential = issuers.authenticate(token)
        if credential is not None:
            issuers.count_request(credential)
        return credential


class DeliveredOut(Schema):
    """What was stored, and nothing of the owner: the issuer reads nothing back."""

    id: int
    reference: str
    document_type: str
    sha256: str
    pages: int
    size: int


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 429)} | {
    422: ErrorOut | ValidationErrorOut
}


@router.post(
    "/issuer/documents",
    auth=IssuerAuth(),
    response={200: DeliveredOut, 201: DeliveredOut, **ERRORS},
    summary="An issuing system delivers a document",
)
def deliver(
    request: HttpRequest,
    file: File[UploadedFile],
    document_type: Annotated[str, Form(min_length=1, max_length=64, pattern=NoNul)],
    reference: Annotated[str, Form(min_length=1, max_length=128, pattern=NoNul)],
    id_number: Annotated[str, Form(max_length=12, pattern=NoNul)] = "",
    organisation_code: Annotated[str, Form(max_length=14, pattern=NoNul)] = "",
    title: Annotated[str, Form(max_length=255, pattern=NoNul)] = "",
    valid_from: Form[dt.date | None] = None,
    valid_to: Form[dt.date | None] = None,
) -> Status:
    """Deliver one document (a PDF, or a JPEG/PNG image) of a type the system is scoped
    for, for a living citizen (`id_number`) or an approved organisation
    (`organisation_code`). 201 when stored; 200 when the same `reference` was delivered
    before (the same document); 403 for a type outside the scope; 404 for an unknown
    owner; 422 for a refused file, with the reason."""
    credential: IssuerCredential = request.auth  # type: ignore[attr-defined]
    delivery = issuers.Delivery(
        document_type=document_type,
        reference=reference,
        id_number=id_number,
        organisation_code=organisation_code,
        title=title,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    document, created = issuers.deliver(credential, delivery, file, request=request)
    return Status(201 if created else 200, _delivered(document, delivery.reference.strip()))


def _delivered(document: Document, reference: str) -> dict[str, object]:
    return {
        "id": document.pk,
        "reference": reference,
        "document_type": document.document_type.code,
        "sha256": document.file.sha256,
        "pages": document.file.page_count,
        "size": document.file.size,
    }
