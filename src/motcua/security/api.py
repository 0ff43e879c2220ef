"""API for the audit trail (security officers, within their scope)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.identity.models import Role
from motcua.identity.permissions import require_role, scoped
from motcua.security.models import AuditRecord

router = Router(tags=["security"])


class AuditRecordOut(Schema):
    sequence: int
    created_at: dt.datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    purpose: str
    source_ip: str | None
    hash: str


@router.get("/audit", response=list[AuditRecordOut])
def list_audit(request: HttpRequest, limit: int = 100) -> list[AuditRecord]:
    """The newest audit records about objects within the caller's scope."""
    require_role(request, Role.SECURITY_OFFICER)
    records = scoped(request.user, Role.SECURITY_OFFICER, AuditRecord.objects.all())
    return list(records.order_by("-sequence")[: max(1, min(limit, 1000))])
