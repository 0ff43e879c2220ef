"""Background work of the registry app, run by the task worker (`motcua db_worker`)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from motcua.registry.importing.runner import import_file
from motcua.registry.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


@contextmanager
def _local_copy(stored: FieldFile) -> Iterator[Path]:
    """A path on this machine for a stored file: its own path when the storage is a local
    folder, else a temporary copy (removed afterwards)."""
    try:
        local: str | None = stored.path
    except NotImplementedError:  # remote storage (S3 …): no local path
        local = None
    if local is not None:
        yield Path(local)
        return
    suffix = Path(stored.name or "").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with stored.open("rb") as source:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)


def _counts(job: ImportJob) -> dict:
    return {
        "job": job.pk,
        "status": job.status,
        "rows": job.processed_rows,
        "created": job.created_rows,
        "updated": job.updated_rows,
        "unchanged": job.unchanged_rows,
        "invalid": job.invalid_rows,
    }


@task()
def run_import(job_id: int) -> dict:
    """Import the file stored in ImportJob `job_id`; return its counts.

    A job that already ended is not run again. Whatever happens, the job does not stay
    "running": an unexpected error marks it failed with a message (and is re-raised so
    the task result records it too).
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return _counts(job)
    try:
        if not job.file:
            raise FileNotFoundError(job.original_name)
        with _local_copy(job.file) as path:
            job = import_file(path, job=job, by=job.created_by)
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).exclude(status=ImportStatus.FAILED).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("The import could not run: %(error)s")
            % {"error": f"{exc.__class__.__name__}: {exc}"[:300]},
        )
        raise
    return _counts(job)
