"""The OAuth 2.0 / OpenID Connect server with only the grants motcua offers.

oauthlib's server knows every grant; the password grant checks a password outside the
login pages (no second factor, no lockout) and answers differently for a right and a wrong
one, so it is removed here rather than refused later: a request for it gets
`unsupported_grant_type` before any password is looked at. Implicit and hybrid flows are
excluded by the response types in settings.
"""

from __future__ import annotations

from typing import Any

from oauthlib.openid import Server

OFFERED_GRANTS = ("authorization_code", "refresh_token", "client_credentials")


class MotcuaServer(Server):
    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request_validator, *args, **kwargs)
        grants: dict[str, Any] = self._grant_types  # type: ignore[has-type]
        self._grant_types = {
            name: grant for name, grant in grants.items() if name in OFFERED_GRANTS
        }
