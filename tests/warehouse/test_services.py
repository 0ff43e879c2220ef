"""Filing and opening documents: stored once by content, seen by the owner, reached by
staff only through a dossier they handle, every opening audited."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied

from motcua.core.exceptions import DomainError
from motcua.identity.models import AccountKind, Role, User
from motcua.security.models import AuditAction, AuditRecord
from motcua.warehouse import services
from motcua.warehouse.models import (
    Document,
    DocumentKind,
    DossierDocument,
    DossierRole,
    StoredFile,
)
from motcua.warehouse.selectors import documents_of
from motcua.warehouse.services import open_document, store_result, store_upload
from tests.warehouse.conftest import image, pdf, stored_files

CERTIFICATE = pdf(2, text="Giấy chứng nhận kết hôn")


@pytest.fixture
def neighbour(make_citizen):
    citizen = make_citizen(full_name="Phạm Quốc Bảo", birth_date=dt.date(1988, 6, 1))
    return User.objects.create_user(
        citizen.id_number, password="pw-Quang-Ninh-22", kind=AccountKind.CITIZEN, citizen=citizen
    )


def upload(user, document_type, content=CERTIFICATE, **kwargs):
    return store_upload(
        user,
        owner=kwargs.pop("owner", None) or user.citizen,
        document_type=document_type,
        files=io.BytesIO(content),
        **kwargs,
    )


def audits(action, document):
    return AuditRecord.objects.filter(
        action=action, object_type="warehouse.document", object_id=str(document.pk)
    )


def test_the_same_file_uploaded_twice_is_stored_once(applicant, marriage, media):
    first = upload(applicant, marriage)
    second = upload(applicant, marriage)
    assert second == first
    assert Document.objects.count() == 1
    assert StoredFile.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_the_same_file_of_two_owners_is_two_documents_over_one_stored_file(
    applicant, neighbour, marriage, media
):
    mine = upload(applicant, marriage)
    theirs = upload(neighbour, marriage)
    assert mine != theirs
    assert mine.file == theirs.file
    assert len(stored_files(media)) == 1


def test_the_same_file_as_another_type_is_another_document_over_the_same_bytes(
    applicant, marriage, diploma, media
):
    upload(applicant, marriage)
    upload(applicant, diploma)
    assert Document.objects.count() == 2
    assert StoredFile.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_filing_a_document_is_audited_with_its_hash(applicant, marriage):
    document = upload(applicant, marriage)
    (created,) = audits(AuditAction.CREATE, document)
    assert created.data["sha256"] == document.sha256
    assert created.actor == applicant


def test_a_database_failure_after_writing_leaves_no_file(applicant, marriage, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        upload(applicant, marriage)
    assert stored_files(media) == []
    assert not StoredFile.objects.exists()


def test_a_failure_keeps_a_file_another_document_uses(
    applicant, neighbour, marriage, media, monkeypatch
):
    upload(neighbour, marriage)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        upload(applicant, marriage)
    assert len(stored_files(media)) == 1


def test_a_document_has_exactly_one_owner_in_the_database(applicant, marriage):
    from django.db import IntegrityError, transaction

    document = upload(applicant, marriage)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(citizen=None)


def test_a_citizen_cannot_file_into_someone_elses_warehouse(applicant, neighbour, marriage, media):
    with pytest.raises(PermissionDenied):
        upload(applicant, marriage, owner=neighbour.citizen)
    assert stored_files(media) == []
    assert AuditRecord.objects.filter(action=AuditAction.PERMISSION_DENIED).exists()


def test_a_validity_period_ending_before_it_starts_is_refused(applicant, marriage, media):
    with pytest.raises(DomainError) as error:
        upload(applicant, marriage, valid_from=dt.date(2026, 1, 2), valid_to=dt.date(2026, 1, 1))
    assert error.value.code == "validity"
    assert stored_files(media) == []


def test_the_owner_sees_and_opens_their_document_and_the_reading_is_audited(
    applicant, neighbour, marriage
):
    document = upload(applicant, marriage)
    assert list(documents_of(applicant)) == [document]
    assert list(documents_of(neighbour)) == []
    with open_document(applicant, document, "Tải về") as opened:
        assert opened.read() == CERTIFICATE
    (read,) = audits(AuditAction.READ, document)
    assert read.actor == applicant
    assert read.purpose == "Tải về"
    assert read.data["via"] == "owner"


def test_another_citizen_cannot_open_it_and_the_refusal_is_audited(applicant, neighbour, marriage):
    document = upload(applicant, marriage)
    with pytest.raises(PermissionDenied):
        open_document(neighbour, document, "Tò mò")
    (denied,) = audits(AuditAction.PERMISSION_DENIED, document)
    assert denied.actor == neighbour
    assert not audits(AuditAction.READ, document).exists()


def test_opening_needs_a_purpose(applicant, marriage):
    document = upload(applicant, marriage)
    with pytest.raises(DomainError) as error:
        open_document(applicant, document, "  ")
    assert error.value.code == "purpose"


def test_staff_cannot_open_a_document_outside_a_dossier(applicant, marriage, staff):
    document = upload(applicant, marriage)
    officer = staff[Role.ONE_STOP_OFFICER]
    assert list(documents_of(officer)) == []
    with pytest.raises(PermissionDenied):
        open_document(officer, document, "Kiểm tra")
    assert audits(AuditAction.PERMISSION_DENIED, document).count() == 1


def test_staff_open_a_document_through_a_dossier_they_handle(applicant, marriage, staff, submit):
    dossier = submit()
    document = upload(applicant, marriage, dossier=dossier)
    link = DossierDocument.objects.get(dossier=dossier, document=document)
    assert link.role == DossierRole.UPLOADED
    assert document.source_dossier == dossier
    officer = staff[Role.SPECIALIST]
    with open_document(officer, document, "Thẩm định hồ sơ", dossier=dossier) as opened:
        assert opened.read() == CERTIFICATE
    (read,) = audits(AuditAction.READ, document)
    assert read.data == {
        "dossier": dossier.code,
        "via": "dossier",
        "sha256": document.sha256,
    }
    assert read.agency == dossier.agency


def test_staff_cannot_open_a_document_the_dossier_does_not_use(
    applicant, marriage, diploma, staff, submit
):
    dossier = submit()
    upload(applicant, marriage, dossier=dossier)
    other = upload(applicant, diploma, content=pdf(1))
    with pytest.raises(PermissionDenied):
        open_document(staff[Role.SPECIALIST], other, "Thẩm định", dossier=dossier)
    assert audits(AuditAction.PERMISSION_DENIED, other).count() == 1


def test_staff_of_another_agency_cannot_open_it_through_the_dossier(
    applicant, marriage, submit, make_staff, other_pc
):
    dossier = submit()
    document = upload(applicant, marriage, dossier=dossier)
    stranger = make_staff(Role.SPECIALIST, agency=other_pc)
    with pytest.raises(PermissionDenied):
        open_document(stranger, document, "Thẩm định", dossier=dossier)
    assert audits(AuditAction.PERMISSION_DENIED, document).count() == 1


def test_an_officer_scans_a_counter_paper_into_the_owners_warehouse(
    applicant, marriage, staff, submit, media
):
    dossier = submit()
    officer = staff[Role.ONE_STOP_OFFICER]
    document = store_upload(
        officer,
        owner=applicant.citizen,
        document_type=marriage,
        files=[io.BytesIO(image("JPEG")), io.BytesIO(image("JPEG", color="white"))],
        kind=DocumentKind.SCAN,
        dossier=dossier,
    )
    assert document.kind == DocumentKind.SCAN
    assert document.page_count == 2
    assert document.created_by == officer
    assert list(documents_of(applicant)) == [document]


def test_an_officer_cannot_file_without_a_dossier_of_that_owner(
    applicant, neighbour, marriage, staff, submit, media
):
    dossier = submit()
    officer = staff[Role.ONE_STOP_OFFICER]
    with pytest.raises(PermissionDenied):
        store_upload(
            officer,
            owner=neighbour.citizen,
            document_type=marriage,
            files=CERTIFICATE,
            kind=DocumentKind.SCAN,
            dossier=dossier,
        )
    with pytest.raises(PermissionDenied):
        store_upload(officer, owner=applicant.citizen, document_type=marriage, files=CERTIFICATE)
    assert stored_files(media) == []


def test_a_citizen_cannot_file_a_counter_scan(applicant, marriage, submit, media):
    with pytest.raises(PermissionDenied):
        upload(applicant, marriage, kind=DocumentKind.SCAN, dossier=submit())
    assert stored_files(media) == []


def test_a_result_goes_into_the_owners_warehouse_as_an_original_of_the_agency(
    applicant, marriage, staff, submit
):
    dossier = submit()
    result = store_result(
        dossier,
        staff[Role.LEADER],
        document_type=marriage,
        files=pdf(1, text="Kết quả"),
        title="Giấy chứng nhận kết hôn",
        valid_from=dt.date(2026, 11, 23),
    )
    assert result.kind == DocumentKind.RESULT
    assert result.issuer_agency == dossier.agency
    assert result.citizen == applicant.citizen
    assert result.source_dossier == dossier
    assert dossier.warehouse_links.get().role == DossierRole.RESULT
    assert list(documents_of(applicant)) == [result]


def test_a_result_is_filed_only_by_staff_of_the_dossier(
    applicant, marriage, submit, make_staff, other_pc, media
):
    dossier = submit()
    for outsider in (applicant, make_staff(Role.LEADER, agency=other_pc)):
        with pytest.raises(PermissionDenied):
            store_result(dossier, outsider, document_type=marriage, files=pdf())
    assert stored_files(media) == []


def test_an_organisations_documents_are_seen_by_its_members(applicant, neighbour, marriage):
    from motcua.identity.models import (
        Organisation,
        OrganisationMember,
        OrganisationRole,
        OrganisationStatus,
    )

    company = Organisation.objects.create(
        name="Công ty TNHH Hạ Long Xanh",
        code="5701234567",
        address="Hạ Long",
        status=OrganisationStatus.APPROVED,
        applicant=applicant,
        applicant_role="legal_representative",
    )
    OrganisationMember.objects.create(
        organisation=company, user=applicant, role=OrganisationRole.REPRESENTATIVE
    )
    document = upload(applicant, marriage, owner=company)
    assert document.organisation == company
    assert document.citizen is None
    assert list(documents_of(applicant)) == [document]
    assert list(documents_of(neighbour)) == []
    with pytest.raises(PermissionDenied):
        upload(neighbour, marriage, owner=company)


def test_a_held_document_filed_again_for_a_dossier_is_linked_not_copied(
    applicant, marriage, staff, submit
):
    held = upload(applicant, marriage)
    dossier = submit()
    again = upload(applicant, marriage, dossier=dossier)
    assert again == held
    assert held.source_dossier is None
    assert dossier.warehouse_links.get().document == held
    assert audits(AuditAction.UPDATE, held).get().data["dossier"] == dossier.code
    with open_document(staff[Role.CLERK], held, "Tiếp nhận", dossier=dossier) as opened:
        assert opened.read() == CERTIFICATE
