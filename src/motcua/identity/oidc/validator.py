"""The OAuth2/OIDC validator: our claims, our rotating signing key, an audited consent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import router, transaction
from jwcrypto import jwk, jws, jwt
from oauth2_provider.models import AccessToken, RefreshToken, get_id_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from motcua.identity.models import SpentAuthorizationCode
from motcua.identity.oidc import keys
from motcua.identity.oidc.eligibility import acr_of, may_authorize
from motcua.identity.oidc.scopes import ID_NUMBER, OPENID, PROFILE
from motcua.security.models import AuditAction
from motcua.security.services import record


def _name(request: Any) -> str:
    user = request.user
    if user.citizen_id is not None:
        return str(user.citizen.full_name)
    return str(user.full_name or user.get_username())


def _birthdate(request: Any) -> str | None:
    citizen = request.user.citizen
    if citizen is None or citizen.birth_date is None:
        return None
    return str(citizen.birth_date.isoformat())


def _id_number(request: Any) -> str | None:
    citizen = request.user.citizen
    return None if citizen is None else str(citizen.id_number)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _bearer_from_header(request: Any) -> str | None:
    parts = str(request.headers.get("Authorization", "")).split()
    if len(parts) == 2 and parts[0].lower() == "bearer":
        return parts[1]
    return None


def signing_keys() -> keys.KeyRing:
    return keys.load(settings.VAR_DIR)


class MotcuaValidator(OAuth2Validator):
    # A claim leaves only under the scope named here; anything unnamed never leaves.
    oidc_claim_scope = {
        "sub": OPENID,
        "acr": OPENID,
        "name": PROFILE,
        "birthdate": PROFILE,
        "id_number": ID_NUMBER,
    }

    def get_additional_claims(self) -> dict[str, Callable[[Any], Any]]:  # type: ignore[override]
        # Request-agnostic (no request argument): discovery can then list the claims.
        return {
            "acr": lambda request: acr_of(request.user),
            "name": _name,
            "birthdate": _birthdate,
            "id_number": _id_number,
        }

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        claims = super().get_oidc_claims(token, token_handler, request)
        # A citizen without a birth date in the registry gets no birthdate claim at all.
        return {name: value for name, value in claims.items() if value is not None}

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        """Sign with the active key of the ring (not a key frozen at start-up)."""
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        key = signing_keys().active_jwk()
        header = {"typ": "JWT", "alg": "RS256", "kid": key.thumbprint()}
        signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        signed.make_signed_token(key)
        id_token_model = get_id_token_model()
        with transaction.atomic(using=router.db_for_write(id_token_model)):
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return str(signed.serialize())

    def _get_key_for_token(self, token: str) -> jwk.JWK | None:
        """The key named by the token's `kid`, active or previous, for a known audience."""
        unverified = jws.JWS()
        unverified.deserialize(token)
        header = unverified.jose_header
        claims = json.loads(unverified.objects["payload"].decode("utf-8"))
        if "aud" not in claims or not self._get_client_by_audience(claims["aud"]):
            return None
        kid = header.get("kid") if isinstance(header, dict) else None
        return signing_keys().find(kid) if kid else None

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """A code is worth nothing once its owner lost the right to log in elsewhere."""
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        if not valid:
            self._revoke_tokens_of_spent_code(client, code)
            return False
        return may_authorize(request.user)

    def validate_user(self, *args: Any, **kwargs: Any) -> bool:
        """Passwords are checked on the login pages only (second factor, lockout)."""
        return False

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        """Access tokens count only in the Authorization header (RFC 9700 §4.3.2): a token
        in a URL ends up in logs and Referer headers, one in a form body in caches."""
        if not token or _bearer_from_header(request) != token:
            return False
        return bool(super().validate_bearer_token(token, scopes, request))

    def _create_access_token(self, expires: Any, request: Any, token: Any, **kwargs: Any) -> Any:
        created = super()._create_access_token(expires, request, token, **kwargs)
        request.motcua_access_token = created
        return created

    def _create_refresh_token(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        created = super()._create_refresh_token(request, *args, **kwargs)
        request.motcua_refresh_token = created
        return created

    def _save_bearer_token(self, token: Any, request: Any, *args: Any, **kwargs: Any) -> None:
        super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type != "authorization_code" or not request.code:
            return
        access = getattr(request, "motcua_access_token", None)
        refresh = getattr(request, "motcua_refresh_token", None)
        SpentAuthorizationCode.objects.create(
            code_hash=_code_hash(request.code),
            client_id=request.client.client_id,
            user=request.user,
            access_token_id=access.pk if access is not None else None,
            token_family=refresh.token_family if refresh is not None else None,
        )

    def _revoke_tokens_of_spent_code(self, client: Any, code: str) -> None:
        """A code used twice was stolen or replayed: its tokens stop working at once."""
        spent = SpentAuthorizationCode.objects.filter(
            code_hash=_code_hash(code), client_id=client.client_id
        )
        for row in spent:
            with transaction.atomic():
                if row.token_family is not None:
                    RefreshToken.revoke_family(row.token_family)
                if row.access_token_id is not None:
                    RefreshToken.objects.filter(access_token_id=row.access_token_id).update(
                        access_token=None
                    )
                    AccessToken.objects.filter(pk=row.access_token_id).delete()
                record(
                    AuditAction.UPDATE,
                    actor=row.user,
                    object_type="oauth2_provider.application",
                    object_repr=str(client.name)[:200],
                    data={"event": "authorization_code_reused", "client_id": client.client_id},
                )

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return bool(valid) and may_authorize(request.user)

    def save_authorization_code(
        self, client_id: str, code: dict, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        """Store the code and audit the consent: which system receives whose data."""
        with transaction.atomic():
            super().save_authorization_code(client_id, code, request, *args, **kwargs)
            user = request.user
            record(
                AuditAction.READ,
                actor=user,
                obj=user.citizen or user,
                purpose=f"OpenID Connect: {request.client.name}"[:255],
                data={"client_id": client_id, "scopes": sorted(request.scopes or [])},
            )
