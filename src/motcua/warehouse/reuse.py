"""Which papers a dossier does not ask for: the reuse rules.

For each document a procedure lists:

1. a type the population registry answers (`reuse_source == registry`: identity, household,
   residence) is read from the registry — never ask for a copy of the ID card or the
   household book;
2. a type the warehouse may answer (`reuse_source == warehouse`) that the owner already
   holds, valid today (`valid_from` ≤ today ≤ `valid_to`, either end open), is reused;
3. anything else is uploaded: it must be when the procedure requires it, it may be when not.

A type marked "not reusable" (a declaration filled in for this request, a fresh photo) is
always asked for, even when an older one is held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from motcua.catalog.models import DocumentType, Procedure, ProcedureDocument, ReuseSource
from motcua.identity.models import Organisation
from motcua.registry.models import Citizen
from motcua.warehouse.models import Document

Owner = Citizen | Organisation


class Source:
    """Where a paper of a dossier comes from."""

    REGISTRY = "registry"  # read from the population registry
    WAREHOUSE = "warehouse"  # a valid document already held, reused
    UPLOAD = "upload"  # handed in by the applicant with this dossier


@dataclass(frozen=True)
class Paper:
    """One document of the procedure and how this dossier gets it."""

    requirement: ProcedureDocument
    source: str
    held: Document | None = None  # the document reused, for Source.WAREHOUSE

    @property
    def document_type(self) -> DocumentType:
        return self.requirement.document_type

    @property
    def code(self) -> str:
        return self.requirement.document_type.code

    @property
    def required(self) -> bool:
        return self.requirement.required

    @property
    def not_needed(self) -> bool:
        return self.source != Source.UPLOAD


@dataclass(frozen=True)
class Plan:
    """Every paper of a procedure for one owner, in the procedure's order."""

    papers: list[Paper] = field(default_factory=list)

    def _of(self, source: str) -> list[Paper]:
        return [paper for paper in self.papers if paper.source == source]

    @property
    def from_registry(self) -> list[Paper]:
        return self._of(Source.REGISTRY)

    @property
    def reused(self) -> list[Paper]:
        return self._of(Source.WAREHOUSE)

    @property
    def to_upload(self) -> list[Paper]:
        return self._of(Source.UPLOAD)

    @property
    def required_count(self) -> int:
        """The required papers a person would hand in: the registry's are not papers."""
        return sum(1 for p in self.papers if p.required and p.source != Source.REGISTRY)

    @property
    def not_asked_count(self) -> int:
        return len(self.from_registry) + len(self.reused)


def valid_on(day: dt.date) -> Q:
    """Documents valid on `day`: started (or open-ended) and not ended (or open-ended)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def held_document(owner: Owner, document_type: DocumentType, day: dt.date) -> Document | None:
    """The owner's document of this type valid on `day`; of several, the one valid longest
    (an open end first), then the newest."""
    owner_field = "citizen" if isinstance(owner, Citizen) else "organisation"
    return (
        Document.objects.filter(valid_on(day), document_type=document_type, **{owner_field: owner})
        .select_related("document_type", "issuer_agency", "file")
        .order_by(F("valid_to").desc(nulls_first=True), "-created_at", "-pk")
        .first()
    )


def plan(procedure: Procedure, owner: Owner | None, *, today: dt.date | None = None) -> Plan:
    """How each of the procedure's documents is obtained for `owner` (None: nobody logged
    in, so nothing is held — the registry's papers are still never asked for)."""
    day = today or timezone.localdate()
    papers: list[Paper] = []
    for requirement in procedure.documents.select_related("document_type").order_by("pk"):
        kind = requirement.document_type
        if kind.reuse_source == ReuseSource.REGISTRY:
            papers.append(Paper(requirement, Source.REGISTRY))
            continue
        held = None
        if kind.reuse_source == ReuseSource.WAREHOUSE and owner is not None:
            held = held_document(owner, kind, day)
        if held is not None:
            papers.append(Paper(requirement, Source.WAREHOUSE, held))
        else:
            papers.append(Paper(requirement, Source.UPLOAD))
    return Plan(papers)
