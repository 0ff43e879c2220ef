"""Applying for an organisation account, and the officers' decision."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.exceptions import Conflict, DomainError
from motcua.identity.models import (
    EidLevel,
    Organisation,
    OrganisationDocument,
    OrganisationMember,
    OrganisationRole,
    OrganisationStatus,
)
from motcua.identity.organisations.services import (
    add_member,
    apply_for_organisation,
    approve,
    reject,
)
from motcua.security.models import AuditAction, AuditRecord

from .conftest import CODE, OTHER_CODE, pdf, pdf_bytes, png

pytestmark = pytest.mark.django_db


def application(user, communes, *, code=CODE, documents=None, role="legal_representative"):
    return apply_for_organisation(
        user,
        name="Công ty TNHH Hạ Long Xanh",
        code=code,
        address="Số 5, đường Trần Hưng Đạo",
        commune=communes[0],
        applicant_role=role,
        documents=documents if documents is not None else [pdf(), png()],
    )


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()]


def test_a_level_2_citizen_applies_and_the_application_waits_for_review(applicant, communes, media):
    organisation = application(applicant, communes)
    assert organisation.status == OrganisationStatus.PENDING
    documents = list(organisation.documents.order_by("pk"))
    assert [d.content_type for d in documents] == ["application/pdf", "image/png"]
    assert documents[0].original_name == "giay-chung-nhan.pdf"
    with default_storage.open(documents[0].file.name) as stored:
        assert stored.read() == pdf_bytes()
    assert len(stored_files(media)) == 2
    assert AuditRecord.objects.filter(
        action=AuditAction.CREATE, object_id=str(organisation.pk), actor=applicant
    ).exists()


@pytest.mark.parametrize("level", [EidLevel.NONE, EidLevel.LEVEL_1])
def test_a_citizen_below_level_2_cannot_apply(make_account, communes, level):
    user = make_account(eid_level=level)
    with pytest.raises(DomainError) as error:
        application(user, communes)
    assert error.value.code == "level2_required"
    assert not Organisation.objects.exists()


def test_a_disabled_level_2_account_cannot_apply(applicant, communes):
    applicant.is_active = False
    applicant.save()
    with pytest.raises(DomainError):
        application(applicant, communes)


def test_a_wrongly_shaped_code_is_refused_and_nothing_is_created(applicant, communes, media):
    with pytest.raises(DomainError) as error:
        application(applicant, communes, code="01001091")
    assert "10 digits" in error.value.message
    assert not Organisation.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("giay-phep.pdf", b"just some text, not a PDF", "application/pdf"),
        SimpleUploadedFile("anh.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "image/png"),
        SimpleUploadedFile("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/octet-stream"),
    ],
)
def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_and_nothing_is_stored(
    applicant, communes, media, upload
):
    with pytest.raises(DomainError) as error:
        application(applicant, communes, documents=[pdf(), upload])
    assert error.value.code == "document_type"
    assert upload.name in error.value.message
    assert not Organisation.objects.exists()
    assert not OrganisationDocument.objects.exists()
    assert stored_files(media) == []


def test_a_jpeg_is_recognised_by_its_content_whatever_its_name(applicant, communes):
    jpeg = SimpleUploadedFile("scan.pdf", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32)
    organisation = application(applicant, communes, documents=[jpeg])
    assert organisation.documents.get().content_type == "image/jpeg"
    assert organisation.documents.get().file.name.endswith(".jpg")


def test_too_large_a_file_is_refused(applicant, communes, settings):
    settings.MOTCUA_ORGANISATION_DOCUMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 200)
    with pytest.raises(DomainError) as error:
        application(applicant, communes, documents=[big])
    assert error.value.code == "document_too_large"


@pytest.mark.parametrize("count", [0, 6])
def test_between_one_and_five_documents_are_needed(applicant, communes, count):
    with pytest.raises(DomainError):
        application(applicant, communes, documents=[pdf(f"{n}.pdf") for n in range(count)])
    assert not Organisation.objects.exists()


def test_submitting_twice_makes_one_application(applicant, communes, media):
    application(applicant, communes)
    with pytest.raises(Conflict) as error:
        application(applicant, communes)
    assert error.value.code == "already_pending"
    assert Organisation.objects.count() == 1
    assert len(stored_files(media)) == 2


def test_an_approved_code_cannot_be_applied_for_again(applicant, make_account, communes, officer):
    approve(application(applicant, communes), by=officer)
    with pytest.raises(Conflict) as error:
        application(make_account(), communes)
    assert error.value.code == "already_approved"


def test_approval_makes_the_legal_representative_a_member_and_is_audited(
    applicant, communes, officer
):
    organisation = application(applicant, communes)
    approve(organisation, by=officer)
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert organisation.reviewed_by == officer and organisation.reviewed_at is not None
    member = OrganisationMember.objects.get(organisation=organisation)
    assert (member.user, member.role) == (applicant, OrganisationRole.REPRESENTATIVE)
    audit = AuditRecord.objects.filter(object_id=str(organisation.pk), actor=officer).get()
    assert audit.action == AuditAction.UPDATE and audit.data["decision"] == "approved"


def test_an_authorised_person_becomes_the_account_manager(applicant, communes, officer):
    organisation = application(applicant, communes, role="authorised_person")
    approve(organisation, by=officer)
    assert organisation.members.get().role == OrganisationRole.MANAGER


def test_rejecting_needs_a_reason(applicant, communes, officer):
    organisation = application(applicant, communes)
    with pytest.raises(DomainError) as error:
        reject(organisation, by=officer, reason="   ")
    assert error.value.code == "reason_required"
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


def test_a_rejected_code_can_be_applied_for_again(applicant, communes, officer):
    reject(application(applicant, communes), by=officer, reason="Giấy phép đã hết hạn")
    assert application(applicant, communes).status == OrganisationStatus.PENDING


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_deciding_an_already_decided_application_is_a_conflict(
    applicant, communes, officer, other_officer, first
):
    organisation = application(applicant, communes)
    stale = Organisation.objects.get(pk=organisation.pk)  # the second officer's copy
    if first == "approve":
        approve(organisation, by=officer)
    else:
        reject(organisation, by=officer, reason="Thiếu giấy tờ")
    with pytest.raises(Conflict) as error:
        reject(stale, by=other_officer, reason="Sai địa chỉ")
    assert error.value.code == "already_decided"
    with pytest.raises(Conflict):
        approve(stale, by=other_officer)
    organisation.refresh_from_db()
    assert organisation.reviewed_by == officer
    assert organisation.rejection_reason == ("" if first == "approve" else "Thiếu giấy tờ")


def test_the_representative_adds_members_who_are_citizens(
    applicant, make_account, communes, officer
):
    organisation = application(applicant, communes)
    approve(organisation, by=officer)
    colleague = make_account(eid_level=EidLevel.LEVEL_1)
    member = add_member(organisation, colleague, OrganisationRole.MEMBER, by=applicant)
    assert member.role == OrganisationRole.MEMBER
    with pytest.raises(Conflict):
        add_member(organisation, colleague, OrganisationRole.MEMBER, by=applicant)
    with pytest.raises(DomainError):
        add_member(organisation, officer, OrganisationRole.MEMBER, by=applicant)
    with pytest.raises(DomainError):
        add_member(organisation, make_account(), OrganisationRole.MEMBER, by=colleague)


def test_members_cannot_be_added_before_approval(applicant, make_account, communes):
    organisation = application(applicant, communes, code=OTHER_CODE)
    with pytest.raises(DomainError) as error:
        add_member(organisation, make_account(), OrganisationRole.MEMBER, by=applicant)
    assert error.value.code == "not_approved"
