"""Who may log in to another system with their e-ID, and what level the token states."""

from __future__ import annotations

from typing import Any

from motcua.identity.models import AccountKind, EidLevel

ACR_PREFIX = "urn:motcua:eid:level"
ACR_STAFF = "urn:motcua:staff"


def may_authorize(user: Any) -> bool:
    """Active citizens bound to a registry record at e-ID level 1 or 2, and active staff."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.kind == AccountKind.STAFF:
        return True
    return user.citizen_id is not None and user.eid_level >= EidLevel.LEVEL_1


def acr_of(user: Any) -> str:
    """`urn:motcua:eid:level1` / `…level2` for citizens; `urn:motcua:staff` for staff."""
    if user.citizen_id is not None and user.eid_level >= EidLevel.LEVEL_1:
        return f"{ACR_PREFIX}{int(user.eid_level)}"
    return ACR_STAFF
