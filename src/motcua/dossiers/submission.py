"""An online submission with its papers, all or nothing.

`submit_with_papers` applies the reuse rules (`warehouse.reuse.plan`), checks every
uploaded file through the warehouse pipeline before anything is written, then in one
transaction submits the dossier (`services.submit_online`), records the fee payment if one
is given, files the uploads into the owner's warehouse linked to the dossier, links the
reused documents, and sets the dossier's paper counts. A refused file, a missing required
paper, a form mistake or a refused payment: nothing is submitted and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.dossiers import payments
from motcua.dossiers import transitions as t
from motcua.dossiers.formdata import InvalidFormData, validate_form_data
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Application, submit_online
from motcua.identity.models import User
from motcua.registry.models import Citizen
from motcua.security.models import AuditAction
from motcua.security.services import record
from motcua.warehouse import reuse, services
from motcua.warehouse.models import DossierDocument, DossierRole, StoredFile
from motcua.warehouse.uploads import Prepared, Rejected, prepare

logger = logging.getLogger(__name__)

Upload = IO[bytes] | bytes
# Per document type code, the file(s) of that paper (several images make one PDF).
Uploads = Mapping[str, Iterable[Upload]]


@dataclass(frozen=True)
class Payment:
    method: str
    reference: str


class IncompleteSubmission(DomainError):
    """Everything wrong with a submission at once: the form's fields, the papers (by
    document type code) and the payment. Nothing was submitted or stored."""

    def __init__(
        self,
        *,
        fields: dict[str, str] | None = None,
        papers: dict[str, str] | None = None,
        payment: str = "",
    ) -> None:
        super().__init__(
            _("The submission has mistakes; nothing was submitted."), code="incomplete"
        )
        self.fields = fields or {}
        self.papers = papers or {}
        self.payment = payment


def paper_problems(
    plan: reuse.Plan, uploads: Uploads
) -> tuple[dict[str, Prepared], dict[str, str]]:
    """Each uploaded paper prepared by the pipeline (nothing written), and what is wrong:
    a required paper missing, or a file refused with its reason."""
    prepared: dict[str, Prepared] = {}
    problems: dict[str, str] = {}
    for paper in plan.to_upload:
        files = [f for f in uploads.get(paper.code, ()) if f]
        if not files:
            if paper.required:
                problems[paper.code] = _("Upload this paper: it is required.")
            continue
        try:
            prepared[paper.code] = prepare(files)
        except Rejected as error:
            problems[paper.code] = error.message
    return prepared, problems


def form_problems(app: Application) -> dict[str, str]:
    try:
        validate_form_data(app.procedure, app.form_data)
    except InvalidFormData as error:
        return dict(error.errors)
    return {}


def submit_with_papers(
    user: User,
    app: Application,
    uploads: Uploads,
    *,
    payment: Payment | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Submit online with the papers: registry papers read, held ones reused, the rest
    uploaded, and the counts set on the dossier.

    Guarantees: every file passed the upload pipeline and every required paper is there
    before anything is written; one transaction submits, pays, files and links, so a
    failure leaves no dossier, no document and no file this call wrote. The same
    submission key again returns the first dossier untouched.
    """
    at = t.now_or(at)
    if app.idempotency_key:
        existing = Dossier.objects.filter(submitted_by=user, idempotency_key=app.idempotency_key)
        if (found := existing.first()) is not None:
            return found
    owner: Citizen | None = user.citizen
    plan = reuse.plan(app.procedure, app.organisation or owner)
    fields = form_problems(app)
    prepared, papers = paper_problems(plan, uploads)
    if fields or papers:
        raise IncompleteSubmission(fields=fields, papers=papers)
    titles = {code: _file_name(files) for code, files in uploads.items()}
    written: list[str] = []
    try:
        with transaction.atomic():
            dossier = submit_online(user, app, at=at)
            if dossier.submitted_at != at:
                return dossier  # a concurrent twin with the same key was first
            if payment is not None and payment.reference.strip() and dossier.fees_outstanding:
                _pay(dossier, user, payment)
            owned_by = app.organisation or owner
            assert owned_by is not None  # submit_online refuses an account without a citizen
            for paper in plan.to_upload:
                if paper.code not in prepared:
                    continue
                data = prepared[paper.code]
                name = services.blob_name(data.sha256)
                if not default_storage.exists(name):
                    written.append(name)
                services.store_upload(
                    user,
                    owner=owned_by,
                    document_type=paper.document_type,
                    files=data.data,
                    title=titles.get(paper.code, ""),
                    dossier=dossier,
                )
            for paper in plan.reused:
                _link_reused(dossier, user, paper)
            dossier.papers_required = plan.required_count
            dossier.papers_reused = len(plan.reused)
            dossier.papers_from_registry = len(plan.from_registry)
            dossier.papers_uploaded = len(prepared)
            dossier.save(
                update_fields=[
                    "papers_required",
                    "papers_reused",
                    "papers_from_registry",
                    "papers_uploaded",
                ]
            )
    except BaseException:
        _discard(written)
        raise
    return dossier


def _pay(dossier: Dossier, user: User, payment: Payment) -> None:
    try:
        payments.record_payment(
            dossier,
            user,
            amount=dossier.fees_outstanding,
            method=payment.method,
            reference=payment.reference,
        )
    except DomainError as error:
        raise IncompleteSubmission(payment=error.message) from error
    dossier.refresh_from_db()


def _link_reused(dossier: Dossier, user: User, paper: reuse.Paper) -> None:
    document = paper.held
    assert document is not None
    _link, created = DossierDocument.objects.get_or_create(
        dossier=dossier, document=document, defaults={"role": DossierRole.REUSED}
    )
    if created:
        # The held document becomes reachable by the staff handling this dossier.
        record(
            AuditAction.UPDATE,
            actor=user,
            obj=document,
            agency=dossier.agency,
            data={"dossier": dossier.code, "role": str(DossierRole.REUSED)},
        )


def _file_name(files: Iterable[Upload]) -> str:
    for item in files:
        name = getattr(item, "name", "") or ""
        return str(name).rsplit("/", 1)[-1][:255]
    return ""


def _discard(names: list[str]) -> None:
    """Delete the files this call wrote for a submission that failed, unless a stored row
    (the same content filed meanwhile by someone else) uses them."""
    for name in names:
        try:
            if not StoredFile.objects.filter(name=name).exists():
                default_storage.delete(name)
        except Exception:  # keeping a content-addressed file is the safe side
            logger.exception("submission: cannot tell whether %s is used; kept", name)
