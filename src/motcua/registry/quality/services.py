"""How an officer closes a data-quality issue by hand."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import Conflict, DomainError
from motcua.identity.models import User
from motcua.registry.models import IssueStatus, QualityIssue
from motcua.security.models import AuditAction
from motcua.security.services import record

RESOLUTIONS = (IssueStatus.FIXED, IssueStatus.DISMISSED)
NOTE_LENGTH = QualityIssue._meta.get_field("note").max_length or 255


@transaction.atomic
def resolve_issue(
    issue: QualityIssue,
    *,
    status: str,
    by: User,
    request: HttpRequest | None = None,
    note: str = "",
) -> QualityIssue:
    """Mark an open issue fixed (the record was corrected) or dismissed (not a real
    problem: the next scans leave it dismissed).

    Raises DomainError for any other status, Conflict if the issue is no longer open (two
    officers acting at once: the second is told). The change and its audit record are
    written together. Returns the updated issue.
    """
    if status not in RESOLUTIONS:
        raise DomainError(
            _("An issue can only be marked fixed or dismissed."), code="bad_resolution"
        )
    locked = QualityIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status != IssueStatus.OPEN:
        raise Conflict(_("This issue is no longer open."), code="issue_not_open")
    locked.status = status
    locked.resolved_at = timezone.now()
    locked.resolved_by = by
    locked.note = note.strip()[:NOTE_LENGTH]
    locked.save(update_fields=["status", "resolved_at", "resolved_by", "note"])
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=locked,
        data={
            "event": "quality_issue_resolved",
            "rule": locked.rule,
            "subject": locked.subject_key,
            "status": status,
            "note": locked.note,
        },
    )
    return locked
