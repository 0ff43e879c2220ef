"""Registering relying parties and rotating the signing key. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from motcua.core.exceptions import DomainError
from motcua.identity.oidc import keys
from motcua.security.models import AuditAction
from motcua.security.services import record


@dataclass(frozen=True)
class RegisteredClient:
    application: Application
    client_id: str
    # Shown once: only its hash is stored.
    client_secret: str


@transaction.atomic
def register_client(
    name: str, *, redirect_uris: list[str], by: Any = None, skip_authorization: bool = False
) -> RegisteredClient:
    """Register another system as a confidential client of the authorization-code flow.

    Guarantees: ID tokens for it are signed RS256; the secret is stored hashed and returned
    only here; the redirect URIs are validated against the allowed schemes; names are
    unique, so an operator cannot register the same system twice by mistake.
    """
    name = name.strip()
    if not name:
        raise DomainError(_("A client needs a name."), code="name_required")
    if Application.objects.filter(name__iexact=name).exists():
        raise DomainError(
            _("A client named %(name)s is already registered.") % {"name": name},
            code="client_exists",
        )
    if not redirect_uris:
        raise DomainError(_("A client needs at least one redirect URI."), code="redirect_required")
    secret = generate_client_secret()
    application = Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        redirect_uris=" ".join(redirect_uris),
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=skip_authorization,
    )
    try:
        application.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="invalid_client") from error
    application.save()
    record(
        AuditAction.CREATE,
        actor=by,
        obj=application,
        data={"client_id": application.client_id, "redirect_uris": redirect_uris},
    )
    return RegisteredClient(application, application.client_id, secret)


@transaction.atomic
def rotate_signing_key(*, by: Any = None) -> tuple[str, str]:
    """Make a new active ID-token signing key and keep the old one for verification.

    Returns (old kid, new kid). Tokens signed before still verify from the JWKS; new tokens
    carry the new kid. Refused (DomainError) when the key comes from the environment.
    """
    try:
        old_kid, new_kid = keys.rotate(settings.VAR_DIR)
    except keys.KeyRotationRefused as error:
        raise DomainError(str(error), code="key_from_environment") from error
    record(
        AuditAction.UPDATE,
        actor=by,
        object_type="oidc.signing_key",
        object_id=new_kid[:64],
        object_repr=_("ID token signing key"),
        data={"previous_kid": old_kid, "kid": new_kid},
    )
    return old_kid, new_kid
