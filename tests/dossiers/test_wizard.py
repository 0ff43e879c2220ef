"""The submission wizard and its service: papers read from the registry and reused from
the warehouse are not asked for, the rest are uploaded, the counts are kept, and a refused
file leaves nothing behind. Also the citizen's "my documents"."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import ProcedureFee
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, Payment
from motcua.dossiers.services import Application
from motcua.dossiers.submission import IncompleteSubmission, submit_with_papers
from motcua.dossiers.submission import Payment as PaymentGiven
from motcua.identity.models import AccountKind, User
from motcua.security.models import AuditAction, AuditRecord
from motcua.warehouse.models import Document, DossierDocument, DossierRole, StoredFile
from tests.warehouse.conftest import media, pdf, stored_files  # noqa: F401
from tests.warehouse.test_reuse import WEDDING, hold, marriage_certificate, wedding  # noqa: F401

URL = f"/dossiers/submit/{WEDDING}/"
EXECUTABLE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture
def procedure(wedding):  # noqa: F811
    return wedding


@pytest.fixture
def storage(media):  # noqa: F811
    """The storage folder on disk."""
    return media


@pytest.fixture
def certificate(applicant, procedure, marriage_certificate):  # noqa: F811
    """The applicant already holds a valid marriage certificate."""
    return hold(
        applicant,
        marriage_certificate,
        title="Giấy chứng nhận kết hôn số 12/2020",
        issuer_name="UBND phường Hồng Gai",
        valid_from=dt.date(2020, 5, 1),
    )


@pytest.fixture
def citizen_client(client, applicant):
    client.force_login(applicant)
    return client


def notice(content: bytes | None = None, name: str = "giay-chung-sinh.pdf"):
    return SimpleUploadedFile(name, pdf(text="Giấy chứng sinh") if content is None else content)


def wizard(key: str = "wizard-1", **fields) -> dict:
    return {
        "idempotency_key": key,
        "ff_request": "Đăng ký khai sinh cho con",
        "phone": "0912345678",
        "email": "",
        "confirm": "on",
        "paper_birth_notice": notice(),
        **fields,
    }


def application(procedure, key: str = "svc-1") -> Application:
    return Application(
        procedure=procedure, form_data={"request": "Đăng ký khai sinh"}, idempotency_key=key
    )


# --- the service ------------------------------------------------------------------------


def test_a_held_certificate_is_reused_and_only_the_new_paper_is_uploaded(
    applicant, procedure, certificate
):
    dossier = submit_with_papers(applicant, application(procedure), {"birth_notice": [notice()]})
    links = {link.document.document_type.code: link.role for link in dossier.warehouse_links.all()}
    assert links == {
        "marriage_certificate": DossierRole.REUSED,
        "birth_notice": DossierRole.UPLOADED,
    }
    dossier.refresh_from_db()
    assert (dossier.papers_required, dossier.papers_reused) == (2, 1)
    assert (dossier.papers_from_registry, dossier.papers_uploaded) == (1, 1)


def test_a_refused_file_submits_nothing_and_stores_nothing(
    applicant, procedure, certificate, storage
):
    before = stored_files(storage)
    with pytest.raises(IncompleteSubmission) as refused:
        submit_with_papers(
            applicant, application(procedure), {"birth_notice": [notice(EXECUTABLE, "notice.pdf")]}
        )
    assert "birth_notice" in refused.value.papers
    assert not Dossier.objects.exists()
    assert Document.objects.count() == 1  # the certificate held before
    assert stored_files(storage) == before


def test_a_missing_required_paper_is_named_and_nothing_is_submitted(applicant, procedure):
    with pytest.raises(IncompleteSubmission) as refused:
        submit_with_papers(applicant, application(procedure), {})
    assert set(refused.value.papers) == {"marriage_certificate", "birth_notice"}
    assert not Dossier.objects.exists()


def test_the_same_key_twice_gives_one_dossier_and_one_document(applicant, procedure, certificate):
    first = submit_with_papers(applicant, application(procedure), {"birth_notice": [notice()]})
    second = submit_with_papers(applicant, application(procedure), {"birth_notice": [notice()]})
    assert second == first
    assert Dossier.objects.count() == 1
    assert DossierDocument.objects.filter(dossier=first).count() == 2


def test_a_payment_reference_is_recorded_with_the_submission(applicant, procedure, certificate):
    ProcedureFee.objects.create(procedure=procedure, label="Lệ phí", amount=8_000)
    dossier = submit_with_papers(
        applicant,
        application(procedure),
        {"birth_notice": [notice()]},
        payment=PaymentGiven("bank_transfer", "FT26112300042"),
    )
    assert dossier.fees_paid == 8_000
    assert Payment.objects.get(dossier=dossier).reference == "FT26112300042"


def test_a_refused_payment_submits_and_stores_nothing(applicant, procedure, certificate, storage):
    ProcedureFee.objects.create(procedure=procedure, label="Lệ phí", amount=8_000)
    given = PaymentGiven("bank_transfer", "FT-ONCE")
    submit_with_papers(
        applicant, application(procedure, "a"), {"birth_notice": [notice()]}, payment=given
    )
    files, documents = stored_files(storage), Document.objects.count()
    other = notice(pdf(2, text="another notice"))
    with pytest.raises(IncompleteSubmission) as refused:
        submit_with_papers(
            applicant, application(procedure, "b"), {"birth_notice": [other]}, payment=given
        )
    assert "already recorded" in refused.value.payment
    assert Dossier.objects.count() == 1
    assert Document.objects.count() == documents
    assert stored_files(storage) == files
    assert StoredFile.objects.count() == len(files)


def test_papers_saved_totals_per_procedure_and_agency(applicant, procedure, certificate):
    dossier = submit_with_papers(applicant, application(procedure), {"birth_notice": [notice()]})
    saved = selectors.papers_saved(Dossier.objects.all())
    assert saved.total.required == 2 and saved.total.not_asked == 2
    assert [
        (row.key, row.reused, row.from_registry, row.uploaded) for row in saved.by_procedure
    ] == [(WEDDING, 1, 1, 1)]
    assert [(row.key, row.dossiers) for row in saved.by_agency] == [(dossier.agency.code, 1)]


# --- the page ---------------------------------------------------------------------------


def test_the_wizard_shows_what_is_not_needed_and_asks_only_for_the_rest(
    citizen_client, applicant, certificate
):
    text = citizen_client.get(URL).content.decode()
    assert "not needed — already held" in text
    assert "Giấy chứng nhận kết hôn số 12/2020" in text and "UBND phường Hồng Gai" in text
    assert "not needed — read from the population registry" in text
    assert 'name="paper_birth_notice"' in text
    assert 'name="paper_marriage_certificate"' not in text
    assert 'name="paper_id_card"' not in text
    # The applicant's identity is shown from the registry, not typed.
    assert applicant.citizen.full_name in text and applicant.citizen.id_number in text
    assert 'enctype="multipart/form-data"' in text


def test_submitting_the_wizard_records_the_counts_and_shows_them(citizen_client, certificate):
    response = citizen_client.post(URL, wizard())
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.papers_required, dossier.papers_reused, dossier.papers_uploaded) == (2, 1, 1)
    text = citizen_client.get(response["Location"]).content.decode()
    assert "2 papers not asked for: 1 already held, 1 read from the registry" in text
    assert "1 reused of 2 required; 1 uploaded" in text


def test_a_refused_upload_is_explained_next_to_it_with_everything_typed_kept(
    citizen_client, certificate, storage
):
    before = stored_files(storage)
    response = citizen_client.post(
        URL,
        wizard(ff_request="Khai sinh cho bé Khôi", paper_birth_notice=notice(EXECUTABLE, "a.pdf")),
    )
    text = response.content.decode()
    assert response.status_code == 400
    # The reason sits in the upload field's own block, after its input.
    field = text.split('name="paper_birth_notice"', 1)[1].split("</li>", 1)[0]
    assert "Only PDF, JPEG and PNG files are accepted" in field
    assert 'value="Khai sinh cho bé Khôi"' in text
    assert 'value="0912345678"' in text
    assert 'value="wizard-1"' in text
    assert not Dossier.objects.exists()
    assert stored_files(storage) == before


def test_not_confirming_is_refused_with_the_reason(citizen_client, certificate):
    data = wizard()
    del data["confirm"]
    response = citizen_client.post(URL, data)
    assert response.status_code == 400
    assert "Tick this box to confirm" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_double_click_on_the_wizard_makes_one_dossier(citizen_client, certificate):
    first = citizen_client.post(URL, wizard("twice"))
    second = citizen_client.post(URL, wizard("twice"))
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1


# --- my documents -----------------------------------------------------------------------


def test_my_documents_lists_mine_and_downloads_them_audited(citizen_client, certificate):
    text = citizen_client.get("/documents/").content.decode()
    assert "Giấy chứng nhận kết hôn số 12/2020" in text
    assert "UBND phường Hồng Gai" in text
    response = citizen_client.get(f"/documents/{certificate.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditRecord.objects.filter(
        action=AuditAction.READ, object_type="warehouse.document", object_id=str(certificate.pk)
    ).exists()


def test_another_persons_document_is_404(client, certificate, make_citizen):
    other = make_citizen(full_name="Phạm Quốc Bảo", birth_date=dt.date(1988, 6, 1))
    neighbour = User.objects.create_user(
        other.id_number, kind=AccountKind.CITIZEN, citizen=other, eid_level=2
    )
    client.force_login(neighbour)
    assert client.get(f"/documents/{certificate.pk}/download/").status_code == 404
    assert "Giấy chứng nhận kết hôn số 12/2020" not in client.get("/documents/").content.decode()


def test_the_fees_step_records_the_payment_reference_given(citizen_client, procedure, certificate):
    ProcedureFee.objects.create(procedure=procedure, label="Lệ phí", amount=8_000)
    text = citizen_client.get(URL).content.decode()
    assert 'name="payment_reference"' in text and "Lệ phí: 8,000 VND" in text
    response = citizen_client.post(
        URL, wizard(payment_method="bank_transfer", payment_reference="FT26112300077")
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.fees_paid == 8_000
    assert Payment.objects.get(dossier=dossier).reference == "FT26112300077"


def test_a_payment_reference_without_a_method_is_refused_with_the_reference_kept(
    citizen_client, procedure, certificate
):
    ProcedureFee.objects.create(procedure=procedure, label="Lệ phí", amount=8_000)
    response = citizen_client.post(URL, wizard(payment_reference="FT26112300078"))
    assert response.status_code == 400
    assert "Choose how you paid." in response.content.decode()
    assert 'value="FT26112300078"' in response.content.decode()
    assert not Dossier.objects.exists()
