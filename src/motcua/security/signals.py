"""Logins, logouts and failed logins go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from motcua.security.models import AuditAction
from motcua.security.services import record


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, request=request, actor=user, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, request=request, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django already masks the password in `credentials`; keep only the name tried.
    tried = str(credentials.get("username", ""))[:150]
    record(
        AuditAction.LOGIN_FAILED,
        request=request,
        object_type="identity.user",
        object_repr=tried,
        data={"username": tried},
    )
