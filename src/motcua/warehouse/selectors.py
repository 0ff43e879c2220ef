"""Reading the warehouse: whose documents a user sees, and which a dossier references."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from motcua.dossiers.models import Dossier
from motcua.identity.models import Organisation, OrganisationStatus
from motcua.registry.models import Citizen
from motcua.warehouse.models import Document

Owner = Citizen | Organisation


def _owner_filter(user: Any) -> Q | None:
    """The documents the user owns: their own as a citizen, and those of the approved
    organisations they are a member of."""
    if not getattr(user, "is_authenticated", False):
        return None
    owned = Q()
    if user.citizen_id is not None:
        owned |= Q(citizen_id=user.citizen_id)
    organisations = Organisation.objects.filter(
        status=OrganisationStatus.APPROVED, members__user=user
    ).values("pk")
    owned |= Q(organisation__in=organisations)
    return owned


def documents_of(user: Any) -> QuerySet[Document]:
    """The documents a user owns, newest first (none for staff: they reach documents only
    through a dossier)."""
    owned = _owner_filter(user)
    if owned is None:
        return Document.objects.none()
    return Document.objects.filter(owned).select_related("file", "document_type")


def is_owner(user: Any, document: Document) -> bool:
    owned = _owner_filter(user)
    return owned is not None and Document.objects.filter(owned, pk=document.pk).exists()


def is_member(user: Any, organisation: Organisation) -> bool:
    return (
        organisation.status == OrganisationStatus.APPROVED
        and organisation.members.filter(user=user).exists()
    )


def owner_of(document: Document) -> Owner:
    return document.citizen if document.citizen_id is not None else document.organisation  # type: ignore[return-value]


def owner_of_dossier(dossier: Dossier) -> Owner | None:
    """Whose papers a dossier's documents are: the organisation it is filed for, else the
    citizen."""
    if dossier.organisation_id is not None:
        return dossier.organisation
    return dossier.citizen


def documents_of_dossier(dossier: Dossier) -> QuerySet[Document]:
    return Document.objects.filter(
        Q(dossier_links__dossier=dossier) | Q(source_dossier=dossier)
    ).distinct()


def references(dossier: Dossier, document: Document) -> bool:
    """Does the dossier use the document (linked, or the dossier it came from)?"""
    if document.source_dossier_id == dossier.pk:
        return True
    return document.dossier_links.filter(dossier=dossier).exists()
