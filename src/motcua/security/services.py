"""Writing the audit trail. `record` is the only way an AuditRecord comes to exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.security.chain import GENESIS_HASH, hashed_fields, record_hash
from motcua.security.models import AuditAction, AuditChainHead, AuditRecord


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, counting only the trusted proxies' X-Forwarded-For entries."""
    proxies = settings.MOTCUA_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: AuditAction | str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    obj: models.Model | None = None,
    agency: Any = None,
    purpose: str = "",
    data: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditRecord:
    """Append one record to the audit trail, chained to the one before it.

    Runs inside the caller's transaction when there is one, so a change that rolls back
    leaves no record of itself; the chain head's row lock keeps concurrent writers, in any
    process, in one unforked line.
    """
    # Requests that never passed the authentication middleware (oauthlib's) have no user.
    requester = getattr(request, "user", None)
    if actor is None and requester is not None and requester.is_authenticated:
        actor = requester
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
        if agency is None:
            agency = _agency_of(obj)
    # No savepoint inside the caller's transaction: if this fails, that transaction fails.
    with transaction.atomic(savepoint=False):
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"sequence": 0, "hash": GENESIS_HASH}
        )
        audit = AuditRecord(
            sequence=head.sequence + 1,
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=(actor.get_username() if actor is not None else "")[:150],
            action=str(action),
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            agency=agency,
            purpose=purpose[:255],
            source_ip=client_ip(request) if request is not None else None,
            data=data or {},
            previous_hash=head.hash,
        )
        audit.hash = record_hash(hashed_fields(audit), head.hash)
        audit.save(force_insert=True)
        head.sequence = audit.sequence
        head.hash = audit.hash
        head.save(update_fields=["sequence", "hash"])
    return audit


def _agency_of(obj: models.Model) -> Any:
    from motcua.core.models import Agency

    if isinstance(obj, Agency):
        return obj
    return getattr(obj, "agency", None)
