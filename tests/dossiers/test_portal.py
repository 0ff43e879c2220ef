import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import ProcedureFee
from motcua.dossiers import interruptions, services
from motcua.dossiers.models import Dossier, DossierStatus, Notification, Rating
from motcua.identity.models import AccountKind, Role, User
from tests.dossiers.conftest import BIRTH, BIRTH_FORM
from tests.dossiers.test_steps import walk
from tests.warehouse.conftest import media, pdf  # noqa: F401

SUBMIT_URL = f"/dossiers/submit/{BIRTH}/"


def page(response) -> str:
    return response.content.decode()


def detail_url(dossier) -> str:
    return f"/dossiers/mine/{dossier.code}/"


def application(key: str = "key-1", **fields) -> dict:
    """The wizard's fields, confirmed, with the birth notice the procedure requires."""
    data = {f"ff_{name}": value for name, value in BIRTH_FORM.items()}
    notice = SimpleUploadedFile("giay-chung-sinh.pdf", pdf(), "application/pdf")
    return {
        "idempotency_key": key,
        "phone": "0912345678",
        "email": "",
        "confirm": "on",
        "paper_birth_notice": notice,
        **data,
        **fields,
    }


@pytest.fixture
def citizen_client(client, applicant, birth):
    client.force_login(applicant)
    return client


@pytest.fixture
def other_citizen(make_citizen):
    person = make_citizen(full_name="Phạm Văn Đức", birth_date=dt.date(1988, 6, 1))
    return User.objects.create_user(
        person.id_number, kind=AccountKind.CITIZEN, citizen=person, eid_level=2
    )


# --- public lookup ----------------------------------------------------------------------


def test_lookup_shows_status_and_timeline_but_not_the_applicants_name(client, submit, applicant):
    dossier = submit()
    response = client.post(
        "/dossiers/lookup/", {"code": dossier.code, "id_number": applicant.citizen.id_number}
    )
    text = page(response)
    assert response.status_code == 200
    assert "Submitted online (code 1)" in text
    assert dossier.procedure.name in text
    assert "Timeline" in text
    assert "Nguyễn Thị Ánh Tuyết" not in text
    assert "Tổ 1, Khu 2" not in text


def test_lookup_with_a_wrong_pair_says_so(client, submit):
    dossier = submit()
    response = client.post("/dossiers/lookup/", {"code": dossier.code, "id_number": "022185000999"})
    assert response.status_code == 404
    assert "No dossier matches this code and ID number" in page(response)


def test_lookup_after_too_many_misses_answers_429(client, submit, settings):
    settings.MOTCUA_LOOKUP_MISSES_PER_10_MIN = 2
    dossier = submit()
    for _ in range(2):
        client.post("/dossiers/lookup/", {"code": dossier.code, "id_number": "022185000999"})
    response = client.post(
        "/dossiers/lookup/", {"code": dossier.code, "id_number": dossier.owner_id_number}
    )
    assert response.status_code == 429
    assert "Too many lookups" in page(response)


def test_lookup_form_is_served_without_login(client, province):
    response = client.get("/dossiers/lookup/")
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page(response)
    assert '<label for="id_code">' in page(response)


# --- procedures and submission ----------------------------------------------------------


def test_procedure_index_lists_active_procedures_with_a_submit_link(client, birth):
    birth_sector = birth.sector
    response = client.get("/dossiers/procedures/")
    assert birth_sector in page(response)
    assert SUBMIT_URL in page(response)


def test_submit_page_shows_the_procedure_and_its_fields(citizen_client, birth):
    text = page(citizen_client.get(SUBMIT_URL))
    assert birth.name in text
    assert "1 working days" in text
    assert "Họ, chữ đệm, tên của trẻ" in text
    assert 'name="ff_child_birth_date"' in text and 'type="date"' in text
    assert 'name="idempotency_key"' in text


def test_submitting_creates_a_dossier_and_shows_its_page(citizen_client, applicant):
    response = citizen_client.post(SUBMIT_URL, application())
    dossier = Dossier.objects.get(applicant_user=applicant)
    assert response.status_code == 302
    assert response["Location"] == detail_url(dossier)
    assert dossier.applicant_phone == "0912345678"
    assert dossier.code in page(citizen_client.get(response["Location"]))


def test_second_post_with_the_same_key_does_not_create_another_dossier(citizen_client, applicant):
    first = citizen_client.post(SUBMIT_URL, application("double-click"))
    second = citizen_client.post(SUBMIT_URL, application("double-click"))
    assert Dossier.objects.filter(applicant_user=applicant).count() == 1
    assert first["Location"] == second["Location"]


def test_invalid_fields_are_shown_next_to_them_with_what_was_typed(citizen_client, applicant):
    response = citizen_client.post(
        SUBMIT_URL,
        application(ff_child_birth_date="20/11/2026", ff_mother_id_number="12345"),
    )
    text = page(response)
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD." in text
    assert 'value="20/11/2026"' in text
    assert 'value="Trần Minh Khôi"' in text
    assert 'value="0912345678"' in text
    assert not Dossier.objects.filter(applicant_user=applicant).exists()


def test_a_level_one_citizen_is_sent_to_the_level_two_explanation(client, applicant, birth):
    applicant.eid_level = 1
    applicant.save()
    client.force_login(applicant)
    response = client.get(SUBMIT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/level2-needed/")


def test_an_anonymous_visitor_is_sent_to_the_login(client, birth):
    response = client.get(SUBMIT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# --- my dossiers ------------------------------------------------------------------------


def test_my_dossiers_lists_mine_with_their_status(citizen_client, submit):
    dossier = submit()
    text = page(citizen_client.get("/dossiers/mine/"))
    assert dossier.code in text
    assert "Submitted online (code 1)" in text


def test_another_citizen_gets_404_on_my_dossier(client, submit, other_citizen):
    dossier = submit()
    client.force_login(other_citizen)
    assert client.get(detail_url(dossier)).status_code == 404
    assert client.get(f"{detail_url(dossier)}forms/01.pdf").status_code == 404
    assert client.post(f"{detail_url(dossier)}withdraw/", {"version": 1}).status_code == 404


def test_providing_the_supplement_resumes_the_dossier(citizen_client, submit, staff):
    dossier = submit()
    interruptions.request_supplement(
        dossier, staff[Role.ONE_STOP_OFFICER], items=["Giấy chứng sinh bản chính"]
    )
    dossier.refresh_from_db()
    text = page(citizen_client.get(detail_url(dossier)))
    assert "Giấy chứng sinh bản chính" in text
    response = citizen_client.post(
        f"{detail_url(dossier)}supplement/",
        {"note": "Đã tải lên giấy chứng sinh", "version": dossier.version},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.supplement_request.provided_note == "Đã tải lên giấy chứng sinh"


def test_a_supplement_posted_against_an_old_version_is_refused_with_the_note_kept(
    citizen_client, submit, staff
):
    dossier = submit()
    interruptions.request_supplement(dossier, staff[Role.ONE_STOP_OFFICER], items=["Tờ khai"])
    response = citizen_client.post(
        f"{detail_url(dossier)}supplement/", {"note": "Tờ khai mới", "version": 1}
    )
    assert response.status_code == 409
    assert "Tờ khai mới" in page(response)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED


def test_withdrawing_asks_for_confirmation_then_withdraws(citizen_client, submit):
    dossier = submit()
    confirm = citizen_client.get(f"{detail_url(dossier)}withdraw/")
    assert "Yes, withdraw the dossier" in page(confirm)
    response = citizen_client.post(
        f"{detail_url(dossier)}withdraw/", {"reason": "Nộp nhầm", "version": dossier.version}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    assert "Withdraw this dossier" not in page(citizen_client.get(detail_url(dossier)))


def test_withdrawing_a_returned_dossier_shows_why_not(citizen_client, submit, staff):
    dossier = walk(submit(), staff, None)
    response = citizen_client.post(
        f"{detail_url(dossier)}withdraw/", {"reason": "", "version": dossier.version}
    )
    assert response.status_code == 409
    assert "This cannot be done while the dossier is" in page(response)


def test_paying_the_outstanding_fees_makes_the_result_ready(citizen_client, birth, submit, staff):
    ProcedureFee.objects.create(procedure=birth, label="Lệ phí", amount=50_000)
    dossier = submit()
    officer, specialist, leader = (
        staff[r] for r in (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER)
    )
    dossier = services.receive(dossier, officer)
    dossier = services.digitise(dossier, officer)
    dossier = services.appraise(dossier, specialist, opinion="Hợp lệ")
    dossier = services.approve(dossier, leader, result_summary="Giấy khai sinh")
    assert dossier.status == DossierStatus.FEES_DUE
    assert "Fees outstanding" in page(citizen_client.get(detail_url(dossier)))
    response = citizen_client.post(
        f"{detail_url(dossier)}pay/", {"method": "bank_transfer", "reference": "FT2611230001"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.fees_paid == 50_000


def test_a_payment_reference_used_twice_is_refused_with_the_message(
    citizen_client, birth, submit, staff
):
    ProcedureFee.objects.create(procedure=birth, label="Lệ phí", amount=50_000)
    first, second = submit(), submit()
    citizen_client.post(f"{detail_url(first)}pay/", {"method": "card", "reference": "REF-1"})
    response = citizen_client.post(
        f"{detail_url(second)}pay/", {"method": "card", "reference": "REF-1"}
    )
    assert response.status_code == 409
    assert "already recorded" in page(response)
    assert 'value="REF-1"' in page(response)


def test_rating_is_offered_after_the_result_is_returned_and_only_once(
    citizen_client, submit, staff
):
    dossier = submit()
    assert "Rate the service" not in page(citizen_client.get(detail_url(dossier)))
    dossier = walk(dossier, staff, None)
    text = page(citizen_client.get(detail_url(dossier)))
    assert 'type="radio"' in text and "Very satisfied" in text
    response = citizen_client.post(f"{detail_url(dossier)}rate/", {"level": "5", "comment": ""})
    assert response.status_code == 302
    assert Rating.objects.get(dossier=dossier).level == 5
    assert "Rate the service" not in page(citizen_client.get(detail_url(dossier)))


def test_the_owner_downloads_the_receipt_as_pdf(citizen_client, submit, staff):
    dossier = services.receive(submit(), staff[Role.ONE_STOP_OFFICER])
    assert "forms/01.pdf" in page(citizen_client.get(detail_url(dossier)))
    response = citizen_client.get(f"{detail_url(dossier)}forms/01.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert citizen_client.get(f"{detail_url(dossier)}forms/05.pdf").status_code == 404
    assert citizen_client.get(f"{detail_url(dossier)}forms/03.pdf").status_code == 404


# --- notifications ----------------------------------------------------------------------


def test_inbox_lists_notifications_and_marks_them_read(citizen_client, submit, applicant):
    dossier = submit()
    text = page(citizen_client.get("/dossiers/inbox/"))
    assert f"Dossier {dossier.code}: Submitted online" in text
    assert 'class="notification unread"' in text
    assert "1 unread" in page(citizen_client.get("/dossiers/inbox/unread/"))
    response = citizen_client.post("/dossiers/inbox/read/")
    assert response.status_code == 302
    assert not Notification.objects.filter(user=applicant, read_at=None).exists()
    assert 'class="notification unread"' not in page(citizen_client.get("/dossiers/inbox/"))


def test_the_portal_header_links_a_citizen_to_the_inbox(citizen_client):
    text = page(citizen_client.get("/"))
    assert 'href="/dossiers/inbox/"' in text
    assert 'hx-get="/dossiers/inbox/unread/"' in text
