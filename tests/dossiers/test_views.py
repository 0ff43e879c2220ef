"""The back-office pages of the one-stop engine, through the Django test client."""

import re

import pytest

from motcua.catalog.models import Step
from motcua.dossiers import interruptions, services
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.identity.models import Role
from motcua.security.models import AuditAction, AuditRecord
from tests.dossiers.conftest import BIRTH, BIRTH_FORM, local

pytestmark = pytest.mark.django_db


def page_of(client, dossier):
    return client.get(f"/backoffice/dossiers/{dossier.code}/")


def actions_on(response) -> set[str]:
    return set(re.findall(r'name="action" value="([a-z]+)"', response.content.decode()))


def post_action(client, dossier, action, version=None, **fields):
    data = {"action": action, f"{action}-version": dossier.version if version is None else version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(f"/backoffice/dossiers/{dossier.code}/", data)


# --- inbox -----------------------------------------------------------------------------


def test_agency_queue_shows_the_steps_waiting_for_my_role(client, submit, staff):
    dossier = submit()
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    response = client.get("/backoffice/dossiers/", {"tab": "agency"})
    assert response.status_code == 200
    assert dossier.code in response.content.decode()
    assert "Nguyễn Thị Ánh Tuyết" in response.content.decode()

    client.force_login(staff[Role.SPECIALIST])
    response = client.get("/backoffice/dossiers/", {"tab": "agency"})
    assert dossier.code not in response.content.decode()


def test_my_queue_holds_only_the_steps_handed_to_me_by_name(client, submit, staff, make_staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    named = services.receive(submit(), officer, to_user=officer)
    anonymous = services.receive(submit(), officer)
    client.force_login(officer)
    html = client.get("/backoffice/dossiers/", {"tab": "mine"}).content.decode()
    assert named.code in html
    assert anonymous.code not in html


def test_the_inbox_filters_by_step(client, submit, staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    waiting = submit()
    received = services.receive(submit(), officer)
    client.force_login(officer)
    html = client.get(
        "/backoffice/dossiers/", {"tab": "agency", "step": Step.DIGITISE}
    ).content.decode()
    assert received.code in html
    assert waiting.code not in html


def test_an_overdue_step_is_highlighted(client, submit, staff):
    dossier = submit(at=local(2026, 1, 5, 9, 0))
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    html = client.get("/backoffice/dossiers/", {"tab": "agency"}).content.decode()
    assert dossier.code in html
    assert 'class="overdue"' in html


# --- the dossier page -------------------------------------------------------------------


def test_the_officer_is_offered_the_open_step_and_not_the_leaders_actions(client, submit, staff):
    dossier = submit()
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    response = page_of(client, dossier)
    assert response.status_code == 200
    offered = actions_on(response)
    assert "receive" in offered
    assert not offered & {"digitise", "appraise", "approve", "return", "stop"}


def test_the_leader_may_stop_but_not_receive(client, submit, staff):
    dossier = submit()
    client.force_login(staff[Role.LEADER])
    offered = actions_on(page_of(client, dossier))
    assert "stop" in offered
    assert "receive" not in offered


def test_the_clerk_sees_the_dossier_but_no_step_of_another_role(client, submit, staff):
    dossier = submit()
    client.force_login(staff[Role.CLERK])
    response = page_of(client, dossier)
    assert response.status_code == 200
    assert not actions_on(response)
    assert "Nothing for you to do" in response.content.decode()


def test_the_page_shows_summary_form_data_and_control_slip(client, submit, staff):
    dossier = services.receive(submit(), staff[Role.ONE_STOP_OFFICER])
    client.force_login(staff[Role.SPECIALIST])
    html = page_of(client, dossier).content.decode()
    assert "national code 2" in html
    assert BIRTH_FORM["child_full_name"] in html
    assert "Control slip" in html
    assert f"/backoffice/dossiers/{dossier.code}/forms/01.pdf" in html
    assert f"/backoffice/dossiers/{dossier.code}/forms/05.pdf" in html


def test_posting_the_step_advances_the_dossier_and_hands_it_to_the_named_person(
    client, submit, staff
):
    dossier = submit()
    officer = staff[Role.ONE_STOP_OFFICER]
    client.force_login(officer)
    response = post_action(client, dossier, "receive", note="Đủ giấy tờ", to_user=officer.pk)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    line = dossier.steps.get(step=Step.DIGITISE)
    assert line.assignee == officer
    assert line.handed_by == officer


def test_the_hand_to_list_offers_only_people_who_can_take_the_next_step(client, submit, staff):
    dossier = services.receive(submit(), staff[Role.ONE_STOP_OFFICER])
    dossier = services.digitise(dossier, staff[Role.ONE_STOP_OFFICER])
    client.force_login(staff[Role.SPECIALIST])
    html = page_of(client, dossier).content.decode()
    select = html.split('name="appraise-to_user"')[1].split("</select>")[0]
    assert f'value="{staff[Role.LEADER].pk}"' in select
    assert f'value="{staff[Role.ONE_STOP_OFFICER].pk}"' not in select


def test_appraise_and_approve_by_their_roles(client, submit, staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    dossier = services.digitise(services.receive(submit(), officer), officer)
    client.force_login(staff[Role.SPECIALIST])
    assert post_action(client, dossier, "appraise", opinion="Hồ sơ hợp lệ").status_code == 302
    dossier.refresh_from_db()
    client.force_login(staff[Role.LEADER])
    response = post_action(client, dossier, "approve", result_summary="Giấy khai sinh điện tử")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_READY
    client.force_login(officer)
    assert post_action(client, dossier, "return").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_RETURNED


def test_a_stale_version_shows_the_conflict_and_keeps_the_typed_text(client, submit, staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    dossier = services.digitise(services.receive(submit(), officer), officer)
    seen = dossier.version
    # The leader promises a new date meanwhile: the version moves on.
    interruptions.apologise(
        dossier, staff[Role.LEADER], reason="Chờ xác minh", new_due_at=local(2027, 1, 4, 9)
    )
    client.force_login(staff[Role.SPECIALIST])
    opinion = "Đã đối chiếu giấy chứng sinh, đề nghị cấp"
    response = post_action(client, dossier, "appraise", version=seen, opinion=opinion)
    assert response.status_code == 409
    html = response.content.decode()
    assert "was changed by" in html
    assert opinion in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert f'name="appraise-version" value="{dossier.version}"' in html
    # Sent again from the re-rendered form, it goes through.
    response = post_action(client, dossier, "appraise", opinion=opinion)
    assert response.status_code == 302


def test_an_action_someone_else_already_took_keeps_the_text_to_copy(client, submit, staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    dossier = services.receive(submit(), officer)
    seen = dossier.version
    interruptions.refuse(dossier, staff[Role.LEADER], reason="Giấy tờ giả")
    client.force_login(officer)
    response = post_action(client, dossier, "refuse", version=seen, reason="Thiếu giấy chứng sinh")
    assert response.status_code == 409
    html = response.content.decode()
    assert "no longer possible" in html
    assert "Thiếu giấy chứng sinh" in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED


def test_a_domain_error_is_a_form_error_not_a_500(client, submit, staff):
    dossier = services.receive(submit(), staff[Role.ONE_STOP_OFFICER])
    client.force_login(staff[Role.LEADER])
    response = post_action(
        client, dossier, "apology", reason="Chờ xác minh", new_due_at="2020-01-01T09:00"
    )
    assert response.status_code == 400
    assert "The new return date must be after" in response.content.decode()
    assert "Chờ xác minh" in response.content.decode()


def test_the_supplement_request_takes_one_item_per_line(client, submit, staff):
    dossier = services.receive(submit(), staff[Role.ONE_STOP_OFFICER])
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    response = post_action(
        client, dossier, "supplement", items="Giấy chứng sinh\n\nCCCD của mẹ\n", reason=""
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.supplement_request.items == ["Giấy chứng sinh", "CCCD của mẹ"]


def test_a_transfer_moves_the_dossier_away_from_the_officer(client, submit, staff, other_pc):
    dossier = submit()
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    response = post_action(
        client, dossier, "transfer", to_agency=other_pc.pk, reason="Sai nơi cư trú"
    )
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/dossiers/"
    dossier.refresh_from_db()
    assert dossier.agency == other_pc


def test_a_role_posting_an_action_it_is_not_offered_is_refused(client, submit, staff):
    dossier = submit()
    client.force_login(staff[Role.SPECIALIST])
    assert post_action(client, dossier, "receive").status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


# --- permissions and audit --------------------------------------------------------------


def test_an_officer_of_another_commune_gets_403_and_the_denial_is_audited(
    client, submit, make_staff, other_pc
):
    dossier = submit()
    client.force_login(make_staff(Role.ONE_STOP_OFFICER, agency=other_pc))
    assert page_of(client, dossier).status_code == 403
    assert client.get(f"/backoffice/dossiers/{dossier.code}/forms/05.pdf").status_code == 403
    denials = AuditRecord.objects.filter(
        action=AuditAction.PERMISSION_DENIED, object_id=str(dossier.pk)
    )
    assert denials.count() == 2
    assert not AuditRecord.objects.filter(action=AuditAction.READ, object_id=str(dossier.pk))


def test_reading_the_page_is_audited_with_its_purpose(client, submit, staff):
    dossier = submit()
    officer = staff[Role.ONE_STOP_OFFICER]
    client.force_login(officer)
    page_of(client, dossier)
    read = AuditRecord.objects.get(action=AuditAction.READ, object_id=str(dossier.pk))
    assert read.actor == officer
    assert read.purpose == "one-stop processing"


def test_a_citizen_account_cannot_open_the_back_office_page(client, submit, applicant):
    dossier = submit()
    client.force_login(applicant)
    assert page_of(client, dossier).status_code == 403


def test_forms_that_apply_are_served_as_pdf(client, submit, staff):
    dossier = services.receive(submit(), staff[Role.ONE_STOP_OFFICER])
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    response = client.get(f"/backoffice/dossiers/{dossier.code}/forms/01.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/backoffice/dossiers/{dossier.code}/forms/03.pdf").status_code == 404


# --- counter intake ---------------------------------------------------------------------


def intake_data(applicant, key="counter-key-1"):
    data = {
        "procedure": BIRTH,
        "idempotency_key": key,
        "id_number": applicant.citizen.id_number,
        "channel": "counter",
        "agency": "",
        "phone": "0912345678",
        "email": "",
        "representative_name": "",
        "representative_id_number": "",
    }
    data.update({f"data__{name}": value for name, value in BIRTH_FORM.items()})
    return data


def test_the_intake_form_shows_the_procedures_fields_and_a_fresh_key(client, birth, staff):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    first = client.get("/backoffice/dossiers/new/", {"procedure": BIRTH}).content.decode()
    second = client.get("/backoffice/dossiers/new/", {"procedure": BIRTH}).content.decode()
    assert 'name="data__child_full_name"' in first
    assert 'type="date"' in first
    key = re.compile(r'name="idempotency_key" value="([0-9a-f]+)"')
    assert key.search(first).group(1) != key.search(second).group(1)


def test_a_double_post_at_the_counter_creates_one_dossier(client, birth, staff, applicant):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    first = client.post("/backoffice/dossiers/new/", intake_data(applicant))
    second = client.post("/backoffice/dossiers/new/", intake_data(applicant))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    dossier = Dossier.objects.get()
    assert first["Location"] == f"/backoffice/dossiers/{dossier.code}/?received=1"
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.form_data["child_full_name"] == BIRTH_FORM["child_full_name"]
    html = client.get(first["Location"]).content.decode()
    assert f"/backoffice/dossiers/{dossier.code}/forms/01.pdf" in html


def test_counter_intake_shows_the_form_data_mistakes(client, birth, staff, applicant):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    data = intake_data(applicant) | {"data__mother_id_number": "12345"}
    response = client.post("/backoffice/dossiers/new/", data)
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    assert "Trần Minh Khôi" in response.content.decode()


def test_counter_intake_of_an_unknown_id_number_is_a_form_error(client, birth, staff, applicant):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    data = intake_data(applicant) | {"id_number": "022190999999"}
    response = client.post("/backoffice/dossiers/new/", data)
    assert response.status_code == 400
    assert "No living person" in response.content.decode()


def test_only_one_stop_officers_receive_at_the_counter(client, birth, staff):
    client.force_login(staff[Role.SPECIALIST])
    assert client.get("/backoffice/dossiers/new/").status_code == 403


# --- SLA dashboard ----------------------------------------------------------------------


def test_the_sla_page_shows_the_figures(client, submit, staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    late = services.receive(submit(at=local(2026, 1, 5, 9)), officer, at=local(2026, 1, 5, 9))
    services.receive(submit(), officer)
    walked = services.digitise(services.receive(submit(), officer), officer)
    walked = services.appraise(walked, staff[Role.SPECIALIST], opinion="Hợp lệ")
    services.approve(walked, staff[Role.LEADER], result_summary="Giấy khai sinh")
    client.force_login(staff[Role.LEADER])
    response = client.get("/backoffice/dossiers/sla/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.overdue == 1
    assert figures.open == 3
    assert figures.finished == 1
    html = response.content.decode()
    assert 'id="figure-overdue">1<' in html
    assert 'id="figure-on-time">100.0%<' in html
    assert "<svg" in html and "<title" in html
    assert late.agency.name in html
    assert late.code in html  # needs an apology


def test_the_inbox_opens_on_my_queue_only_when_something_is_handed_to_me(client, submit, staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    submit()
    client.force_login(officer)
    assert client.get("/backoffice/dossiers/").context["tab"] == "agency"
    services.receive(submit(), officer, to_user=officer)
    assert client.get("/backoffice/dossiers/").context["tab"] == "mine"


def test_the_officer_records_a_payment_of_the_fees(client, birth, submit, staff):
    from motcua.catalog.models import ProcedureFee

    ProcedureFee.objects.create(procedure=birth, label="Lệ phí trích lục", amount=8000)
    dossier = submit()
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    assert "payment" in actions_on(page_of(client, dossier))
    response = post_action(client, dossier, "payment", amount=8000, method="cash", reference="BL-1")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.fees_outstanding == 0
    assert "payment" not in actions_on(page_of(client, dossier))
