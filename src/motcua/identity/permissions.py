"""The one permission helper every view and API handler uses: role *and* object scope.

A role is held within a scope (an agency and the agencies under it, and/or an
administrative unit and the units under it). An object is in scope when its agency or its
unit lies under one of the user's assignments for the role asked. An assignment at the
province's top agency (its People's Committee) or at the province unit is province-wide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.identity.models import Role, RoleAssignment, User

STAFF_ROLES: frozenset[str] = frozenset(Role.values)


@dataclass(frozen=True)
class Scope:
    agency_ids: frozenset[int]
    unit_ids: frozenset[int]


def _ancestors(model: type[Model], start_id: int | None) -> set[int]:
    seen: set[int] = set()
    current: int | None = start_id
    while current is not None and current not in seen:
        seen.add(current)
        current = (
            model._default_manager.filter(pk=current).values_list("parent_id", flat=True).first()
        )
    return seen


def _descendants(model: type[Model], roots: Iterable[int]) -> set[int]:
    found = set(roots)
    frontier = set(found)
    while frontier:
        children = set(
            model._default_manager.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = children - found
        found |= frontier
    return found


def scope_of(obj: Any) -> Scope:
    """The agencies and units an object belongs to, with all their ancestors."""
    from motcua.core.models import AdministrativeUnit, Agency

    agency_id: int | None
    unit_id: int | None
    if isinstance(obj, Agency):
        agency_id, unit_id = obj.pk, obj.unit_id
    elif isinstance(obj, AdministrativeUnit):
        agency_id, unit_id = None, obj.pk
    else:
        agency_id = getattr(obj, "agency_id", None)
        unit_id = getattr(obj, "unit_id", None)
    return Scope(
        agency_ids=frozenset(_ancestors(Agency, agency_id)),
        unit_ids=frozenset(_ancestors(AdministrativeUnit, unit_id)),
    )


def _roles(roles: str | Iterable[str]) -> set[str]:
    return {roles} if isinstance(roles, str) else set(roles)


def _province_wide(assignments: QuerySet[RoleAssignment]) -> bool:
    """An assignment at the province's top agency or top unit covers everything, including
    records that belong to no agency (logins, failed logins)."""
    return assignments.filter(
        Q(agency__isnull=False, agency__parent__isnull=True)
        | Q(unit__isnull=False, unit__parent__isnull=True)
    ).exists()


# The user's assignments and the scopes of objects asked about are read once per user
# object: a request (or a service call chain) asks many times about the same few things.
_ASSIGNMENTS = "_motcua_assignments"
_SCOPES = "_motcua_scopes"


@dataclass(frozen=True)
class _Held:
    role: str
    agency_id: int | None
    unit_id: int | None
    province_wide: bool


def _held(user: Any) -> list[_Held]:
    cached = user.__dict__.get(_ASSIGNMENTS)
    if cached is None:
        rows = RoleAssignment.objects.filter(user=user).values_list(
            "role", "agency_id", "unit_id", "agency__parent_id", "unit__parent_id"
        )
        cached = [
            _Held(
                role,
                agency_id,
                unit_id,
                (agency_id is not None and agency_parent is None)
                or (unit_id is not None and unit_parent is None),
            )
            for role, agency_id, unit_id, agency_parent, unit_parent in rows
        ]
        user.__dict__[_ASSIGNMENTS] = cached
    return cached


def forget_roles(user: Any) -> None:
    """Drop what `has_role` remembers about this user object (after a grant or revoke)."""
    user.__dict__.pop(_ASSIGNMENTS, None)
    user.__dict__.pop(_SCOPES, None)


def _scope_for(user: Any, obj: Any) -> Scope:
    from motcua.core.models import AdministrativeUnit, Agency

    if isinstance(obj, Agency):
        key: tuple[Any, ...] = ("agency", obj.pk, obj.unit_id)
    elif isinstance(obj, AdministrativeUnit):
        key = ("unit", None, obj.pk)
    else:
        key = ("object", getattr(obj, "agency_id", None), getattr(obj, "unit_id", None))
    scopes = user.__dict__.setdefault(_SCOPES, {})
    if key not in scopes:
        scopes[key] = scope_of(obj)
    return scopes[key]


def has_role(user: Any, roles: str | Iterable[str], obj: Any = None) -> bool:
    """Does `user` hold one of `roles`, over `obj` when one is given?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    wanted = _roles(roles)
    held = [h for h in _held(user) if h.role in wanted]
    if not held:
        return False
    if obj is None or any(h.province_wide for h in held):
        return True
    scope = _scope_for(user, obj)
    return any(h.agency_id in scope.agency_ids or h.unit_id in scope.unit_ids for h in held)


def require_role(request: HttpRequest, roles: str | Iterable[str], obj: Any = None) -> None:
    """Raise PermissionDenied (and audit the denial) unless the user holds a role over obj."""
    if has_role(request.user, roles, obj):
        return
    from motcua.security.models import AuditAction
    from motcua.security.services import record

    record(
        AuditAction.PERMISSION_DENIED,
        request=request,
        obj=obj if isinstance(obj, Model) else None,
        data={"roles": sorted(_roles(roles)), "path": request.path[:255]},
    )
    raise PermissionDenied(_("You do not have permission to see this."))


def scoped(
    user: Any,
    roles: str | Iterable[str],
    queryset: QuerySet,
    agency_path: str | None = "agency",
    unit_path: str | None = None,
) -> QuerySet:
    """Narrow a queryset to the objects under the user's assignments for `roles`.

    `agency_path` and `unit_path` are the lookups from the model to its agency and its unit:
    "" for the Agency or AdministrativeUnit model itself, None when the model has none. The
    unit path defaults to the agency's unit.
    """
    from motcua.core.models import AdministrativeUnit, Agency

    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    assignments = RoleAssignment.objects.filter(user=user, role__in=_roles(roles))
    if _province_wide(assignments):
        return queryset
    agency_roots = assignments.exclude(agency=None).values_list("agency_id", flat=True)
    unit_roots = assignments.exclude(unit=None).values_list("unit_id", flat=True)
    if unit_path is None and agency_path is not None:
        unit_path = f"{agency_path}__unit" if agency_path else "unit"
    condition = Q(pk__in=[])
    if agency_path is not None:
        lookup = f"{agency_path}__in" if agency_path else "pk__in"
        condition |= Q(**{lookup: _descendants(Agency, agency_roots)})
    if unit_path is not None:
        lookup = f"{unit_path}__in" if unit_path else "pk__in"
        condition |= Q(**{lookup: _descendants(AdministrativeUnit, unit_roots)})
    return queryset.filter(condition)


def role_required(*roles: str) -> Callable:
    """View decorator: log in first, then hold one of `roles` somewhere.

    The view still checks the object it shows with `require_role(request, roles, obj)`.
    """
    wanted = set(roles) or STAFF_ROLES

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request, wanted)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def acting_user(request: HttpRequest) -> User:
    """The logged-in user behind a request that a permission check has already admitted."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("Log in first."))
    return user
