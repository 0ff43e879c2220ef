import pytest
from django.core.exceptions import PermissionDenied

from motcua.catalog.models import Step
from motcua.core.exceptions import Conflict, DomainError
from motcua.dossiers import services
from motcua.dossiers.models import DossierStatus, EventKind, Notification, Timeliness
from motcua.identity.models import Role
from motcua.security.models import AuditRecord
from tests.dossiers.conftest import BIRTH_FORM, local


def walk(dossier, staff, at):
    """Take a submitted dossier through all five steps; returns it returned."""
    officer, specialist, leader = (
        staff[Role.ONE_STOP_OFFICER],
        staff[Role.SPECIALIST],
        staff[Role.LEADER],
    )
    dossier = services.receive(dossier, officer, at=at)
    dossier = services.digitise(dossier, officer, at=at)
    dossier = services.appraise(dossier, specialist, opinion="Hồ sơ hợp lệ.", at=at)
    dossier = services.approve(dossier, leader, result_summary="Giấy khai sinh bản điện tử", at=at)
    return services.return_result(dossier, officer, at=at)


def test_online_submission_gets_a_code_of_the_receiving_agency_and_the_day(submit, commune_pc):
    dossier = submit(at=local(2026, 11, 23, 9, 0))
    assert dossier.code == f"{commune_pc.code}-261123-0001"
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.current_step == Step.RECEIVE
    assert dossier.applicant_name == "Nguyễn Thị Ánh Tuyết"
    assert submit(at=local(2026, 11, 23, 9, 5)).code.endswith("-261123-0002")
    assert submit(at=local(2026, 11, 24, 9, 0)).code.endswith("-261124-0001")


def test_the_five_steps_leave_one_control_slip_line_per_hand_over(submit, staff):
    at = local(2026, 11, 23, 9, 0)
    dossier = walk(submit(at=at), staff, at)
    assert dossier.status == DossierStatus.RESULT_RETURNED
    lines = list(dossier.steps.order_by("pk"))
    assert [line.step for line in lines] == [s.value for s in Step]
    assert all(line.completed_at and line.timeliness for line in lines)
    assert lines[2].role == Role.SPECIALIST
    assert lines[2].handed_by == staff[Role.ONE_STOP_OFFICER]
    assert lines[3].completed_by == staff[Role.LEADER]
    assert dossier.timeliness == Timeliness.EARLY or dossier.timeliness == Timeliness.ON_TIME
    kinds = list(dossier.events.values_list("kind", flat=True))
    assert kinds[0] == EventKind.SUBMITTED and kinds[-1] == EventKind.RESULT_RETURNED
    statuses = set(
        AuditRecord.objects.filter(object_id=str(dossier.pk)).values_list(
            "data__transition", flat=True
        )
    )
    assert {"submitted", "received", "digitised", "appraised", "approved", "returned"} <= statuses


def test_every_status_change_reaches_the_applicants_inbox(submit, staff, applicant):
    at = local(2026, 11, 23, 9, 0)
    walk(submit(at=at), staff, at)
    subjects = list(Notification.objects.filter(user=applicant).values_list("subject", flat=True))
    assert any("Submitted online" in s for s in subjects)
    assert any("Result returned" in s for s in subjects)


def test_a_step_cannot_be_done_by_a_role_that_does_not_own_it(submit, staff):
    dossier = submit()
    with pytest.raises(PermissionDenied):
        services.receive(dossier, staff[Role.SPECIALIST])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_an_officer_of_another_commune_cannot_receive(submit, make_staff, other_pc):
    outsider = make_staff(Role.ONE_STOP_OFFICER, agency=other_pc)
    with pytest.raises(PermissionDenied):
        services.receive(submit(), outsider)


def test_steps_must_come_in_order(submit, staff):
    dossier = submit()
    with pytest.raises(Conflict):
        services.digitise(dossier, staff[Role.ONE_STOP_OFFICER])


def test_a_form_built_from_an_older_version_is_refused_and_changes_nothing(submit, staff):
    dossier = submit()
    seen = dossier.version
    services.receive(dossier, staff[Role.ONE_STOP_OFFICER], version=seen)
    with pytest.raises(Conflict) as error:
        services.receive(dossier, staff[Role.ONE_STOP_OFFICER], version=seen)
    assert "was changed by" in error.value.message
    dossier.refresh_from_db()
    assert dossier.steps.filter(step=Step.RECEIVE).count() == 1


def test_hand_over_to_a_named_person_needs_the_next_steps_role(submit, staff):
    dossier = submit()
    with pytest.raises(DomainError):
        services.receive(dossier, staff[Role.ONE_STOP_OFFICER], to_user=staff[Role.LEADER])
    dossier = services.receive(
        dossier, staff[Role.ONE_STOP_OFFICER], to_user=staff[Role.ONE_STOP_OFFICER]
    )
    assert dossier.steps.get(step=Step.DIGITISE).assignee == staff[Role.ONE_STOP_OFFICER]


def test_the_same_submission_key_twice_gives_one_dossier(submit):
    first = submit(idempotency_key="form-7f3a")
    second = submit(idempotency_key="form-7f3a")
    assert first.pk == second.pk
    assert first.code == second.code


def test_invalid_form_data_names_every_field_and_stores_nothing(submit, applicant):
    with pytest.raises(DomainError) as error:
        submit(form_data={"child_birth_date": "20/11/2026", "mother_id_number": "12345"})
    assert set(error.value.errors) >= {"child_full_name", "child_birth_date", "mother_id_number"}
    assert not applicant.dossiers.exists()


def test_a_level_one_account_cannot_submit_a_level_two_procedure(submit, applicant):
    applicant.eid_level = 1
    applicant.save()
    with pytest.raises(DomainError) as error:
        submit()
    assert error.value.status_code == 403


def test_a_crash_inside_a_transition_leaves_the_dossier_in_its_old_state(
    submit, staff, monkeypatch
):
    from motcua.dossiers import transitions

    dossier = submit()

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    # The audit record is the last write of a transition: fail there, after the others.
    monkeypatch.setattr(transitions, "record", crash)
    with pytest.raises(RuntimeError):
        services.receive(dossier, staff[Role.ONE_STOP_OFFICER])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.received_at is None
    assert dossier.steps.count() == 1
    assert dossier.events.count() == 1


def test_counter_intake_is_received_at_once_with_its_deadline(birth, applicant, staff, commune_pc):
    app = services.Application(procedure=birth, form_data=dict(BIRTH_FORM))
    dossier = services.intake_at_counter(
        staff[Role.ONE_STOP_OFFICER], app, applicant.citizen.id_number, at=local(2026, 11, 23, 9)
    )
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.channel == "counter"
    # 8 working hours: 6.5 on Monday (lunch excluded), Tuesday 24 November is Vietnam
    # Culture Day (a day off since 2026), so the last 1.5 hours fall on Wednesday.
    assert dossier.due_at == local(2026, 11, 25, 9, 0)
    assert dossier.applicant_user == applicant
    assert dossier.current_step == Step.DIGITISE


def test_counter_intake_refuses_an_unknown_id_number(birth, staff):
    app = services.Application(procedure=birth, form_data={})
    with pytest.raises(DomainError) as error:
        services.intake_at_counter(staff[Role.ONE_STOP_OFFICER], app, "022185999999")
    assert error.value.status_code == 404
