"""The audit trail's hash chain: how a record's hash is computed and how the chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from motcua.security.models import AuditChainHead, AuditRecord

GENESIS_HASH = "0" * 64


def record_hash(fields: dict[str, Any], previous_hash: str) -> str:
    """SHA-256 over a canonical JSON of the record's content and the previous hash."""
    canonical = json.dumps(
        {**fields, "previous_hash": previous_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def hashed_fields(record: AuditRecord) -> dict[str, Any]:
    """The content a record's hash covers: everything but the hashes themselves."""
    return {
        "sequence": record.sequence,
        "created_at": record.created_at.isoformat(timespec="microseconds"),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "agency_id": record.agency_id,
        "purpose": record.purpose,
        "source_ip": record.source_ip,
        "data": record.data,
    }


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    records: int
    broken_sequence: int | None = None
    broken_id: int | None = None
    problem: str = ""
    # edited | deleted | reordered | truncated: lets pages word the verdict in any language.
    kind: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.records} audit records, chain intact"
        return (
            f"BROKEN at audit record sequence {self.broken_sequence} "
            f"(id {self.broken_id}): {self.problem}"
        )


def verify_chain(records: Iterable[AuditRecord] | None = None) -> ChainReport:
    """Walk the chain in sequence order; report the first record that was edited, deleted
    or reordered, or OK with the count."""
    if records is None:
        records = AuditRecord.objects.order_by("sequence").iterator(chunk_size=2000)
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    count = 0
    last_id: int | None = None
    # The actor_id etc. are read as stored; a record's hash is recomputed from them.
    for record in records:
        if record_hash(hashed_fields(record), record.previous_hash) != record.hash:
            return ChainReport(
                False,
                count,
                record.sequence,
                record.pk,
                "its content does not match its hash: the record was edited",
                kind="edited",
            )
        if record.sequence != expected_sequence:
            return ChainReport(
                False,
                count,
                record.sequence,
                record.pk,
                f"records {expected_sequence}..{record.sequence - 1} before it are missing: "
                "deleted",
                kind="deleted",
            )
        if record.previous_hash != previous_hash:
            return ChainReport(
                False,
                count,
                record.sequence,
                record.pk,
                "it does not follow the record before it: records were reordered or replaced",
                kind="reordered",
            )
        previous_hash = record.hash
        expected_sequence += 1
        count += 1
        last_id = record.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    if head_sequence != count or head_hash != previous_hash:
        return ChainReport(
            False,
            count,
            count + 1,
            last_id,
            f"the chain head says {head_sequence} records but {count} remain: "
            "records at the end were deleted",
            kind="truncated",
        )
    return ChainReport(True, count)
