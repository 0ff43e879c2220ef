"""External issuers: other agencies' systems (a health book, school transcripts, judicial
records) that deliver documents into citizens' and organisations' warehouses.

A system (`IssuerSystem`) holds credentials; a credential is the token
`<key id>.<secret>`, of which only the SHA-256 of the secret is kept. It does one thing:
deliver a document of a type its system is scoped for, for a living citizen of the
registry or an approved organisation. It reads nothing, and each credential may make
`MOTCUA_ISSUER_REQUESTS_PER_MINUTE` requests a minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import DocumentType
from motcua.core.exceptions import Conflict, DomainError, NotFound
from motcua.core.models import Agency
from motcua.identity.models import Organisation, OrganisationStatus
from motcua.registry.models import Citizen, CitizenStatus
from motcua.security.models import AuditAction
from motcua.security.services import record
from motcua.warehouse.models import (
    Document,
    DocumentKind,
    IssuerCredential,
    IssuerDelivery,
    IssuerSystem,
)
from motcua.warehouse.services import Files, check_details, stored_blob
from motcua.warehouse.uploads import Prepared, prepare

logger = logging.getLogger(__name__)

SEPARATOR = "."
# Compared against when the key id is unknown, so a miss costs as much as a wrong secret.
_NO_SECRET = hashlib.sha256(b"").hexdigest()


class RateLimited(DomainError):
    status_code = 429


@dataclass(frozen=True)
class IssuerActor:
    """A system as the audit trail's actor: no user account (`pk` is None), labelled with
    the system's name and the key id of the credential it used."""

    label: str
    pk: None = None

    @classmethod
    def of(cls, credential: IssuerCredential) -> IssuerActor:
        return cls(f"{credential.system.name} [{credential.key_id}]"[:150])

    def get_username(self) -> str:
        return self.label


@dataclass(frozen=True)
class Delivery:
    """What an issuer says of the document it delivers."""

    document_type: str
    reference: str
    id_number: str = ""
    organisation_code: str = ""
    title: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


# --- systems and credentials ------------------------------------------------------------


def register_system(
    name: str,
    *,
    document_types: list[DocumentType],
    agency: Agency | None = None,
    active: bool = True,
) -> IssuerSystem:
    """Register an issuing system, or update the one with this name: from now on it
    belongs to `agency`, may deliver exactly `document_types`, and its credentials work
    only while it is `active`. Audited."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the system's name."), code="name")
    with transaction.atomic():
        system, created = IssuerSystem.objects.select_for_update().get_or_create(
            name=name, defaults={"agency": agency, "is_active": active}
        )
        if not created:
            system.agency = agency
            system.is_active = active
            system.save(update_fields=["agency", "is_active"])
        system.document_types.set(document_types)
        record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=system,
            agency=agency,
            data={
                "document_types": sorted(t.code for t in document_types),
                "active": active,
            },
        )
    return system


def issue_credential(system: IssuerSystem) -> tuple[IssuerCredential, str]:
    """A new credential of `system`, with its token. The token exists only in this return
    value: the database keeps the SHA-256 of its secret. Audited."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)  # no "." in the URL-safe alphabet
    with transaction.atomic():
        credential = IssuerCredential.objects.create(
            system=system, key_id=key_id, secret_hash=_digest(secret)
        )
        record(
            AuditAction.CREATE,
            obj=credential,
            agency=system.agency,
            data={"system": system.name, "key_id": key_id},
        )
    return credential, f"{key_id}{SEPARATOR}{secret}"


def revoke_credential(credential: IssuerCredential) -> None:
    """Revoke a credential for good: from now on it authenticates nothing. Audited once;
    revoking again changes nothing."""
    with transaction.atomic():
        locked = IssuerCredential.objects.select_for_update().get(pk=credential.pk)
        if locked.revoked_at is not None:
            credential.revoked_at = locked.revoked_at
            return
        locked.revoked_at = credential.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(
            AuditAction.UPDATE,
            obj=locked,
            agency=locked.system.agency,
            data={"key_id": locked.key_id, "revoked": True},
        )


def authenticate(token: str) -> IssuerCredential | None:
    """The credential a token `<key id>.<secret>` stands for, or None: unknown key,
    wrong secret (compared in constant time), revoked credential or inactive system."""
    key_id, separator, secret = token.strip().partition(SEPARATOR)
    credential = None
    if separator and key_id and len(key_id) <= 32:
        credential = (
            IssuerCredential.objects.select_related("system", "system__agency")
            .filter(key_id=key_id)
            .first()
        )
    expected = credential.secret_hash if credential is not None else _NO_SECRET
    matches = hmac.compare_digest(_digest(secret), expected)
    if credential is None or not matches:
        logger.warning("issuer API: a token with an unknown key or a wrong secret")
        return None
    if credential.revoked_at is not None or not credential.system.is_active:
        logger.warning("issuer API: revoked or inactive credential %s", credential.key_id)
        return None
    return credential


def count_request(credential: IssuerCredential, *, now: dt.datetime | None = None) -> None:
    """Count one request of the credential in the current minute, and note when it was
    last used. Past `MOTCUA_ISSUER_REQUESTS_PER_MINUTE` in this minute: `RateLimited`.

    The count is a column of the credential's row changed by conditional UPDATEs, so every
    process shares it and two requests never both take the last place.
    """
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    limit = settings.MOTCUA_ISSUER_REQUESTS_PER_MINUTE
    row = IssuerCredential.objects.filter(pk=credential.pk)
    # Twice: a request that loses the race to open the new minute counts in it next time.
    for _attempt in range(2):
        if row.filter(window_start=window, window_count__lt=limit).update(
            window_count=F("window_count") + 1, last_used_at=now
        ):
            return
        if row.exclude(window_start=window).update(
            window_start=window, window_count=1, last_used_at=now
        ):
            return
    seconds = 60 - now.second
    raise RateLimited(
        _(
            "Too many requests with this credential: at most %(limit)s a minute. "
            "Try again in %(seconds)s seconds."
        )
        % {"limit": limit, "seconds": seconds},
        code="rate_limited",
    )


def _digest(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is enough: nothing to guess from it.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


# --- delivering a document --------------------------------------------------------------


def deliver(
    credential: IssuerCredential,
    delivery: Delivery,
    files: Files,
    *,
    request: HttpRequest | None = None,
) -> tuple[Document, bool]:
    """File a document an issuing system delivers into its owner's warehouse; returns it
    and whether this call stored it.

    Guarantees, in this order: a type outside the system's scope is refused
    (`PermissionDenied`, audited) before anything else is looked at; the owner is a living
    citizen of the registry or an approved organisation (else `NotFound`); the file passes
    the upload pipeline (else `uploads.Rejected`, nothing stored). The document is an
    original electronic result issued by the system's agency, or in the system's name when
    it has none. The same reference delivered again returns the same document (a
    different document under a used reference: `Conflict`). Every stored delivery is in
    the audit trail with the system, the document and its owner.
    """
    system = credential.system
    actor = IssuerActor.of(credential)
    document_type = _scoped_type(system, delivery, actor, request)
    owner = _owner(delivery)
    check_details(None, "", delivery.valid_from, delivery.valid_to)
    reference = delivery.reference.strip()
    if not reference:
        raise DomainError(_("Give the reference of the document in your system."), code="reference")
    prepared = prepare(files)
    held = _held(system, reference)
    if held is not None:
        return _repeated(held, document_type, owner, prepared), False
    try:
        document = _store(
            credential,
            actor,
            request,
            owner=owner,
            document_type=document_type,
            prepared=prepared,
            delivery=delivery,
            reference=reference,
        )
    except IntegrityError:
        # The same reference delivered at the same moment: the other call stored it.
        held = _held(system, reference)
        if held is None:
            raise
        return _repeated(held, document_type, owner, prepared), False
    return document, True


def _scoped_type(
    system: IssuerSystem, delivery: Delivery, actor: IssuerActor, request: HttpRequest | None
) -> DocumentType:
    code = delivery.document_type.strip()
    document_type = system.document_types.filter(code=code).first()
    if document_type is None:
        record(
            AuditAction.PERMISSION_DENIED,
            request=request,
            actor=actor,
            obj=system,
            agency=system.agency,
            data={
                "action": "deliver",
                "document_type": code[:64],
                "reference": delivery.reference[:128],
            },
        )
        raise PermissionDenied(_("This system may not deliver documents of this type."))
    return document_type


def _owner(delivery: Delivery) -> Citizen | Organisation:
    id_number = delivery.id_number.strip()
    code = delivery.organisation_code.strip()
    if bool(id_number) == bool(code):
        raise DomainError(
            _("Give either the owner's personal ID number or the organisation's code."),
            code="owner",
        )
    if id_number:
        citizen = Citizen.objects.filter(id_number=id_number, status=CitizenStatus.ALIVE).first()
        if citizen is None:
            raise NotFound(
                _("No living citizen with this personal ID number in the registry."),
                code="owner_not_found",
            )
        return citizen
    organisation = Organisation.objects.filter(
        code=code, status=OrganisationStatus.APPROVED
    ).first()
    if organisation is None:
        raise NotFound(_("No approved organisation with this code."), code="owner_not_found")
    return organisation


def _held(system: IssuerSystem, reference: str) -> IssuerDelivery | None:
    return (
        IssuerDelivery.objects.select_related("document", "document__file")
        .filter(system=system, reference=reference)
        .first()
    )


def _repeated(
    held: IssuerDelivery,
    document_type: DocumentType,
    owner: Citizen | Organisation,
    prepared: Prepared,
) -> Document:
    document = held.document
    owner_id = document.citizen_id if isinstance(owner, Citizen) else document.organisation_id
    if (
        document.file.sha256 != prepared.sha256
        or document.document_type_id != document_type.pk
        or owner_id != owner.pk
    ):
        raise Conflict(_("This reference was already used for another document."), code="reference")
    return document


def _store(
    credential: IssuerCredential,
    actor: IssuerActor,
    request: HttpRequest | None,
    *,
    owner: Citizen | Organisation,
    document_type: DocumentType,
    prepared: Prepared,
    delivery: Delivery,
    reference: str,
) -> Document:
    system = credential.system
    issuer: dict[str, Any] = {
        "issuer_agency": system.agency,
        "issuer_name": "" if system.agency is not None else system.name[:255],
    }
    details: dict[str, Any] = {
        "kind": DocumentKind.RESULT,
        "title": delivery.title.strip()[:255],
        "valid_from": delivery.valid_from,
        "valid_to": delivery.valid_to,
        **issuer,
    }
    owner_field = "citizen" if isinstance(owner, Citizen) else "organisation"
    with stored_blob(prepared) as blob:
        document, created = Document.objects.get_or_create(
            file=blob,
            document_type=document_type,
            **{owner_field: owner},
            defaults=details,
        )
        attested = not created and document.kind != DocumentKind.RESULT
        if attested:
            # The owner's own copy of these very bytes: now an original from its issuer.
            for field, value in details.items():
                if field != "title" or not document.title:
                    setattr(document, field, value)
            document.save(update_fields=list(details))
        IssuerDelivery.objects.create(
            system=system, credential=credential, reference=reference, document=document
        )
        record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            request=request,
            actor=actor,
            obj=document,
            agency=system.agency,
            data={
                "issuer_system": system.pk,
                "key_id": credential.key_id,
                "reference": reference,
                "owner": f"{owner._meta.label_lower}:{owner.pk}",
                "document_type": document_type.code,
                "sha256": prepared.sha256,
                "size": prepared.size,
                "pages": prepared.page_count,
                "attested": attested,
            },
        )
    return document
