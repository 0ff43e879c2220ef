"""Staff accounts and their roles. Every change is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.identity.models import AccountKind, Role, RoleAssignment, User
from motcua.identity.permissions import forget_roles
from motcua.security.models import AuditAction
from motcua.security.services import record


@transaction.atomic
def create_staff_user(
    username: str, *, full_name: str, password: str | None, email: str = "", by: Any = None
) -> User:
    """Create a staff account (no role yet). A None password leaves it unusable."""
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("The login name %(name)s is taken.") % {"name": username}, code="username_taken"
        )
    user = User(username=username, full_name=full_name, email=email, kind=AccountKind.STAFF)
    user.is_staff = False  # the Django admin stays for superusers only
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record(AuditAction.CREATE, actor=by, obj=user, data={"kind": user.kind})
    return user


@transaction.atomic
def grant_role(
    user: User, role: Role | str, *, agency: Any = None, unit: Any = None, by: Any = None
) -> RoleAssignment:
    """Give `user` a role within an agency and/or unit; granting twice changes nothing."""
    if role not in Role.values:
        raise DomainError(_("Unknown role: %(role)s") % {"role": role}, code="unknown_role")
    if agency is None and unit is None:
        raise DomainError(
            _("A role needs an agency or an administrative unit as its scope."),
            code="scope_required",
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, agency=agency, unit=unit, defaults={"granted_by": by}
    )
    forget_roles(user)
    if created:
        record(
            AuditAction.ROLE_GRANTED,
            actor=by,
            obj=user,
            agency=agency,
            data={
                "role": str(role),
                "agency": getattr(agency, "code", None),
                "unit": getattr(unit, "code", None),
            },
        )
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, by: Any = None) -> None:
    """Remove one role assignment."""
    record(
        AuditAction.ROLE_REVOKED,
        actor=by,
        obj=assignment.user,
        agency=assignment.agency,
        data={"role": assignment.role},
    )
    assignment.delete()
    forget_roles(assignment.user)
