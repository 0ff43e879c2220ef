import pytest
from django.core.exceptions import PermissionDenied

from motcua.catalog.models import Step
from motcua.core.exceptions import Conflict, DomainError
from motcua.dossiers import interruptions, services
from motcua.dossiers.models import Apology, DossierStatus, EventKind, Timeliness
from motcua.identity.models import Role
from tests.dossiers.conftest import local

MONDAY = local(2026, 11, 30, 7, 30)  # office opens; an ordinary week, Mon 30 Nov – Fri 4 Dec


def received(submit, staff, at=MONDAY):
    return services.receive(submit(at=at), staff[Role.ONE_STOP_OFFICER], at=at)


def test_a_supplement_lists_everything_missing_and_pauses_the_clock(submit, staff):
    dossier = received(submit, staff)
    assert dossier.due_at == local(2026, 11, 30, 17, 0)  # one working day of 8 hours
    interruptions.request_supplement(
        dossier,
        staff[Role.ONE_STOP_OFFICER],
        items=["Giấy chứng sinh bản chính", "Văn bản ủy quyền"],
        reason="Thiếu giấy tờ",
        at=local(2026, 11, 30, 10, 0),  # 2.5 hours used, 5.5 left
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.supplement_request.items == ["Giấy chứng sinh bản chính", "Văn bản ủy quyền"]
    # The applicant brings the papers on Wednesday; the 5.5 hours left count from then.
    resumed = interruptions.provide_supplement(
        dossier, dossier.applicant_user, note="Đã bổ sung", at=local(2026, 12, 2, 7, 30)
    )
    assert resumed.status == DossierStatus.RECEIVED
    assert resumed.due_at == local(2026, 12, 2, 14, 30)
    # Step 2's own 24 minutes (5 %) had run out before the pause: its due time stays.
    assert resumed.steps.get(step=Step.DIGITISE).due_at == local(2026, 11, 30, 7, 54)


def test_a_supplement_is_requested_only_once(submit, staff):
    dossier = received(submit, staff)
    officer = staff[Role.ONE_STOP_OFFICER]
    interruptions.request_supplement(dossier, officer, items=["Giấy chứng sinh"])
    interruptions.provide_supplement(dossier, dossier.applicant_user, note="Đã nộp")
    with pytest.raises(Conflict) as error:
        interruptions.request_supplement(dossier, officer, items=["Giấy tờ khác"])
    assert error.value.code == "supplement_once"


def test_a_supplement_request_needs_at_least_one_item(submit, staff):
    with pytest.raises(DomainError):
        interruptions.request_supplement(
            received(submit, staff), staff[Role.ONE_STOP_OFFICER], items=["  "]
        )


def test_refusal_needs_a_reason_and_closes_the_dossier(submit, staff):
    dossier = received(submit, staff)
    with pytest.raises(DomainError):
        interruptions.refuse(dossier, staff[Role.ONE_STOP_OFFICER], reason=" ")
    refused = interruptions.refuse(
        dossier, staff[Role.ONE_STOP_OFFICER], reason="Không thuộc thẩm quyền"
    )
    assert refused.status == DossierStatus.REFUSED
    assert refused.closed_at is not None
    assert refused.steps.filter(completed_at=None).count() == 0
    with pytest.raises(Conflict):
        services.digitise(refused, staff[Role.ONE_STOP_OFFICER])


def test_the_applicant_withdraws_before_the_result_but_not_after(submit, staff):
    dossier = received(submit, staff)
    withdrawn = interruptions.withdraw(dossier, dossier.applicant_user, reason="Nộp nhầm")
    assert withdrawn.status == DossierStatus.WITHDRAWN
    assert withdrawn.events.filter(kind=EventKind.WITHDRAWN).exists()

    other = received(submit, staff)
    officer, specialist, leader = (
        staff[r] for r in (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER)
    )
    other = services.digitise(other, officer)
    other = services.appraise(other, specialist, opinion="Đủ điều kiện")
    other = services.approve(other, leader, result_summary="Giấy khai sinh")
    with pytest.raises(Conflict):
        interruptions.withdraw(other, other.applicant_user)


def test_someone_else_cannot_withdraw_a_citizens_dossier(submit, staff, make_staff, other_pc):
    outsider = make_staff(Role.ONE_STOP_OFFICER, agency=other_pc)
    with pytest.raises(PermissionDenied):
        interruptions.withdraw(received(submit, staff), outsider)


def test_only_a_leader_stops_a_dossier(submit, staff):
    dossier = received(submit, staff)
    with pytest.raises(PermissionDenied):
        interruptions.stop(dossier, staff[Role.SPECIALIST], reason="Quá hạn bổ sung")
    stopped = interruptions.stop(dossier, staff[Role.LEADER], reason="Quá hạn bổ sung")
    assert stopped.status == DossierStatus.STOPPED


def test_transfer_hands_the_open_step_to_the_other_commune(submit, staff, make_staff, other_pc):
    dossier = submit(at=MONDAY)
    moved = interruptions.transfer(
        dossier, staff[Role.ONE_STOP_OFFICER], to_agency=other_pc, reason="Sai nơi cư trú"
    )
    assert moved.agency == other_pc and moved.receiving_agency == other_pc
    assert moved.steps.get(step=Step.RECEIVE).agency == other_pc
    # The first commune's officer has lost it; the new commune's officer can receive it.
    with pytest.raises(PermissionDenied):
        services.receive(moved, staff[Role.ONE_STOP_OFFICER])
    theirs = make_staff(Role.ONE_STOP_OFFICER, agency=other_pc)
    assert services.receive(moved, theirs).status == DossierStatus.RECEIVED
    assert moved.events.filter(kind=EventKind.TRANSFERRED).get().data["to_agency"] == other_pc.code


def test_transfer_to_the_same_agency_is_refused(submit, staff, commune_pc):
    with pytest.raises(DomainError):
        interruptions.transfer(
            submit(), staff[Role.ONE_STOP_OFFICER], to_agency=commune_pc, reason="x"
        )


def test_the_system_proposes_an_apology_before_the_deadline_passes(submit, staff):
    dossier = received(submit, staff)  # due Mon 30 Nov 17:00
    assert interruptions.propose_apology_date(dossier, at=local(2026, 11, 30, 8, 30)) is None
    proposal = interruptions.propose_apology_date(dossier, at=local(2026, 11, 30, 13, 0))
    assert proposal is not None and proposal > dossier.due_at
    assert dossier in interruptions.needing_apology(
        type(dossier).objects.all(), at=local(2026, 11, 30, 13, 0)
    )


def test_an_apology_promises_a_new_date_but_the_dossier_is_still_late(submit, staff):
    dossier = received(submit, staff)
    officer, specialist, leader = (
        staff[r] for r in (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER)
    )
    new_date = local(2026, 12, 2, 16, 0)
    with pytest.raises(DomainError):
        interruptions.apologise(
            dossier, leader, reason="Chờ xác minh", new_due_at=local(2026, 11, 30, 9), at=MONDAY
        )
    apology = interruptions.apologise(
        dossier, leader, reason="Chờ xác minh", new_due_at=new_date, at=local(2026, 11, 30, 15)
    )
    assert apology.old_due_at == dossier.due_at
    dossier.refresh_from_db()
    assert dossier.promised_at == new_date
    assert Apology.objects.filter(dossier=dossier).count() == 1
    at = local(2026, 12, 1, 9)
    dossier = services.digitise(dossier, officer, at=at)
    dossier = services.appraise(dossier, specialist, opinion="Đủ điều kiện", at=at)
    dossier = services.approve(dossier, leader, result_summary="Giấy khai sinh", at=at)
    assert dossier.timeliness == Timeliness.LATE
