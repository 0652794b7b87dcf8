"""Due moments and outcomes of dossiers (domain.md §2.4), on top of `agencies.worktime`.

Time limit: the case's limit for the channel (`online_*` / `post_*` override when set, else the
base `time_value` / `time_unit`), counted from acceptance (`received_at`) in the competent
agency's working calendar.

- Working days / working hours / calendar days: `agencies.worktime.due_at`.
- Same-day procedures (time limit 0): due at the closing time of the working day of receipt;
  when the case has a `same_day_cutoff` and the dossier is received after it, due at the closing
  time of the next working day. (A moment outside office hours first moves to the next opening.)
- A case with a limit > 0 and a `same_day_cutoff`: received after the cutoff, the count starts at
  the next working day's opening.
- Resolved on the spot: no due moment (None).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from agencies import worktime
from procedures.models import TimeUnit

from .models import Channel, Outcome

UNITS = {
    TimeUnit.WORKING_DAY: worktime.WORKING_DAYS,
    TimeUnit.CALENDAR_DAY: worktime.CALENDAR_DAYS,
    TimeUnit.WORKING_HOUR: worktime.WORKING_HOURS,
}

# How a dossier resolved on the spot (no appointment, no due moment) is counted. The source
# article does not say; we count it "on time" so it never inflates the "early" figure.
ON_SPOT_OUTCOME = Outcome.ON_TIME


def time_limit(*, case, channel) -> tuple[Decimal, str]:
    """(amount, procedures TimeUnit value) of the case for the channel."""
    if int(channel) == Channel.ONLINE and case.online_time_value is not None:
        return case.online_time_value, case.online_time_unit or case.time_unit
    if int(channel) == Channel.POST and case.post_time_value is not None:
        return case.post_time_value, case.post_time_unit or case.time_unit
    return case.time_value, case.time_unit


def _closing(calendar: worktime.WorkCalendar, day: datetime.date) -> datetime.datetime:
    return calendar.sessions(day)[-1][1]


def compute_due_at(*, case, channel, received_at, agency) -> datetime.datetime | None:
    """The due moment of a dossier received at `received_at` (None when resolved on the spot)."""
    if case.resolved_on_spot:
        return None
    amount, unit = time_limit(case=case, channel=channel)
    calendar = worktime.WorkCalendar(agency)
    start = calendar.next_working_moment(received_at)
    cutoff = case.same_day_cutoff
    after_cutoff = cutoff is not None and timezone.localtime(start).time() > cutoff
    if not amount:
        day = start.date()
        if after_cutoff:
            day = calendar.next_working_day(day + datetime.timedelta(days=1))
        return _closing(calendar, day)
    if after_cutoff:
        next_day = calendar.next_working_day(start.date() + datetime.timedelta(days=1))
        start = calendar.sessions(next_day)[0][0]
    return worktime.due_at(start, amount, UNITS[unit], calendar=calendar)


def expected_due_at(*, case, channel, agency, at=None) -> datetime.datetime | None:
    """The due moment if the dossier were accepted at `at` (default now): shown before submit."""
    return compute_due_at(
        case=case, channel=channel, received_at=at or timezone.now(), agency=agency
    )


def outcome_for(*, finished_at, due_at, unit) -> str:
    """Early / on time / late of a dossier finished at `finished_at`.

    - No due moment (resolved on the spot): `ON_SPOT_OUTCOME`.
    - Limit in days (working or calendar days): compare local dates — finished on a later date
      than the due date → late; on the due date → on time; on an earlier date → early.
    - Limit in working hours: compare moments first — finished after the due moment → late;
      otherwise on the same local date as the due moment → on time; an earlier date → early.
    `unit` is a procedures TimeUnit value (or an agencies.worktime unit name).
    """
    if due_at is None:
        return ON_SPOT_OUTCOME
    finished_day = timezone.localtime(finished_at).date()
    due_day = timezone.localtime(due_at).date()
    in_hours = unit in (TimeUnit.WORKING_HOUR, worktime.WORKING_HOURS)
    if (in_hours and finished_at > due_at) or finished_day > due_day:
        return Outcome.LATE
    if finished_day == due_day:
        return Outcome.ON_TIME
    return Outcome.EARLY
