"""The electronic result: rendered when the leader approves, filed in the owner's warehouse."""

import io
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from motcua.catalog.models import Procedure
from motcua.core.exceptions import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import DossierStatus
from motcua.identity.models import Organisation, OrganisationMember, Role
from motcua.warehouse.models import Document, DocumentKind, DossierDocument, DossierRole
from motcua.warehouse.selectors import documents_of
from tests.dossiers.conftest import local

pytestmark = pytest.mark.django_db

SEAL = "1.000451"  # received at the Service Centre, handled by the police


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return root


def walk(dossier, officer, specialist, leader, *, at=None, stop_after_approval=False):
    at = at or local(2026, 11, 23, 9, 0)
    dossier = services.receive(dossier, officer, at=at)
    dossier = services.digitise(dossier, officer, at=at)
    dossier = services.appraise(dossier, specialist, opinion="Hồ sơ hợp lệ.", at=at)
    dossier = services.approve(
        dossier, leader, result_summary="Cấp Giấy khai sinh bản điện tử số 15/2026.", at=at
    )
    if stop_after_approval:
        return dossier
    return services.return_result(dossier, officer, at=at)


def five_steps(dossier, staff, **kwargs):
    return walk(
        dossier,
        staff[Role.ONE_STOP_OFFICER],
        staff[Role.SPECIALIST],
        staff[Role.LEADER],
        **kwargs,
    )


def text_of(document: Document) -> str:
    from django.core.files.storage import default_storage

    with default_storage.open(document.file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def test_the_five_steps_file_exactly_one_result_in_the_applicants_warehouse(
    submit, staff, applicant
):
    dossier = five_steps(submit(), staff)
    assert dossier.status == DossierStatus.RESULT_RETURNED
    results = documents_of(applicant).filter(kind=DocumentKind.RESULT)
    assert results.count() == 1
    result = results.get()
    assert result.citizen == applicant.citizen
    assert result.issuer_agency == dossier.agency
    assert DossierDocument.objects.get(document=result).role == DossierRole.RESULT
    assert result.document_type.code == f"result-{dossier.procedure.code}"
    text = text_of(result)
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert dossier.code in text
    assert "Cấp Giấy khai sinh bản điện tử số 15/2026." in text
    assert staff[Role.LEADER].get_full_name() in text


def test_the_result_exists_as_soon_as_the_leader_approves(submit, staff, applicant):
    dossier = five_steps(submit(), staff, stop_after_approval=True)
    assert dossier.status == DossierStatus.RESULT_READY
    assert documents_of(applicant).filter(kind=DocumentKind.RESULT).count() == 1


def test_a_failed_approval_files_no_result(submit, staff, media):
    officer, specialist = staff[Role.ONE_STOP_OFFICER], staff[Role.SPECIALIST]
    dossier = services.receive(submit(), officer)
    dossier = services.digitise(dossier, officer)
    dossier = services.appraise(dossier, specialist, opinion="Hồ sơ hợp lệ.")
    with pytest.raises(DomainError):
        # Handing step 5 to someone who cannot take it fails the whole approval.
        services.approve(
            dossier, staff[Role.LEADER], result_summary="Đồng ý", to_user=staff[Role.SPECIALIST]
        )
    assert not Document.objects.filter(kind=DocumentKind.RESULT).exists()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_an_organisations_dossier_files_its_result_for_the_organisation(
    catalog, applicant, make_staff
):
    company = Organisation.objects.create(
        name="Công ty TNHH Hạ Long Xanh",
        code="5701234567",
        address="Số 5 đường Trần Hưng Đạo",
        status="approved",
        applicant=applicant,
        applicant_role="legal_representative",
    )
    OrganisationMember.objects.create(organisation=company, user=applicant, role="representative")
    dossier = services.submit_online(
        applicant,
        services.Application(
            procedure=Procedure.objects.get(code=SEAL),
            form_data={"request": "Đăng ký mẫu con dấu mới"},
            organisation=company,
        ),
    )
    dossier = walk(
        dossier,
        make_staff(Role.ONE_STOP_OFFICER, agency=dossier.receiving_agency),
        make_staff(Role.SPECIALIST, agency=dossier.agency),
        make_staff(Role.LEADER, agency=dossier.agency),
        stop_after_approval=True,
    )
    assert dossier.status == DossierStatus.FEES_DUE  # the result exists before the fees
    result = Document.objects.get(kind=DocumentKind.RESULT)
    assert result.organisation == company
    assert result.citizen is None
    assert result.issuer_agency == dossier.agency
    assert documents_of(applicant).filter(pk=result.pk).exists()  # a member sees it
    assert "Công ty TNHH Hạ Long Xanh" in text_of(result)
