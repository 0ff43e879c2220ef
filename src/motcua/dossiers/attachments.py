"""Files handed in with a dossier: checked by content and size before anything is stored."""

from __future__ import annotations

import hashlib
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import DocumentType
from motcua.core.exceptions import DomainError
from motcua.dossiers import transitions as t
from motcua.dossiers.models import Attachment, Dossier
from motcua.identity.models import Role, User
from motcua.warehouse.uploads import sniff  # types by their first bytes, never the name


def _read_limited(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )
    return data


@transaction.atomic
def attach(
    dossier: Dossier,
    actor: User,
    *,
    name: str,
    stream: IO[bytes],
    document_type: DocumentType | None = None,
) -> Attachment:
    """Store a PDF, JPEG or PNG with the dossier. The applicant or an officer in scope may
    attach while the dossier is open; an empty, oversized or other kind of file is refused
    with the reason and nothing is written."""
    locked = t.lock(dossier, None)
    if locked.is_closed:
        raise DomainError(_("The dossier is closed."), code="closed")
    if locked.applicant_user_id != actor.pk:
        t.require(actor, {Role.ONE_STOP_OFFICER, Role.CLERK, Role.SPECIALIST}, locked)
    data = _read_limited(stream, settings.MOTCUA_MAX_ATTACHMENT_BYTES)
    if not data:
        raise DomainError(_("The file is empty."), code="empty")
    content_type = sniff(data[:16])
    if content_type is None:
        raise DomainError(
            _("Only PDF, JPEG and PNG files are accepted; this file is none of them."),
            code="file_type",
        )
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        dossier=locked,
        document_type=document_type,
        name=name[:255] or digest[:12],
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    attachment.file.save(f"{digest}{_suffix(content_type)}", ContentFile(data), save=False)
    # A failure after the file is written must not leave it behind without its row.
    stored = attachment.file.name
    storage = attachment.file.storage
    try:
        attachment.save()
        t.audit(locked, actor, "attached", sha256=digest, size=len(data))
    except BaseException:
        storage.delete(stored)
        raise
    return attachment


def _suffix(content_type: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[content_type]
