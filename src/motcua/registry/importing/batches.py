"""Committing batches of parsed rows, each together with the job's progress.

When the import does not run inside a caller's transaction, batches are written by a
second thread with its own database connection, so the database works on one batch
while this thread reads and checks the next (the two overlap on a multi-core machine;
the database driver releases the GIL while it waits). Inside a caller's transaction
(tests, a caller's atomic block) they are written in line, in that transaction.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, replace

from django.db import connection, connections, transaction

from motcua.registry.importing.fields import ParsedRow
from motcua.registry.importing.upsert import BatchCounts, writer
from motcua.registry.models import ImportJob

# Batches waiting for the writer thread; bounds memory to a few batches.
_QUEUE_DEPTH = 1


@dataclass(frozen=True)
class Tally:
    """How far the reading has got when a batch is handed over."""

    processed: int
    invalid: int
    total: int


class BatchWriter:
    """Writes batches in order; `committed` is what the database holds so far."""

    def __init__(self, job: ImportJob, changed: list[str]) -> None:
        self.job_pk = job.pk
        self.changed = changed
        self.counts = BatchCounts()
        # (tally, counts) as of the last committed batch.
        self.committed: tuple[Tally, BatchCounts] = (Tally(0, 0, 0), BatchCounts())
        self.error: BaseException | None = None
        self.threaded = not connection.in_atomic_block
        self._target = None if self.threaded else writer(changed)
        self._queue: queue.Queue[tuple[list[ParsedRow], Tally] | None] = queue.Queue(_QUEUE_DEPTH)
        self._thread: threading.Thread | None = None
        if self.threaded:
            self._thread = threading.Thread(
                target=self._work, name=f"import-{job.pk}-writer", daemon=True
            )
            self._thread.start()

    def submit(self, batch: list[ParsedRow], tally: Tally) -> None:
        """Hand over one batch (possibly empty: then only the progress is saved)."""
        if self.error is not None:
            raise self.error
        if self._thread is None:
            self._commit(batch, tally)
        else:
            self._queue.put((batch, tally))

    def close(self) -> None:
        """Wait for every handed-over batch; raise the writer's error if it had one."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        elif self._target is not None:
            self._target.close()
        if self.error is not None:
            raise self.error

    def _work(self) -> None:
        try:
            self._target = writer(self.changed)
            while (item := self._queue.get()) is not None:
                if self.error is None:
                    self._commit(*item)
            self._target.close()
        except BaseException as exc:
            self.error = exc
            # Keep taking batches so the reading thread never blocks on a full queue.
            while self._queue.get() is not None:
                pass
        finally:
            connections.close_all()  # this thread's connections only

    def _commit(self, batch: list[ParsedRow], tally: Tally) -> None:
        try:
            with transaction.atomic():
                if batch:
                    # In ID order: neighbouring keys land on the same index pages.
                    batch.sort()
                    assert self._target is not None
                    counts = self._target.write(batch)
                    self.counts.created += counts.created
                    self.counts.updated += counts.updated
                    self.counts.unchanged += counts.unchanged
                ImportJob.objects.filter(pk=self.job_pk).update(
                    total_rows=max(tally.total, tally.processed),
                    processed_rows=tally.processed,
                    created_rows=self.counts.created,
                    updated_rows=self.counts.updated,
                    unchanged_rows=self.counts.unchanged,
                    invalid_rows=tally.invalid,
                )
        except BaseException as exc:
            self.error = exc
            raise
        self.committed = (tally, replace(self.counts))
