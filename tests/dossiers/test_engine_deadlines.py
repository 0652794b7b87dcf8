"""Due moments (working days across Tết 2026, lunch, after hours, same-day cutoff, calendar days,
hours) and the early / on-time / late rule."""

import datetime
from decimal import Decimal

import pytest

from dossiers import deadlines
from dossiers.models import Channel, Outcome
from tests.dossiers.factories import ProcedureCaseFactory
from tests.factories import AgencyFactory

from .engine_helpers import local

pytestmark = pytest.mark.django_db


def due(case, received, channel=Channel.IN_PERSON):
    return deadlines.compute_due_at(
        case=case, channel=channel, received_at=received, agency=AgencyFactory()
    )


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # ordinary: 3 working days later at the same time
        (local(2026, 3, 16, 9, 0), local(2026, 3, 19, 9, 0)),
        # across Tết 2026 (16–20/02 off, plus both weekends): Thu 12/02 10:00 → Tue 24/02 10:00
        (local(2026, 2, 12, 10, 0), local(2026, 2, 24, 10, 0)),
        # during lunch: counts from 13:30 (a count ending at a closing time stays there)
        (local(2026, 3, 16, 12, 15), local(2026, 3, 19, 11, 30)),
        # after hours: counts from the next morning, three full days
        (local(2026, 3, 16, 18, 0), local(2026, 3, 19, 17, 0)),
        # on a Saturday: from Monday's opening
        (local(2026, 3, 14, 10, 0), local(2026, 3, 18, 17, 0)),
    ],
)
def test_working_days(received, expected):
    case = ProcedureCaseFactory(time_value=Decimal("3"), time_unit="working_day")
    assert due(case, received) == expected


def test_half_day_and_hours():
    half = ProcedureCaseFactory(time_value=Decimal("0.5"), time_unit="working_day")
    # 4 office hours from 10:00: 1.5 h before lunch, 2.5 h after → 16:00
    assert due(half, local(2026, 3, 16, 10, 0)) == local(2026, 3, 16, 16, 0)
    hours = ProcedureCaseFactory(time_value=Decimal("4"), time_unit="working_hour")
    assert due(hours, local(2026, 3, 16, 16, 0)) == local(2026, 3, 17, 10, 0)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (local(2026, 3, 16, 14, 59), local(2026, 3, 16, 17, 0)),
        (local(2026, 3, 16, 15, 0), local(2026, 3, 16, 17, 0)),
        (local(2026, 3, 16, 15, 1), local(2026, 3, 17, 17, 0)),
        (local(2026, 3, 20, 16, 0), local(2026, 3, 23, 17, 0)),  # Friday after cutoff → Monday
        (local(2026, 3, 16, 6, 0), local(2026, 3, 16, 17, 0)),  # before opening
        (local(2026, 3, 16, 17, 30), local(2026, 3, 17, 17, 0)),  # after closing
        (local(2026, 2, 13, 15, 30), local(2026, 2, 23, 17, 0)),  # after cutoff before Tết
    ],
)
def test_same_day_cutoff(received, expected):
    case = ProcedureCaseFactory(
        time_value=Decimal("0"), time_unit="working_day", same_day_cutoff=datetime.time(15, 0)
    )
    assert due(case, received) == expected


def test_same_day_without_cutoff_is_closing_of_that_day():
    case = ProcedureCaseFactory(time_value=Decimal("0"), time_unit="working_day")
    assert due(case, local(2026, 3, 16, 16, 30)) == local(2026, 3, 16, 17, 0)


def test_cutoff_with_multi_day_limit_starts_next_working_day():
    case = ProcedureCaseFactory(
        time_value=Decimal("1"), time_unit="working_day", same_day_cutoff=datetime.time(15, 0)
    )
    assert due(case, local(2026, 3, 16, 10, 0)) == local(2026, 3, 17, 10, 0)
    assert due(case, local(2026, 3, 16, 16, 0)) == local(2026, 3, 17, 17, 0)


def test_calendar_days():
    case = ProcedureCaseFactory(time_value=Decimal("5"), time_unit="calendar_day")
    # Wed 18/03 + 5 days = Mon 23/03, closing time
    assert due(case, local(2026, 3, 18, 9, 0)) == local(2026, 3, 23, 17, 0)
    # Mon 16/03 + 5 = Sat 21/03 → moved to Mon 23/03 closing
    assert due(case, local(2026, 3, 16, 9, 0)) == local(2026, 3, 23, 17, 0)
    # holidays are counted but the due day moves off them: Wed 11/02 + 5 = Mon 16/02 (Tết) → 23/02
    assert due(case, local(2026, 2, 11, 9, 0)) == local(2026, 2, 23, 17, 0)


def test_channel_override_and_resolved_on_spot():
    case = ProcedureCaseFactory(
        time_value=Decimal("5"),
        time_unit="working_day",
        online_time_value=Decimal("2"),
        online_time_unit="working_day",
        post_time_value=Decimal("8"),
        post_time_unit="working_hour",
    )
    start = local(2026, 3, 16, 9, 0)
    assert due(case, start) == local(2026, 3, 23, 9, 0)
    assert due(case, start, Channel.ONLINE) == local(2026, 3, 18, 9, 0)
    assert due(case, start, Channel.POST) == local(2026, 3, 17, 9, 0)
    on_spot = ProcedureCaseFactory(resolved_on_spot=True)
    assert due(on_spot, start) is None
    expected = deadlines.expected_due_at(
        case=case, channel=Channel.ONLINE, agency=AgencyFactory(), at=start
    )
    assert expected == local(2026, 3, 18, 9, 0)


@pytest.mark.parametrize(
    ("finished", "due_at", "unit", "outcome"),
    [
        # by date when the limit is in days
        (local(2026, 3, 19, 16, 0), local(2026, 3, 19, 9, 0), "working_day", Outcome.ON_TIME),
        (local(2026, 3, 19, 8, 0), local(2026, 3, 19, 9, 0), "working_day", Outcome.ON_TIME),
        (local(2026, 3, 18, 16, 0), local(2026, 3, 19, 9, 0), "working_day", Outcome.EARLY),
        (local(2026, 3, 20, 7, 0), local(2026, 3, 19, 17, 0), "calendar_day", Outcome.LATE),
        # by moment when the limit is in hours
        (local(2026, 3, 19, 9, 1), local(2026, 3, 19, 9, 0), "working_hour", Outcome.LATE),
        (local(2026, 3, 19, 9, 0), local(2026, 3, 19, 9, 0), "working_hour", Outcome.ON_TIME),
        (local(2026, 3, 19, 7, 0), local(2026, 3, 19, 9, 0), "working_hour", Outcome.ON_TIME),
        (local(2026, 3, 18, 16, 0), local(2026, 3, 19, 9, 0), "working_hour", Outcome.EARLY),
    ],
)
def test_outcome(finished, due_at, unit, outcome):
    assert deadlines.outcome_for(finished_at=finished, due_at=due_at, unit=unit) == outcome


def test_outcome_without_due_moment_is_the_on_spot_constant():
    result = deadlines.outcome_for(finished_at=local(2026, 3, 19), due_at=None, unit="working_day")
    assert result == deadlines.ON_SPOT_OUTCOME == Outcome.ON_TIME
