"""Running one import: read, check, upsert in batches, report, audit."""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Callable, Generator
from pathlib import Path
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.models import AdministrativeUnit, UnitLevel
from motcua.identity.models import User
from motcua.registry.importing import sources
from motcua.registry.importing.batches import BatchWriter, Tally
from motcua.registry.importing.fields import FILLS, ParsedRow, updated_columns
from motcua.registry.importing.rows import RowParser
from motcua.registry.importing.sources import Header, SourceRow, UnreadableFile
from motcua.registry.importing.upsert import BatchCounts
from motcua.registry.models import ImportJob, ImportStatus
from motcua.security.models import AuditAction
from motcua.security.services import record

logger = logging.getLogger(__name__)

# Rows per transaction: large enough for set-based writes to pay off, small enough that
# a crash loses little and the job's progress moves visibly.
BATCH_ROWS = 10_000
PROGRESS_EVERY = 1_000
# A spreadsheet would run a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int], None]


class ErrorReport:
    """Rejected rows, written to a temporary file as they come (row, ID number, reason)."""

    def __init__(self) -> None:
        self.raw: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in save()
        # utf-8-sig: spreadsheet programs then read the Vietnamese reasons correctly.
        self.text = io.TextIOWrapper(self.raw, encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.text)
        self.csv.writerow([_("row"), _("ID number"), _("reason")])
        self.lines = 0

    def add(self, row: int, number: str, reasons: list[str]) -> None:
        self.csv.writerow([row, _safe_cell(number[:40]), _safe_cell("; ".join(reasons))])
        self.lines += 1

    def save(self, job: ImportJob) -> None:
        """Store the report in job.error_report (when there is anything to report)."""
        self.text.flush()
        self.text.detach()
        try:
            if self.lines:
                self.raw.seek(0)
                stem = Path(job.original_name).stem[:80] or "import"
                job.error_report.save(f"{stem}-errors.csv", File(self.raw), save=False)
        finally:
            self.raw.close()


def _safe_cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class _Import:
    def __init__(self, job: ImportJob, path: Path, by: User | None, progress: Progress | None):
        self.job = job
        self.path = path
        self.by = by
        self.progress = progress
        self.sha256 = ""
        self.report = ErrorReport()
        self.invalid = 0
        self.processed = 0
        self.total = 0
        self.batches: BatchWriter | None = None
        self.ignored: list[str] = []

    def run(self) -> None:
        try:
            facts = sources.scan_bytes(self.path)
            with self.path.open("rb") as stream:
                kind = sources.sniff(stream)
        except OSError as exc:
            raise UnreadableFile(
                _("The file cannot be read: %(error)s") % {"error": exc.strerror or exc}
            ) from exc
        self.sha256 = facts.sha256
        items = sources.rows(self.path, kind)
        header = next(items, None)
        if not isinstance(header, Header):
            items.close()
            raise UnreadableFile(_("The file is empty."))
        self.ignored = [name for name in header.names if name and name not in FILLS]
        hint = header.rows_hint if kind == sources.XLSX else facts.lines - 1
        self.total = max(hint or 0, 0)
        self._save_progress()
        communes = dict(
            AdministrativeUnit.objects.filter(
                level=UnitLevel.COMMUNE, valid_to__isnull=True
            ).values_list("code", "id")
        )
        parser = RowParser(
            header.names, communes, timezone.localdate(), timezone.get_current_timezone()
        )
        self.batches = BatchWriter(self.job, updated_columns(header.names))
        try:
            self._rows(items, parser)
        finally:
            items.close()  # an XLSX workbook closes its archive
            self.batches.close()

    def _rows(self, items: Generator[SourceRow | Header, None, None], parser: RowParser) -> None:
        # ID number (as an int, to keep this small for big files) → row where it came first.
        seen: dict[int, int] = {}
        batch: list[ParsedRow] = []
        parse = parser.parse
        reject = self.report.add
        progress = self.progress
        batch_rows = BATCH_ROWS
        processed = invalid = 0
        for item in items:
            assert isinstance(item, SourceRow)
            processed += 1
            number, parsed, reasons = parse(item)
            if parsed is not None:
                first = seen.setdefault(int(number), item.number)
                if first == item.number:
                    batch.append(parsed)
                else:
                    reasons = [_("duplicate of row %(row)s (same ID number)") % {"row": first}]
                    parsed = None
            if parsed is None:
                invalid += 1
                reject(item.number, number, reasons)
            if processed - self.processed < batch_rows and processed % PROGRESS_EVERY:
                continue
            if processed - self.processed >= batch_rows:
                self._hand_over(batch, processed, invalid)
                batch = []
            elif progress is not None:
                progress(processed, max(self.total, processed))
        self._hand_over(batch, processed, invalid)

    def _hand_over(self, batch: list[ParsedRow], processed: int, invalid: int) -> None:
        """Queue one batch for writing, with the job's progress as of its last row."""
        self.processed, self.invalid = processed, invalid
        self.total = max(self.total, processed)
        assert self.batches is not None
        self.batches.submit(batch, Tally(processed, invalid, self.total))
        if self.progress is not None:
            self.progress(processed, self.total)

    def _save_progress(self) -> None:
        ImportJob.objects.filter(pk=self.job.pk).update(
            total_rows=self.total, processed_rows=0, invalid_rows=0
        )

    def finish(self, status: str, message: str) -> None:
        """Store the outcome, the error report and one audit record."""
        job = self.job
        tally, counts = self.batches.committed if self.batches else (Tally(0, 0, 0), BatchCounts())
        processed, invalid = tally.processed, tally.invalid
        if status == ImportStatus.DONE:
            processed, invalid = self.processed, self.invalid
            self.total = processed
        job.status = status
        job.message = message
        job.total_rows = max(self.total, processed)
        job.processed_rows = processed
        job.created_rows = counts.created
        job.updated_rows = counts.updated
        job.unchanged_rows = counts.unchanged
        job.invalid_rows = invalid
        job.finished_at = timezone.now()
        self.report.save(job)
        with transaction.atomic():
            job.save()
            record(
                AuditAction.UPDATE,
                actor=self.by,
                obj=job,
                data={
                    "event": "registry_import",
                    "file": job.original_name,
                    "sha256": self.sha256,
                    "status": status,
                    "rows": processed,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                    "invalid": invalid,
                },
            )

    def summary(self) -> str:
        if not self.processed:
            return _("The file has a header but no rows.")
        assert self.batches is not None
        counts = self.batches.counts
        text = _(
            "%(rows)s rows read: %(created)s new, %(updated)s changed, %(unchanged)s "
            "unchanged, %(invalid)s rejected."
        ) % {
            "rows": self.processed,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "invalid": self.invalid,
        }
        if self.ignored:
            text += " " + _("Columns not recognised and ignored: %(columns)s.") % {
                "columns": ", ".join(self.ignored)
            }
        return text

    def stopped(self, reason: str) -> str:
        done = self.batches.committed[0].processed if self.batches else 0
        if not done:
            return reason
        return _("%(reason)s The first %(rows)s rows were imported before it stopped.") % {
            "reason": reason,
            "rows": done,
        }


def import_file(
    path: Path,
    *,
    job: ImportJob | None = None,
    by: User | None = None,
    progress: Progress | None = None,
) -> ImportJob:
    """Import citizens from a CSV or XLSX file (detected by content, not name).

    Valid rows are upserted by ID number: a record changes only if a value differs, so a
    re-import of the same file reports every row unchanged. Columns the file does not have
    are left as they are. Rejected rows are counted and listed (row number, ID number,
    reason) in a CSV report stored in job.error_report. Rows are written in batches, each
    in its own transaction together with the job's progress, so a crash keeps what was
    committed and the job shows how far it got.

    Never raises for bad input: an empty, unreadable or foreign file ends the job as
    failed (a header-only file as done with 0 rows) with a translated job.message. An
    unexpected error (the database going away) marks the job failed, then propagates.
    One audit record is written for the import, with its counts and the file's SHA-256.
    """
    path = Path(path)
    if job is None:
        job = ImportJob.objects.create(original_name=path.name[:255], created_by=by)
    by = by or job.created_by
    job.status = ImportStatus.RUNNING
    job.started_at = timezone.now()
    job.finished_at = None
    job.message = ""
    job.save(update_fields=["status", "started_at", "finished_at", "message"])
    run = _Import(job, path, by, progress)
    try:
        run.run()
        status, message = ImportStatus.DONE, run.summary()
    except UnreadableFile as exc:
        status, message = ImportStatus.FAILED, run.stopped(str(exc))
    except BaseException as exc:
        logger.exception("Import job %s stopped", job.pk)
        reason = _("The import stopped because of an unexpected error: %(error)s.") % {
            "error": f"{exc.__class__.__name__}: {exc}"[:300]
        }
        _finish_or_log(run, ImportStatus.FAILED, run.stopped(reason))
        raise
    try:
        run.finish(status, message)
    except BaseException:
        logger.exception("Import job %s: could not store its outcome", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("The import ran but its outcome could not be stored."),
        )
        raise
    return job


def _finish_or_log(run: _Import, status: str, message: str) -> None:
    try:
        run.finish(status, message)
    except Exception:
        logger.exception("Import job %s: could not record the failure", run.job.pk)
