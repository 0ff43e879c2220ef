"""Accepting an uploaded import file and queueing its import."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.identity.models import User
from motcua.registry.importing.sources import UnreadableFile, sniff
from motcua.registry.models import ImportJob, ImportStatus
from motcua.security.models import AuditAction
from motcua.security.services import record

DEFAULT_MAX_BYTES = 512 * 1024 * 1024


def max_upload_bytes() -> int:
    """The largest import file accepted (MOTCUA_REGISTRY_IMPORT_MAX_BYTES)."""
    return int(getattr(settings, "MOTCUA_REGISTRY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def start_import(
    uploaded: UploadedFile, *, by: User, request: HttpRequest | None = None
) -> ImportJob:
    """Check an uploaded file, store it and queue its import.

    Refuses, with a DomainError carrying a translated message, a file over the size limit
    or one that is neither an Excel workbook (a ZIP holding xl/workbook.xml) nor UTF-8 CSV
    text starting with the expected header. Otherwise stores the file through the default
    storage in a new ImportJob (queued, created_by=by) and enqueues the import task once
    the transaction commits, so the worker never looks for a job that does not exist yet.
    """
    limit = max_upload_bytes()
    size = uploaded.size or 0
    if size > limit:
        raise DomainError(
            _("The file is %(size)s; the largest file accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="import_too_large",
        )
    uploaded.open("rb")
    try:
        sniff(uploaded)  # type: ignore[arg-type]  # a File is a binary stream
    except UnreadableFile as exc:
        raise DomainError(str(exc), code="import_wrong_kind") from exc
    finally:
        uploaded.seek(0)
    from motcua.registry.tasks import run_import

    name = Path(uploaded.name or "import").name[:255]
    with transaction.atomic():
        job = ImportJob(original_name=name, created_by=by, status=ImportStatus.QUEUED)
        job.file.save(name, uploaded, save=False)
        job.save()
        record(
            AuditAction.CREATE,
            request=request,
            actor=by,
            obj=job,
            data={"event": "registry_import_queued", "file": name, "bytes": size},
        )
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job
