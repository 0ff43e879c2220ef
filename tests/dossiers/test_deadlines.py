"""Early, on time or late, judged in working time — here across Tết 2026 (Mon 16 – Fri 20
February off, with the weekends either side)."""

import pytest

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers import deadlines, services
from motcua.dossiers.models import Timeliness
from motcua.identity.models import Role
from tests.dossiers.conftest import local

BEFORE_TET = local(2026, 2, 13, 14, 0)  # Friday before the holiday, 14:00


@pytest.fixture
def received_before_tet(submit, staff):
    return services.receive(submit(at=BEFORE_TET), staff[Role.ONE_STOP_OFFICER], at=BEFORE_TET)


def finish(dossier, staff, at):
    officer, specialist, leader = (
        staff[r] for r in (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER)
    )
    dossier = services.digitise(dossier, officer, at=at)
    dossier = services.appraise(dossier, specialist, opinion="Hợp lệ", at=at)
    return services.approve(dossier, leader, result_summary="Giấy khai sinh", at=at)


def test_the_deadline_skips_tet_and_the_weekends(received_before_tet):
    # 3 working hours on Friday afternoon, then 5 on Monday 23 February.
    assert received_before_tet.due_at == local(2026, 2, 23, 14, 0)


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (local(2026, 2, 13, 16, 0), Timeliness.EARLY),  # before the holiday
        (local(2026, 2, 23, 9, 0), Timeliness.ON_TIME),  # first day back, before 14:00
        (local(2026, 2, 23, 14, 0), Timeliness.ON_TIME),  # at the deadline itself
        (local(2026, 2, 23, 15, 0), Timeliness.LATE),
        (local(2026, 2, 24, 8, 0), Timeliness.LATE),
    ],
)
def test_a_dossier_finished_around_tet_is_classified_by_working_time(
    received_before_tet, staff, finished, expected
):
    assert finish(received_before_tet, staff, finished).timeliness == expected


def test_a_result_may_be_returned_early(received_before_tet, staff):
    done = finish(received_before_tet, staff, local(2026, 2, 13, 16, 0))
    returned = services.return_result(
        done, staff[Role.ONE_STOP_OFFICER], at=local(2026, 2, 13, 16, 30)
    )
    assert returned.returned_at < returned.due_at
    assert returned.timeliness == Timeliness.EARLY


def test_each_step_is_judged_against_its_own_share(received_before_tet, staff):
    # Step 2 has 5 % of 8 hours (24 minutes) from 14:00 Friday; done on Monday 23rd: late.
    done = finish(received_before_tet, staff, local(2026, 2, 23, 9, 0))
    digitise = done.steps.get(step="digitise")
    assert digitise.due_at == local(2026, 2, 13, 14, 24)
    assert digitise.timeliness == Timeliness.LATE
    assert done.timeliness == Timeliness.ON_TIME


def test_a_calendar_day_count_would_call_it_late_but_working_days_do_not():
    calendar = WorkingCalendar(overrides={})
    due = calendar.add_working_days(BEFORE_TET, 1)
    assert (due - BEFORE_TET).days >= 10
    assert deadlines.classify(local(2026, 2, 20, 10, 0), due, calendar) == Timeliness.EARLY
