"""Working-time deadlines: a dossier's and each step's due moment, and early/on-time/late."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.catalog.models import Procedure, StepTemplate
from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import Timeliness

# A dossier due within this many working hours is proposed for a late apology.
APOLOGY_WARNING_HOURS = 4


def classify(done: dt.datetime, due: dt.datetime, calendar: WorkingCalendar) -> str:
    """Late after the due moment; on time on the due day itself; early on an earlier day.

    Days are the province's local days, so a result ready on the last working day before
    a holiday whose deadline falls after it counts as early.
    """
    if done > due:
        return Timeliness.LATE
    local_done = done.astimezone(calendar.tz).date()
    local_due = due.astimezone(calendar.tz).date()
    return Timeliness.ON_TIME if local_done == local_due else Timeliness.EARLY


def step_hours(procedure: Procedure, template: StepTemplate) -> Decimal:
    return (Decimal(procedure.processing_hours) * template.share_percent / 100).quantize(
        Decimal("0.01")
    )


def shift_for_pause(
    due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime, calendar: WorkingCalendar
) -> dt.datetime:
    """The due moment after a pause: the working time that was left when the clock stopped
    is counted again from the resume. A pause begun after the deadline changes nothing."""
    left = calendar.working_time_between(paused_at, due)
    if left <= dt.timedelta(0):
        return due
    return calendar.add_working_hours(resumed_at, left)


def proposed_new_date(
    due: dt.datetime, remaining_hours: Decimal, at: dt.datetime, calendar: WorkingCalendar
) -> dt.datetime:
    """The return date to promise in an apology: the work still allotted, counted from the
    later of now and the deadline, at least one working day."""
    start = max(due, at)
    return calendar.add_working_hours(start, max(remaining_hours, calendar.hours_per_day))
