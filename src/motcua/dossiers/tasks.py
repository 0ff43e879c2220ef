"""Background work of the dossiers app, run by the task worker (`motcua db_worker`)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from motcua.dossiers.models import Notification


@task()
def send_status_email(
    address: str, subject: str, body: str, notification_id: int | None = None
) -> None:
    """E-mail an applicant a status change; marks the portal notification as e-mailed."""
    send_mail(subject, body, None, [address])
    if notification_id is not None:
        Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
