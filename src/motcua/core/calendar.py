"""The working-day calendar: office hours, Vietnam's public holidays and substituted days
(from the `holidays` package), and the province's own overrides (CalendarOverride).

Every duration in motcua is in working hours; one working day is the total of the office
hours (8 by default). Deadlines come from here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError

# Ten years without a working day means the calendar itself is broken.
_MAX_DAYS_SCANNED = 3660


@dataclass(frozen=True)
class OfficeSpan:
    start: dt.time
    end: dt.time


def parse_office_hours(spans: list[str]) -> tuple[OfficeSpan, ...]:
    """Parse ["07:30-11:30", "13:00-17:00"] into ordered, non-overlapping spans."""
    parsed: list[OfficeSpan] = []
    for text in spans:
        try:
            start_text, end_text = text.split("-")
            span = OfficeSpan(dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text))
        except ValueError as exc:
            raise ValueError(f"Office hours must look like 07:30-11:30, not {text!r}") from exc
        if span.start >= span.end or (parsed and span.start < parsed[-1].end):
            raise ValueError(f"Office hours must be ordered and not overlap: {spans!r}")
        parsed.append(span)
    if not parsed:
        raise ValueError("At least one span of office hours is needed")
    return tuple(parsed)


@cache
def _national_holidays() -> holidays.HolidayBase:
    # The package computes years on demand; one instance per process is plain data.
    return holidays.country_holidays("VN")


class WorkingCalendar:
    """Working time arithmetic. Create one per computation: it caches overrides it reads."""

    def __init__(
        self,
        spans: tuple[OfficeSpan, ...] | None = None,
        overrides: dict[dt.date, str] | None = None,
    ) -> None:
        self.spans = spans or parse_office_hours(settings.MOTCUA_OFFICE_HOURS)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self._overrides: dict[dt.date, str] = dict(overrides or {})
        self._loaded_years: set[int] = set() if overrides is None else _ALL_YEARS

    @property
    def hours_per_day(self) -> Decimal:
        seconds = sum(_seconds(span.start, span.end) for span in self.spans)
        return Decimal(seconds) / 3600

    def is_working_day(self, day: dt.date) -> bool:
        from motcua.core.models import CalendarOverrideKind

        override = self._override(day)
        if override is not None:
            return override == CalendarOverrideKind.WORKING_DAY
        return _national_holidays().is_working_day(day)

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """The first instant at or after `moment` that falls inside office hours."""
        local = self._local(moment)
        day = local.date()
        for _offset in range(_MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                for span in self.spans:
                    start, end = self._at(day, span.start), self._at(day, span.end)
                    if local < end:
                        return max(local, start)
            day += dt.timedelta(days=1)
        raise DomainError(_("The working calendar has no working day in the next ten years."))

    def add_working_hours(
        self, start: dt.datetime, hours: float | int | Decimal | dt.timedelta
    ) -> dt.datetime:
        """The moment when `hours` of office time have passed since `start`."""
        remaining = hours if isinstance(hours, dt.timedelta) else _hours(hours)
        if remaining < dt.timedelta(0):
            raise ValueError("Cannot add a negative duration")
        local = self._local(start)
        if remaining == dt.timedelta(0):
            return local
        day = local.date()
        for _offset in range(_MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                for span in self.spans:
                    begin = max(local, self._at(day, span.start))
                    end = self._at(day, span.end)
                    if begin >= end:
                        continue
                    available = end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += dt.timedelta(days=1)
        raise DomainError(_("The working calendar has no working day in the next ten years."))

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        return self.add_working_hours(start, self.hours_per_day * days)

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Office time from `start` to `end`; negative when `end` comes first."""
        if end < start:
            return -self.working_time_between(end, start)
        first, last = self._local(start), self._local(end)
        total = dt.timedelta(0)
        day = first.date()
        while day <= last.date():
            if self.is_working_day(day):
                for span in self.spans:
                    begin = max(first, self._at(day, span.start))
                    finish = min(last, self._at(day, span.end))
                    if finish > begin:
                        total += finish - begin
            day += dt.timedelta(days=1)
        return total

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> Decimal:
        seconds = Decimal(int(self.working_time_between(start, end).total_seconds()))
        return seconds / 3600

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def _override(self, day: dt.date) -> str | None:
        if day.year not in self._loaded_years:
            from motcua.core.models import CalendarOverride

            rows = CalendarOverride.objects.filter(date__year=day.year).values_list("date", "kind")
            self._overrides.update(dict(rows))
            self._loaded_years.add(day.year)
        return self._overrides.get(day)


class _AllYears(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


_ALL_YEARS: set[int] = _AllYears()  # type: ignore[assignment]


def _seconds(start: dt.time, end: dt.time) -> int:
    return (end.hour * 3600 + end.minute * 60 + end.second) - (
        start.hour * 3600 + start.minute * 60 + start.second
    )


def _hours(value: float | int | Decimal) -> dt.timedelta:
    return dt.timedelta(seconds=int(Decimal(str(value)) * 3600))


def add_working_hours(start: dt.datetime, hours: float | int | Decimal) -> dt.datetime:
    return WorkingCalendar().add_working_hours(start, hours)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    return WorkingCalendar().add_working_days(start, days)


def working_hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    return WorkingCalendar().working_hours_between(start, end)


def next_working_moment(moment: dt.datetime) -> dt.datetime:
    return WorkingCalendar().next_working_moment(moment)
