"""Changing the warehouse: filing a document (an upload, a counter scan, a dossier's
result) and opening one. Every file passes `uploads.prepare` before anything is written;
every opening, granted or refused, is in the audit trail."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import DocumentType
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import DOSSIER_ROLES, can_see
from motcua.dossiers.transitions import in_scope
from motcua.identity.models import Organisation, Role, User
from motcua.registry.models import Citizen
from motcua.security.models import AuditAction
from motcua.security.services import record
from motcua.warehouse import selectors
from motcua.warehouse.models import (
    Document,
    DocumentKind,
    DossierDocument,
    DossierRole,
    StoredFile,
)
from motcua.warehouse.uploads import Prepared, prepare

logger = logging.getLogger(__name__)

Files = IO[bytes] | bytes | Iterable[IO[bytes] | bytes]
# Officers who file papers for a dossier's owner (counter digitisation, step 2).
FILING_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.CLERK, Role.SPECIALIST})


def blob_name(sha256: str) -> str:
    return f"warehouse/{sha256[:2]}/{sha256}.pdf"


def store_upload(
    actor: User,
    *,
    owner: Citizen | Organisation,
    document_type: DocumentType,
    files: Files,
    kind: DocumentKind = DocumentKind.UPLOAD,
    title: str = "",
    dossier: Dossier | None = None,
    issuer_agency: Agency | None = None,
    issuer_name: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Document:
    """File a paper into the owner's warehouse, and link it to `dossier` when given.

    The owner files their own papers (a citizen, or a member of an approved
    organisation); an officer in scope files them for a dossier of that owner, and only
    an officer files a counter scan. The file(s) pass the upload pipeline first: a refused
    file raises `uploads.Rejected` and nothing is stored. The same bytes filed again for
    the same owner and type return the document already held; the bytes are stored once
    whoever owns them.
    """
    if kind == DocumentKind.RESULT:
        raise ValueError("Results are filed with store_result().")
    check_details(issuer_agency, issuer_name, valid_from, valid_to)
    _require_filer(actor, owner, dossier, staff_only=kind == DocumentKind.SCAN)
    prepared = prepare(files)
    return _file(
        prepared,
        actor=actor,
        owner=owner,
        document_type=document_type,
        dossier=dossier,
        role=DossierRole.UPLOADED,
        details={
            "kind": kind,
            "title": title[:255],
            "issuer_agency": issuer_agency,
            "issuer_name": issuer_name[:255],
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )


def store_result(
    dossier: Dossier,
    actor: User,
    *,
    document_type: DocumentType,
    files: Files,
    title: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Document:
    """File a dossier's electronic result into its owner's warehouse: an original issued
    by the handling agency, linked to the dossier as its result. Only an officer in scope
    of the dossier files it; the PDF passes the same pipeline as any upload."""
    owner = selectors.owner_of_dossier(dossier)
    if owner is None or not in_scope(actor, DOSSIER_ROLES, dossier):
        _deny(actor, dossier, "store_result")
    check_details(None, "", valid_from, valid_to)
    prepared = prepare(files)
    return _file(
        prepared,
        actor=actor,
        owner=owner,
        document_type=document_type,
        dossier=dossier,
        role=DossierRole.RESULT,
        details={
            "kind": DocumentKind.RESULT,
            "title": title[:255],
            "issuer_agency": dossier.agency,
            "issuer_name": "",
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )


def open_document(
    user: Any, document: Document, purpose: str, dossier: Dossier | None = None
) -> File:
    """The document's PDF, opened for reading (the caller closes it).

    Allowed to the owner, and to anyone else only through `dossier`: one they may see
    (`dossiers.selectors.can_see`) that references the document. The opening is recorded
    in the audit trail with its purpose; a refusal too, then `PermissionDenied`.
    """
    purpose = purpose.strip()
    if not purpose:
        raise DomainError(_("State the purpose of opening this document."), code="purpose")
    actor = user if getattr(user, "pk", None) else None
    via = _access(user, document, dossier)
    data: dict[str, Any] = {"dossier": dossier.code if dossier is not None else None}
    if via is None:
        record(
            AuditAction.PERMISSION_DENIED,
            actor=actor,
            obj=document,
            agency=dossier.agency if dossier is not None else None,
            purpose=purpose,
            data=data,
        )
        raise PermissionDenied(_("You may not open this document."))
    record(
        AuditAction.READ,
        actor=actor,
        obj=document,
        agency=dossier.agency if via == "dossier" and dossier is not None else None,
        purpose=purpose,
        data={**data, "via": via, "sha256": document.file.sha256},
    )
    try:
        return default_storage.open(document.file.name, "rb")
    except FileNotFoundError as error:
        logger.error("warehouse file missing: %s", document.file.name)
        raise NotFound(
            _("The file of this document is missing from storage."), code="missing"
        ) from error


def _access(user: Any, document: Document, dossier: Dossier | None) -> str | None:
    if selectors.is_owner(user, document):
        return "owner"
    if dossier is not None and selectors.references(dossier, document) and can_see(user, dossier):
        return "dossier"
    return None


def check_details(
    issuer_agency: Agency | None,
    issuer_name: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
) -> None:
    if issuer_agency is not None and issuer_name:
        raise DomainError(
            _("Give the issuing agency or the issuer's name, not both."), code="issuer"
        )
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise DomainError(_("The validity period ends before it starts."), code="validity")


def _require_filer(
    actor: User, owner: Citizen | Organisation, dossier: Dossier | None, *, staff_only: bool
) -> None:
    """The owner files their own papers (for their own dossier only); an officer in scope
    of a dossier files papers of that dossier's owner."""
    for_dossier = dossier is None or selectors.owner_of_dossier(dossier) == owner
    if not staff_only and for_dossier and _owns(actor, owner):
        return
    if (
        dossier is not None
        and for_dossier
        and actor.is_authenticated
        and in_scope(actor, FILING_ROLES, dossier)
    ):
        return
    _deny(actor, dossier or owner, "store_upload")


def _owns(actor: User, owner: Citizen | Organisation) -> bool:
    if not actor.is_authenticated:
        return False
    if isinstance(owner, Citizen):
        return actor.citizen_id == owner.pk
    return selectors.is_member(actor, owner)


def _deny(actor: Any, obj: Any, action: str) -> NoReturn:
    record(
        AuditAction.PERMISSION_DENIED,
        actor=actor if getattr(actor, "pk", None) else None,
        obj=obj,
        data={"action": action},
    )
    raise PermissionDenied(_("You may not add documents for this owner."))


def _file(
    prepared: Prepared,
    *,
    actor: User,
    owner: Citizen | Organisation,
    document_type: DocumentType,
    dossier: Dossier | None,
    role: DossierRole,
    details: dict[str, Any],
) -> Document:
    owner_field = "citizen" if isinstance(owner, Citizen) else "organisation"
    with stored_blob(prepared) as blob:
        document, created = Document.objects.get_or_create(
            file=blob,
            document_type=document_type,
            **{owner_field: owner},
            defaults={**details, "source_dossier": dossier, "created_by": actor},
        )
        linked = False
        if dossier is not None:
            _link, linked = DossierDocument.objects.get_or_create(
                dossier=dossier, document=document, defaults={"role": role}
            )
        if linked and not created:
            # A held document newly reachable by the staff of another dossier.
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=document,
                agency=dossier.agency if dossier is not None else None,
                data={
                    "dossier": dossier.code if dossier is not None else None,
                    "role": str(role),
                },
            )
        if created:
            record(
                AuditAction.CREATE,
                actor=actor,
                obj=document,
                agency=dossier.agency if dossier is not None else details["issuer_agency"],
                data={
                    "kind": str(document.kind),
                    "sha256": prepared.sha256,
                    "size": prepared.size,
                    "pages": prepared.page_count,
                    "dossier": dossier.code if dossier is not None else None,
                },
            )
    return document


@contextmanager
def stored_blob(prepared: Prepared) -> Iterator[StoredFile]:
    """The stored file of `prepared`'s bytes, written to storage when new, inside a
    transaction the caller's block joins: if the block fails, the rows roll back and a file
    this call wrote is removed. Every filing path (uploads, results, issuers) goes here."""
    storage = default_storage
    name = blob_name(prepared.sha256)
    written = False
    try:
        with transaction.atomic():
            blob, _created = StoredFile.objects.get_or_create(
                sha256=prepared.sha256,
                defaults={"size": prepared.size, "page_count": prepared.page_count, "name": name},
            )
            written = _write(storage, blob.name, prepared.data)
            yield blob
    except BaseException:
        if written:
            _discard(storage, name)
        raise


def _write(storage: Storage, name: str, data: bytes) -> bool:
    """Make sure the content is at `name`; True when this call wrote it."""
    if storage.exists(name):
        if storage.size(name) == len(data):
            return False
        # A partial file left by a crash: content-addressed, so it is simply rewritten.
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # Someone wrote the same content at the same moment; theirs will do.
        storage.delete(saved)
        return False
    return True


def _discard(storage: Storage, name: str) -> None:
    """Delete a file this call wrote for a change that failed, unless a stored row
    (another upload of the same content, committed meanwhile) uses it."""
    try:
        used = StoredFile.objects.filter(name=name).exists()
    except Exception:  # the database is unreachable: keeping a file is the safe side
        logger.exception("warehouse: cannot tell whether %s is used; kept", name)
        return
    if not used:
        storage.delete(name)
