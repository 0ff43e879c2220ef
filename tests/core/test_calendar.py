import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.calendar import WorkingCalendar, add_working_days, working_hours_between
from motcua.core.exceptions import DomainError
from motcua.core.models import CalendarOverride, CalendarOverrideKind
from motcua.core.services import set_calendar_override

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.mark.django_db
def test_five_working_days_from_friday_before_tet_2026_land_after_the_holidays():
    due = add_working_days(at(2026, 2, 13, 17, 0), 5)
    assert due > at(2026, 2, 20, 23, 59)  # Tết: Mon 16 – Fri 20 Feb 2026
    assert due == at(2026, 2, 27, 17, 0)


@pytest.mark.django_db
def test_part_of_the_friday_counts_when_received_in_the_morning():
    # 7.5 h left on Fri 13, then Mon 23 – Thu 26, then half an hour on Fri 27.
    assert add_working_days(at(2026, 2, 13, 8, 0), 5) == at(2026, 2, 27, 8, 0)


@pytest.mark.django_db
def test_compensatory_working_saturday_brings_the_due_date_forward():
    start = at(2026, 3, 6, 17, 0)  # Friday evening
    assert add_working_days(start, 1) == at(2026, 3, 9, 17, 0)
    set_calendar_override(
        dt.date(2026, 3, 7), CalendarOverrideKind.WORKING_DAY, "Quyết định 123/QĐ-UBND"
    )
    assert add_working_days(start, 1) == at(2026, 3, 7, 17, 0)


@pytest.mark.django_db
def test_extra_day_off_pushes_the_due_date_back():
    set_calendar_override(dt.date(2026, 3, 9), CalendarOverrideKind.DAY_OFF, "Ngày lễ tỉnh")
    assert add_working_days(at(2026, 3, 6, 17, 0), 1) == at(2026, 3, 10, 17, 0)


@pytest.mark.django_db
def test_saturday_worked_in_exchange_for_a_national_bridge_day_is_a_working_day():
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(dt.date(2026, 8, 31))  # substituted day off
    assert calendar.is_working_day(dt.date(2026, 8, 22))  # the Saturday worked for it


def test_next_working_moment_skips_lunch_nights_and_weekends():
    calendar = WorkingCalendar(overrides={})
    assert calendar.next_working_moment(at(2026, 3, 4, 12, 0)) == at(2026, 3, 4, 13, 0)
    assert calendar.next_working_moment(at(2026, 3, 4, 18, 0)) == at(2026, 3, 5, 7, 30)
    assert calendar.next_working_moment(at(2026, 3, 7, 9, 0)) == at(2026, 3, 9, 7, 30)
    assert calendar.next_working_moment(at(2026, 3, 4, 9, 0)) == at(2026, 3, 4, 9, 0)


@pytest.mark.django_db
def test_working_hours_between_counts_office_time_only():
    # Wed 10:00 → next Mon 10:00: Wed 5.5 + Thu 8 + Fri 8 + Mon 2.5 = 24.
    assert working_hours_between(at(2026, 3, 4, 10), at(2026, 3, 9, 10)) == 24
    assert working_hours_between(at(2026, 3, 9, 10), at(2026, 3, 4, 10)) == -24


def test_office_hours_come_from_settings(settings):
    settings.MOTCUA_OFFICE_HOURS = ["08:00-12:00", "13:30-17:30"]
    calendar = WorkingCalendar(overrides={})
    assert calendar.hours_per_day == 8
    assert calendar.next_working_moment(at(2026, 3, 4, 7, 45)) == at(2026, 3, 4, 8, 0)


def test_malformed_office_hours_are_refused(settings):
    settings.MOTCUA_OFFICE_HOURS = ["13:00-11:30"]
    with pytest.raises(ValueError, match="ordered"):
        WorkingCalendar(overrides={})


@pytest.mark.django_db
def test_an_override_needs_a_reason_and_a_real_change():
    with pytest.raises(DomainError) as no_reason:
        set_calendar_override(dt.date(2026, 3, 7), CalendarOverrideKind.WORKING_DAY, "  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(DomainError) as working:
        set_calendar_override(dt.date(2026, 3, 4), CalendarOverrideKind.WORKING_DAY, "x")
    assert working.value.code == "already_working_day"
    assert "04/03/2026" in working.value.message
    with pytest.raises(DomainError) as off:
        set_calendar_override(dt.date(2026, 2, 17), CalendarOverrideKind.DAY_OFF, "x")
    assert off.value.code == "already_day_off"
    assert not CalendarOverride.objects.exists()


moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0, tzinfo=VN)
)


@settings(max_examples=200, deadline=None)
@given(start=moments, minutes=st.integers(min_value=0, max_value=60 * 8 * 30))
def test_adding_working_time_then_measuring_it_gives_it_back(start, minutes):
    calendar = WorkingCalendar(overrides={})
    due = calendar.add_working_hours(start, dt.timedelta(minutes=minutes))
    assert due >= start
    assert calendar.working_time_between(start, due) == dt.timedelta(minutes=minutes)
    if minutes:
        assert calendar.is_working_day(due.date())
