"""Step 2 at the counter: the officer scans the dossier's papers into the owner's warehouse."""

from pathlib import Path

import pytest

from motcua.catalog.models import DocumentType
from motcua.dossiers import services
from motcua.identity.models import Role
from motcua.security.models import AuditAction, AuditRecord
from motcua.warehouse.models import Document, DocumentKind, DossierDocument, DossierRole
from tests.warehouse.conftest import image, pdf, stored_files

pytestmark = pytest.mark.django_db
PDF = "application/pdf"


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


@pytest.fixture
def received(submit, staff):
    """An online birth-registration dossier at step 2 (digitise)."""
    return services.receive(submit(), staff[Role.ONE_STOP_OFFICER])


@pytest.fixture
def officer(client, staff):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    return staff[Role.ONE_STOP_OFFICER]


def field(code: str) -> str:
    return f"scan-type_{DocumentType.objects.get(code=code).pk}"


def upload(name: str, data: bytes, content_type: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def post_scans(client, dossier, **files):
    return client.post(f"/backoffice/dossiers/{dossier.code}/papers/", files)


def test_a_scanned_jpeg_and_a_pdf_become_the_applicants_documents_of_the_right_types(
    client, officer, received, applicant
):
    response = post_scans(
        client,
        received,
        **{
            field("birth_notice"): [
                upload("page1.jpg", image(), "image/jpeg"),
                upload("page2.jpg", image(color="blue"), "image/jpeg"),
            ],
            field("marriage_status"): upload("marriage.pdf", pdf(2), "application/pdf"),
        },
    )
    assert response.status_code == 302
    links = DossierDocument.objects.filter(dossier=received).select_related("document__file")
    by_type = {link.document.document_type.code: link for link in links}
    assert set(by_type) == {"birth_notice", "marriage_status"}
    for link in links:
        assert link.role == DossierRole.UPLOADED
        assert link.document.kind == DocumentKind.SCAN
        assert link.document.citizen == applicant.citizen
        assert link.document.created_by == officer
    assert by_type["birth_notice"].document.page_count == 2  # two scans, one PDF
    assert by_type["marriage_status"].document.page_count == 2


def test_the_page_lists_the_documents_and_the_papers_still_missing(client, officer, received):
    post_scans(
        client, received, **{field("marriage_status"): upload("a.pdf", pdf(), "application/pdf")}
    )
    html = client.get(f"/backoffice/dossiers/{received.code}/").content.decode()
    document = Document.objects.get(document_type__code="marriage_status")
    assert f"/backoffice/dossiers/{received.code}/documents/{document.pk}/" in html
    assert "Scan of a paper document" in html
    listed = html.split('<ul class="papers">', 1)[1].split("</ul>", 1)[0]
    notice, marriage = listed.split("</li>")[:2]
    assert "Giấy chứng sinh" in notice and "Missing" in notice
    assert "Held" in marriage
    # Completing step 2 stays a separate action.
    assert 'name="action" value="digitise"' in html


def test_a_corrupt_pdf_is_refused_next_to_its_input_and_nothing_is_stored(
    client, officer, received, media
):
    broken = b"%PDF-1.7\n" + b"\x00garbage" * 100
    response = post_scans(
        client, received, **{field("birth_notice"): upload("scan.pdf", broken, "application/pdf")}
    )
    assert response.status_code == 422
    assert "damaged" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_refused_file_does_not_undo_the_other_papers(client, officer, received, media):
    response = post_scans(
        client,
        received,
        **{
            field("birth_notice"): upload("ok.pdf", pdf(), "application/pdf"),
            field("marriage_status"): upload("virus.pdf", b"MZ\x90\x00" * 50, "application/pdf"),
        },
    )
    assert response.status_code == 422
    assert [d.document_type.code for d in Document.objects.all()] == ["birth_notice"]
    assert len(stored_files(media)) == 1


def test_an_officer_of_another_commune_is_refused(client, received, make_staff, other_pc):
    stranger = make_staff(Role.ONE_STOP_OFFICER, agency=other_pc)
    client.force_login(stranger)
    response = post_scans(
        client, received, **{field("birth_notice"): upload("a.pdf", pdf(), "application/pdf")}
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_scans_are_taken_only_while_the_dossier_is_at_step_2(client, officer, submit, staff):
    waiting = submit()  # still at step 1
    html = client.get(f"/backoffice/dossiers/{waiting.code}/").content.decode()
    assert "/papers/" not in html
    response = post_scans(
        client, waiting, **{field("birth_notice"): upload("a.pdf", pdf(), "application/pdf")}
    )
    assert response.status_code == 409
    assert not Document.objects.exists()


def test_opening_a_document_goes_through_the_warehouse_and_is_audited(client, officer, received):
    data = pdf(text="birth notice")
    post_scans(client, received, **{field("birth_notice"): upload("a.pdf", data, PDF)})
    document = Document.objects.get()
    response = client.get(f"/backoffice/dossiers/{received.code}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    reads = AuditRecord.objects.filter(action=AuditAction.READ, object_id=str(document.pk))
    audit = reads.latest("pk")
    assert audit.purpose == "one-stop processing"


def test_a_document_of_another_dossier_is_not_opened_through_this_one(
    client, officer, received, submit, staff
):
    other = services.receive(submit(), staff[Role.ONE_STOP_OFFICER])
    post_scans(client, other, **{field("birth_notice"): upload("a.pdf", pdf(), "application/pdf")})
    document = Document.objects.get()
    response = client.get(f"/backoffice/dossiers/{received.code}/documents/{document.pk}/")
    assert response.status_code == 403
