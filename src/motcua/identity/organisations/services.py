"""Organisation e-ID accounts: applying, deciding, members. Every change is audited."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import AdministrativeUnit
from motcua.identity.models import (
    AccountKind,
    ApplicantRole,
    EidLevel,
    Organisation,
    OrganisationDocument,
    OrganisationMember,
    OrganisationRole,
    OrganisationStatus,
    User,
)
from motcua.identity.organisations.codes import validate_code
from motcua.identity.organisations.documents import check_documents
from motcua.security.models import AuditAction
from motcua.security.services import record


def is_level2_citizen(user: Any) -> bool:
    """An active citizen account verified at e-ID level 2."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.kind == AccountKind.CITIZEN
        and user.eid_level == EidLevel.LEVEL_2
    )


def apply_for_organisation(
    applicant: User,
    *,
    name: str,
    code: str,
    address: str,
    commune: AdministrativeUnit | None,
    applicant_role: ApplicantRole | str,
    documents: list[UploadedFile],
    request: HttpRequest | None = None,
) -> Organisation:
    """File an application for an organisation account, pending an officer's review.

    Guarantees: only an active level-2 citizen applies; the code is well formed; no
    application when the code already has an approved account, or when this applicant
    already has one pending for it (a double submission yields one application); the
    documents are all checked before any is stored, and stored files are removed again
    when the application is not saved.
    """
    if not is_level2_citizen(applicant):
        raise DomainError(
            _("Only a citizen with a level 2 electronic identity can apply for an organisation."),
            code="level2_required",
        )
    code = validate_code(code)
    name, address = name.strip(), address.strip()
    if not name or not address:
        raise DomainError(_("Enter the organisation's name and address."), code="missing")
    if applicant_role not in ApplicantRole.values:
        raise DomainError(_("Choose your role in the organisation."), code="applicant_role")
    checked = check_documents(documents)
    stored: list[OrganisationDocument] = []
    try:
        with transaction.atomic():
            # Serialise one applicant's submissions so two clicks cannot both pass the check.
            User.objects.select_for_update().filter(pk=applicant.pk).first()
            if Organisation.objects.filter(code=code, status=OrganisationStatus.APPROVED).exists():
                raise Conflict(
                    _("An organisation with the code %(code)s already has an account.")
                    % {"code": code},
                    code="already_approved",
                )
            if Organisation.objects.filter(
                code=code, applicant=applicant, status=OrganisationStatus.PENDING
            ).exists():
                raise Conflict(
                    _("You have already applied for %(code)s; the application is being reviewed.")
                    % {"code": code},
                    code="already_pending",
                )
            organisation = Organisation.objects.create(
                name=name,
                code=code,
                address=address,
                commune=commune,
                applicant=applicant,
                applicant_role=applicant_role,
            )
            for document in checked:
                row = OrganisationDocument(
                    organisation=organisation,
                    original_name=document.original_name,
                    content_type=document.content_type,
                    sha256=document.sha256,
                )
                content = document.as_file()
                row.file.save(content.name, content, save=False)
                stored.append(row)
                row.save()
            record(
                AuditAction.CREATE,
                request=request,
                actor=applicant,
                obj=organisation,
                data={
                    "code": code,
                    "applicant_role": str(applicant_role),
                    "documents": [document.sha256 for document in checked],
                },
            )
    except BaseException:
        for row in stored:
            row.file.delete(save=False)
        raise
    return organisation


def _locked_pending(organisation: Organisation) -> Organisation:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status != OrganisationStatus.PENDING:
        raise Conflict(
            _("This application was already decided (%(status)s) by another officer.")
            % {"status": locked.get_status_display()},
            code="already_decided",
        )
    return locked


@transaction.atomic
def approve(organisation: Organisation, *, by: User, request: HttpRequest | None = None) -> None:
    """Approve a pending application: the applicant becomes the organisation's legal
    representative (or account manager, when applying as an authorised person).

    Raises Conflict when it was already decided, or the code has another approved account.
    """
    locked = _locked_pending(organisation)
    if (
        Organisation.objects.filter(code=locked.code, status=OrganisationStatus.APPROVED)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise Conflict(
            _("An organisation with the code %(code)s already has an account.")
            % {"code": locked.code},
            code="already_approved",
        )
    locked.status = OrganisationStatus.APPROVED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    except IntegrityError as exc:
        raise Conflict(
            _("An organisation with the code %(code)s already has an account.")
            % {"code": locked.code},
            code="already_approved",
        ) from exc
    role = (
        OrganisationRole.REPRESENTATIVE
        if locked.applicant_role == ApplicantRole.LEGAL_REPRESENTATIVE
        else OrganisationRole.MANAGER
    )
    OrganisationMember.objects.update_or_create(
        organisation=locked, user_id=locked.applicant_id, defaults={"role": role}
    )
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=locked,
        data={"decision": "approved", "member_role": str(role)},
    )
    _refresh(organisation, locked)


@transaction.atomic
def reject(
    organisation: Organisation, *, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    """Reject a pending application with a reason the applicant will read.

    Raises DomainError without a reason, Conflict when it was already decided.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for rejecting; the applicant will see it."), code="reason_required"
        )
    locked = _locked_pending(organisation)
    locked.status = OrganisationStatus.REJECTED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.rejection_reason = reason[:500]
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=locked,
        data={"decision": "rejected", "reason": locked.rejection_reason},
    )
    _refresh(organisation, locked)


def _refresh(target: Organisation, source: Organisation) -> None:
    for field in ("status", "reviewed_by_id", "reviewed_at", "rejection_reason"):
        setattr(target, field, getattr(source, field))


@transaction.atomic
def add_member(
    organisation: Organisation,
    user: User,
    role: OrganisationRole | str,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> OrganisationMember:
    """Add a citizen with an account to an approved organisation.

    Only its representative or a manager adds members; only the representative adds a
    manager; there is one representative, set at approval.
    """
    if organisation.status != OrganisationStatus.APPROVED:
        raise DomainError(_("The organisation's account is not approved."), code="not_approved")
    acting = OrganisationMember.objects.filter(organisation=organisation, user=by).first()
    allowed = {
        OrganisationRole.REPRESENTATIVE: {OrganisationRole.MANAGER, OrganisationRole.MEMBER},
        OrganisationRole.MANAGER: {OrganisationRole.MEMBER},
    }
    if acting is None or role not in allowed.get(OrganisationRole(acting.role), set()):
        raise DomainError(
            _("You cannot add a member with this role to this organisation."),
            code="member_not_allowed",
        )
    if user.kind != AccountKind.CITIZEN or user.citizen_id is None or not user.is_active:
        raise DomainError(
            _("Members must be citizens with an active account."), code="member_not_citizen"
        )
    member, created = OrganisationMember.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    if not created:
        raise Conflict(_("This person is already a member."), code="already_member")
    record(
        AuditAction.UPDATE,
        request=request,
        actor=by,
        obj=organisation,
        data={"member_added": user.pk, "role": str(role)},
    )
    return member
