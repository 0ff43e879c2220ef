"""The scopes a relying party may ask for, described in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from oauth2_provider.scopes import BaseScopes

OPENID = "openid"
PROFILE = "profile"
ID_NUMBER = "id_number"
SCOPE_NAMES = (OPENID, PROFILE, ID_NUMBER)


def scope_descriptions() -> dict[str, str]:
    """What each scope gives the client, as the consent screen says it."""
    return {
        OPENID: _(
            "Confirm that you are logged in, with an identifier for you that is not your "
            "ID number, and your electronic identification level"
        ),
        PROFILE: _("Your full name and date of birth"),
        ID_NUMBER: _("Your 12-digit personal ID number"),
    }


class MotcuaScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return scope_descriptions()

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(SCOPE_NAMES)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [OPENID]
