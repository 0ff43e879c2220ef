"""Supporting documents of an organisation application: PDF, JPEG or PNG, told apart by
their first bytes (never by their name), no larger than a configurable limit."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.warehouse import uploads

MIN_DOCUMENTS = 1
MAX_DOCUMENTS = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# The file extension kept for each content type the warehouse's sniff recognises.
EXTENSIONS = {uploads.PDF: "pdf", uploads.JPEG: "jpg", uploads.PNG: "png"}


def max_bytes() -> int:
    """The largest accepted document: MOTCUA_ORGANISATION_DOCUMENT_MAX_BYTES, 10 MB by default."""
    return int(getattr(settings, "MOTCUA_ORGANISATION_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) for the first bytes of a file, or None if not accepted;
    the types are the warehouse's (`warehouse.uploads.sniff`)."""
    content_type = uploads.sniff(head)
    return (content_type, EXTENSIONS[content_type]) if content_type is not None else None


@dataclass(frozen=True)
class CheckedDocument:
    original_name: str
    content_type: str
    extension: str
    content: bytes
    sha256: str

    def as_file(self) -> ContentFile:
        """The content under a random stored name (the user's name is kept apart)."""
        return ContentFile(self.content, name=f"{uuid.uuid4().hex}.{self.extension}")


def check_documents(files: list[UploadedFile]) -> list[CheckedDocument]:
    """Read and check every file before any is stored; raise DomainError on the first
    that breaks a rule, naming the file and the rule."""
    if len(files) < MIN_DOCUMENTS:
        raise DomainError(
            _("Attach at least one supporting document (PDF, JPEG or PNG)."),
            code="documents_missing",
        )
    if len(files) > MAX_DOCUMENTS:
        raise DomainError(
            _("Attach at most %(count)d documents.") % {"count": MAX_DOCUMENTS},
            code="documents_too_many",
        )
    limit = max_bytes()
    checked: list[CheckedDocument] = []
    for upload in files:
        name = (upload.name or "document")[:255]
        if upload.size is not None and upload.size > limit:
            raise _too_large(name, limit)
        upload.seek(0)
        content = upload.read(limit + 1)
        if len(content) > limit:
            raise _too_large(name, limit)
        kind = sniff(content[:16])
        if kind is None:
            raise DomainError(
                _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": name},
                code="document_type",
            )
        checked.append(
            CheckedDocument(
                original_name=name,
                content_type=kind[0],
                extension=kind[1],
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return checked


def _too_large(name: str, limit: int) -> DomainError:
    return DomainError(
        _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)},
        code="document_too_large",
    )
