import pytest
from django.test import Client

from motcua.dossiers.models import Dossier, DossierStatus, EventKind
from motcua.identity.models import Role
from motcua.security.models import AuditAction, AuditRecord
from tests.dossiers.conftest import BIRTH, BIRTH_FORM

API = "/api/dossiers"


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """Argon2 would take most of each test's time; these tests are not about passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict | None = None, **headers):
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def application(**fields) -> dict:
    return {"procedure_code": BIRTH, "form_data": dict(BIRTH_FORM), **fields}


@pytest.fixture
def citizen(applicant) -> Client:
    return signed_in(applicant)


def test_online_submission_answers_201_with_the_new_dossier(citizen, birth, commune_pc):
    response = post(citizen, f"{API}/", application(phone="0912345678"))
    assert response.status_code == 201
    body = response.json()
    assert body["code"].startswith(commune_pc.code)
    assert body["status"] == DossierStatus.SUBMITTED
    assert body["current_step"] == "receive"
    assert body["version"] == 1
    detail = citizen.get(f"{API}/{body['code']}").json()
    assert [line["step"] for line in detail["steps"]] == ["receive"]


def test_second_submission_with_same_key_returns_first_dossier(citizen, birth):
    first = post(citizen, f"{API}/", application(idempotency_key="form-7f3a"))
    second = post(citizen, f"{API}/", application(idempotency_key="form-7f3a"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"]
    assert Dossier.objects.count() == 1


def test_the_idempotency_key_header_works_like_the_body_field(citizen, birth):
    first = post(citizen, f"{API}/", application(), **{"Idempotency-Key": "hdr-1"})
    second = post(citizen, f"{API}/", application(), **{"Idempotency-Key": "hdr-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"]


def test_an_unknown_procedure_is_a_clear_400(citizen, birth):
    response = post(citizen, f"{API}/", application(procedure_code="9.999999"))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "No procedure with the code 9.999999.",
        "code": "procedure",
    }


def test_invalid_form_data_is_a_400_naming_the_fields(citizen, birth):
    response = post(citizen, f"{API}/", application(form_data={"child_birth_date": "20/11"}))
    assert response.status_code == 400
    assert response.json()["code"] == "form_data"
    assert "child_birth_date" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"procedure_code": BIRTH, "form_data": "not an object"},
        {"procedure_code": BIRTH, "form_data": [1, 2]},
        {"procedure_code": 7, "form_data": {}},
        {"procedure_code": "x" * 10_000},
        {"procedure_code": BIRTH, "form_data": {"child_full_name": "A\x00B"}},
        {"procedure_code": BIRTH, "phone": "\ud800"},
        {"procedure_code": BIRTH, "email": "not an address"},
        {"procedure_code": BIRTH, "phone": "0" * 50},
        {},
    ],
)
def test_malformed_submissions_are_422_not_500(citizen, birth, body):
    response = post(citizen, f"{API}/", body)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_a_code_with_a_nul_byte_is_simply_not_found(submit, staff):
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    assert officer.get(f"{API}/{submit().code}%00").status_code == 404
    response = Client().get(f"{API}/lookup", {"code": "A\x00", "id_number": "1"})
    assert response.status_code == 422


def test_a_body_that_is_not_json_is_a_400(citizen, birth):
    response = citizen.post(f"{API}/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_the_api_needs_a_login(birth):
    assert Client().get(f"{API}/").status_code == 401
    assert post(Client(), f"{API}/", application()).status_code == 401


def test_a_post_without_the_csrf_token_is_refused(applicant, birth):
    client = signed_in(applicant, enforce_csrf_checks=True)
    response = post(client, f"{API}/", application())
    assert response.status_code == 403
    assert not Dossier.objects.exists()


def test_a_post_with_the_csrf_token_is_accepted(applicant, birth):
    client = signed_in(applicant, enforce_csrf_checks=True)
    client.get(f"{API}/")  # any response will do: the token comes from the cookie set below
    client.cookies["csrftoken"] = "a" * 32
    response = post(client, f"{API}/", application(), **{"X-CSRFToken": "a" * 32})
    assert response.status_code == 201


def test_the_five_steps_over_the_api_by_the_agencys_staff(submit, staff, applicant):
    code = submit().code
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    specialist = signed_in(staff[Role.SPECIALIST])
    leader = signed_in(staff[Role.LEADER])
    clerk = signed_in(staff[Role.CLERK])

    seen = officer.get(f"{API}/{code}").json()
    assert seen["actions"][0] == "receive"
    response = post(officer, f"{API}/{code}/receive", {"version": seen["version"]})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == DossierStatus.RECEIVED
    response = post(officer, f"{API}/{code}/digitise", {"note": "Đã số hóa"})
    assert response.json()["status"] == DossierStatus.PROCESSING
    assert post(clerk, f"{API}/{code}/appraise", {"opinion": "x"}).status_code in (403, 404)
    response = post(specialist, f"{API}/{code}/appraise", {"opinion": "Hồ sơ hợp lệ."})
    assert response.status_code == 200, response.json()
    response = post(leader, f"{API}/{code}/approve", {"result_summary": "Giấy khai sinh"})
    assert response.json()["status"] in (DossierStatus.RESULT_READY, DossierStatus.FEES_DUE)
    response = post(officer, f"{API}/{code}/return", {})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == DossierStatus.RESULT_RETURNED
    assert [line["step"] for line in body["steps"]] == [
        "receive",
        "digitise",
        "appraise",
        "approve",
        "return",
    ]
    assert all(line["completed_at"] for line in body["steps"])
    assert body["events"][-1]["kind"] == "result_returned"
    mine = signed_in(applicant).get(f"{API}/{code}").json()
    assert "rating" in mine["actions"]
    assert "05" not in mine["forms"]


def test_hand_over_to_an_unknown_username_is_a_400(submit, staff):
    code = submit().code
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    response = post(officer, f"{API}/{code}/receive", {"to_username": "nobody-here"})
    assert response.status_code == 400
    assert response.json()["code"] == "to_user"


def test_a_stale_version_is_a_409_with_the_message(submit, staff):
    dossier = submit()
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    assert post(officer, f"{API}/{dossier.code}/receive", {"version": 1}).status_code == 200
    response = post(officer, f"{API}/{dossier.code}/receive", {"version": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert "was changed by" in response.json()["detail"]


def test_a_step_out_of_order_is_a_409(submit, staff):
    code = submit().code
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    response = post(officer, f"{API}/{code}/digitise", {})
    assert response.status_code == 409


def test_a_citizen_cannot_see_anothers_dossier(submit, make_citizen):
    from motcua.identity.models import AccountKind, User

    code = submit().code
    other = make_citizen(full_name="Lê Văn Bình")
    stranger = User.objects.create_user(
        other.id_number, kind=AccountKind.CITIZEN, citizen=other, eid_level=2
    )
    client = signed_in(stranger)
    missing = client.get(f"{API}/NO-SUCH-CODE")
    response = client.get(f"{API}/{code}")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert post(client, f"{API}/{code}/withdraw", {}).status_code == 404
    assert client.get(f"{API}/").json()["count"] == 0


def test_staff_of_another_commune_are_refused_and_audited(submit, make_staff, other_pc):
    code = submit().code
    outsider = make_staff(Role.ONE_STOP_OFFICER, agency=other_pc)
    client = signed_in(outsider)
    assert client.get(f"{API}/{code}").status_code == 403
    assert post(client, f"{API}/{code}/receive", {}).status_code == 403
    assert AuditRecord.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=outsider).exists()
    assert client.get(f"{API}/").json()["count"] == 0


def test_the_list_is_filtered_and_paginated(submit, staff, applicant):
    for _ in range(3):
        submit()
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    page = officer.get(f"{API}/", {"status": 1, "step": "receive", "limit": 2}).json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    assert officer.get(f"{API}/", {"status": 9}).json()["count"] == 0
    assert officer.get(f"{API}/", {"limit": 1000}).status_code == 422
    assert signed_in(applicant).get(f"{API}/").json()["count"] == 3


def test_the_public_lookup_shows_status_and_no_name(submit, applicant):
    dossier = submit()
    response = Client().get(
        f"{API}/lookup", {"code": dossier.code, "id_number": applicant.citizen.id_number}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status_code"] == DossierStatus.SUBMITTED
    assert body["timeline"][0]["event"] == EventKind.SUBMITTED.label
    assert "Tuyết" not in response.content.decode()
    assert applicant.citizen.id_number not in response.content.decode()


def test_the_public_lookup_with_a_wrong_pair_is_a_404(submit):
    dossier = submit()
    response = Client().get(f"{API}/lookup", {"code": dossier.code, "id_number": "001090999999"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_repeated_missed_lookups_are_throttled(submit, settings):
    settings.MOTCUA_LOOKUP_MISSES_PER_10_MIN = 2
    code = submit().code
    client = Client()
    statuses = [
        client.get(f"{API}/lookup", {"code": code, "id_number": "001090999999"}).status_code
        for _ in range(3)
    ]
    assert statuses == [404, 404, 429]
    assert client.get(f"{API}/lookup", {"code": code}).status_code == 422


def test_form_01_of_a_received_dossier_is_a_pdf(submit, staff, applicant):
    code = submit().code
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    post(officer, f"{API}/{code}/receive", {})
    response = signed_in(applicant).get(f"{API}/{code}/forms/01.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert officer.get(f"{API}/{code}/forms/05.pdf").status_code == 200


def test_a_form_that_does_not_apply_is_a_404(submit, applicant):
    code = submit().code
    client = signed_in(applicant)
    assert client.get(f"{API}/{code}/forms/03.pdf").status_code == 404
    assert client.get(f"{API}/{code}/forms/05.pdf").status_code == 404
    assert client.get(f"{API}/{code}/forms/zz.pdf").status_code == 404


def test_the_off_path_transitions_over_the_api(submit, staff, applicant):
    code = submit().code
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    citizen = signed_in(applicant)
    response = post(
        officer, f"{API}/{code}/supplement-request", {"items": ["Bản sao CCCD"], "reason": "Thiếu"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == DossierStatus.SUPPLEMENT_REQUESTED
    assert response.json()["supplement"]["items"] == ["Bản sao CCCD"]
    response = post(citizen, f"{API}/{code}/supplement", {"note": "Đã nộp bổ sung"})
    assert response.json()["status"] == DossierStatus.SUBMITTED
    assert post(officer, f"{API}/{code}/refuse", {"reason": " "}).status_code == 400
    response = post(citizen, f"{API}/{code}/withdraw", {"reason": "Không cần nữa"})
    assert response.json()["status"] == DossierStatus.WITHDRAWN
    assert post(citizen, f"{API}/{code}/rating", {"level": 5}).status_code == 409
    assert post(citizen, f"{API}/{code}/rating", {"level": 9}).status_code == 422


def test_an_apology_with_a_bad_date_is_a_422(submit, staff):
    code = submit().code
    officer = signed_in(staff[Role.ONE_STOP_OFFICER])
    for value in ("tomorrow", "2026-13-40T10:00:00", "0001-01-01T00:00:00+14:00"):
        body = {"reason": "Quá tải", "new_due_at": value}
        assert post(officer, f"{API}/{code}/apology", body).status_code == 422
    assert officer.get(f"{API}/{code}/apology-proposal").status_code == 200


def test_a_payment_needs_fees_due(submit, applicant):
    code = submit().code
    response = post(
        signed_in(applicant),
        f"{API}/{code}/payments",
        {"amount": 1000, "method": "card", "reference": "TXN-1"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "amount"
