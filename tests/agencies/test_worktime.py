import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from agencies import worktime
from agencies.models import CalendarException, OfficeHours
from tests.factories import AgencyFactory

from .factories import CalendarExceptionFactory, OfficeHoursFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=VN)


# --- the examples of the brief ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        ("2026-02-13 16:30", 5, "working_days", "2026-02-27T16:30:00+07:00"),
        ("2026-03-02 10:00", 4, "working_hours", "2026-03-02T16:00:00+07:00"),
        ("2026-03-02 17:30", 1, "working_days", "2026-03-03T17:00:00+07:00"),
        ("2026-04-24 09:00", 2, "calendar_days", "2026-04-28T17:00:00+07:00"),
    ],
)
def test_brief_examples(start, amount, unit, expected):
    assert worktime.due_at(at(start), amount, unit).isoformat() == expected


def test_default_office_hours_row_is_seeded_by_migration():
    row = OfficeHours.objects.get(agency=None)
    assert row.working_day_length == datetime.timedelta(hours=8)


# --- calendar -----------------------------------------------------------------------------------
def test_tet_2026_is_five_days_off_and_weekends_around_it():
    for day in range(16, 21):
        assert not worktime.is_working_day(datetime.date(2026, 2, day))
    assert worktime.is_working_day(datetime.date(2026, 2, 13))
    assert worktime.is_working_day(datetime.date(2026, 2, 23))
    # Friday 13 Feb 10:00 + 1 working day lands on Monday 23 Feb 10:00 (Tết + two weekends).
    assert worktime.add_working_days(at("2026-02-13 10:00"), 1) == at("2026-02-23 10:00")


def test_library_swap_makes_saturday_22_august_2026_a_working_day():
    assert worktime.is_working_day(datetime.date(2026, 8, 22))
    assert not worktime.is_working_day(datetime.date(2026, 8, 31))


def test_make_up_saturday_exception_counts_as_working_day():
    saturday = datetime.date(2026, 3, 7)
    assert not worktime.is_working_day(saturday)
    assert worktime.add_working_days(at("2026-03-06 09:00"), 1) == at("2026-03-09 09:00")
    CalendarExceptionFactory(date=saturday, kind=CalendarException.Kind.WORKING_DAY)
    assert worktime.is_working_day(saturday)
    assert worktime.add_working_days(at("2026-03-06 09:00"), 1) == at("2026-03-07 09:00")


def test_extra_day_off_exception_is_skipped():
    CalendarExceptionFactory(
        date=datetime.date(2026, 3, 3), kind=CalendarException.Kind.DAY_OFF, name="Nghỉ thêm"
    )
    assert worktime.add_working_days(at("2026-03-02 09:00"), 1) == at("2026-03-04 09:00")


def test_exception_wins_over_library_holiday():
    CalendarExceptionFactory(
        date=datetime.date(2026, 11, 24), kind=CalendarException.Kind.WORKING_DAY, name="Đi làm"
    )
    assert worktime.is_working_day(datetime.date(2026, 11, 24))


def test_agency_exception_applies_to_the_agency_and_its_units_only():
    city = AgencyFactory()
    department = AgencyFactory(parent=city)
    other = AgencyFactory()
    CalendarExceptionFactory(
        date=datetime.date(2026, 3, 3), kind=CalendarException.Kind.DAY_OFF, agency=city
    )
    day = datetime.date(2026, 3, 3)
    assert not worktime.is_working_day(day, agency=city)
    assert not worktime.is_working_day(day, agency=department)
    assert worktime.is_working_day(day, agency=other)
    assert worktime.is_working_day(day)


@pytest.mark.django_db(transaction=True)
def test_the_parents_come_from_the_registry_copy_outside_a_transaction(
    django_assert_max_num_queries,
):
    city = AgencyFactory()
    department = AgencyFactory(parent=city)
    division = AgencyFactory(parent=department)
    day = datetime.date(2026, 3, 3)
    CalendarExceptionFactory(date=day, kind=CalendarException.Kind.DAY_OFF, agency=city)
    assert not worktime.WorkCalendar(division).is_working_day(day)  # copies built
    with django_assert_max_num_queries(0):
        assert worktime.WorkCalendar(division)._agency_chain() == [
            division.pk,
            department.pk,
            city.pk,
        ]
    department.parent = None  # moved: the registry copy follows its generation
    department.save()
    assert worktime.WorkCalendar(division).is_working_day(day)


def test_agency_exception_wins_over_nationwide_exception():
    agency = AgencyFactory()
    day = datetime.date(2026, 3, 3)
    CalendarExceptionFactory(date=day, kind=CalendarException.Kind.DAY_OFF)
    CalendarExceptionFactory(date=day, kind=CalendarException.Kind.WORKING_DAY, agency=agency)
    assert not worktime.is_working_day(day)
    assert worktime.is_working_day(day, agency=agency)


# --- moments ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-03-02 06:00", "2026-03-02 08:00"),  # before opening: from 07:00
        ("2026-03-02 12:00", "2026-03-02 14:30"),  # lunch: from 13:30
        ("2026-03-02 11:30", "2026-03-02 14:30"),  # at the end of the morning
        ("2026-03-02 18:00", "2026-03-03 08:00"),  # after closing: next morning
        ("2026-03-02 17:00", "2026-03-03 08:00"),  # at closing: next morning
        ("2026-03-07 10:00", "2026-03-09 08:00"),  # Saturday: Monday morning
        ("2026-03-02 11:00", "2026-03-02 14:00"),  # across lunch
    ],
)
def test_one_hour_from_various_moments(start, expected):
    assert worktime.add_working_hours(at(start), 1) == at(expected)


def test_count_ending_exactly_at_closing_time_stays_there():
    assert worktime.add_working_hours(at("2026-03-02 13:30"), Decimal("3.5")) == at(
        "2026-03-02 17:00"
    )
    assert worktime.add_working_hours(at("2026-03-02 07:00"), Decimal("4.5")) == at(
        "2026-03-02 11:30"
    )
    assert worktime.add_working_days(at("2026-03-02 07:00"), 1) == at("2026-03-02 17:00")
    assert worktime.add_working_days(at("2026-03-02 07:00"), 2) == at("2026-03-03 17:00")


def test_fractional_days():
    start = at("2026-03-02 07:00")
    # 0.5 day = 4 working hours.
    assert worktime.add_working_days(start, Decimal("0.5")) == at("2026-03-02 11:00")
    assert worktime.add_working_days(start, 0.25) == at("2026-03-02 09:00")
    assert worktime.add_working_days(start, Decimal("1.5")) == at("2026-03-03 11:00")
    assert worktime.add_working_days(at("2026-03-02 14:00"), Decimal("0.5")) == at(
        "2026-03-03 08:00"
    )


def test_zero_amount_normalises_only_outside_office_hours():
    assert worktime.add_working_hours(at("2026-03-02 10:00"), 0) == at("2026-03-02 10:00")
    assert worktime.add_working_hours(at("2026-03-02 12:00"), 0) == at("2026-03-02 13:30")
    assert worktime.next_working_moment(at("2026-03-02 17:00")) == at("2026-03-03 07:00")
    assert worktime.next_working_moment(at("2026-03-02 10:00")) == at("2026-03-02 10:00")


def test_calendar_days_move_off_non_working_day_and_count_from_reception():
    # Friday + 1 calendar day = Saturday → Monday closing.
    assert worktime.add_calendar_days(at("2026-03-06 09:00"), 1) == at("2026-03-09 17:00")
    # Received on Saturday: counted from Monday.
    assert worktime.add_calendar_days(at("2026-03-07 09:00"), 1) == at("2026-03-10 17:00")
    with pytest.raises(ValueError):
        worktime.add_calendar_days(at("2026-03-06 09:00"), Decimal("1.5"))


def test_results_are_aware_in_local_time_and_utc_input_is_converted():
    start_utc = datetime.datetime(2026, 3, 2, 3, 0, tzinfo=datetime.UTC)  # 10:00 local
    due = worktime.add_working_hours(start_utc, 4)
    assert due.utcoffset() == datetime.timedelta(hours=7)
    assert due == at("2026-03-02 16:00")
    naive = datetime.datetime(2026, 3, 2, 10, 0)
    assert worktime.add_working_hours(naive, 4) == at("2026-03-02 16:00")


@pytest.mark.parametrize("amount", [-1, Decimal("-0.5"), float("nan"), Decimal("Infinity")])
def test_bad_amounts_are_rejected(amount):
    with pytest.raises((ValueError, TypeError)):
        worktime.add_working_hours(at("2026-03-02 10:00"), amount)


def test_unknown_unit_is_rejected():
    with pytest.raises(ValueError):
        worktime.due_at(at("2026-03-02 10:00"), 1, "weeks")


# --- office hours override ------------------------------------------------------------------------
def test_agency_office_hours_override():
    agency = AgencyFactory()
    OfficeHoursFactory(
        agency=agency,
        morning_start=datetime.time(7, 30),
        morning_end=datetime.time(11, 30),
        afternoon_start=datetime.time(13, 0),
        afternoon_end=datetime.time(17, 0),
    )
    # 8 h day for this agency: 4 h + 4 h.
    assert worktime.add_working_hours(at("2026-03-02 07:00"), 1, agency=agency) == at(
        "2026-03-02 08:30"
    )
    assert worktime.add_working_days(at("2026-03-02 07:00"), Decimal("0.5"), agency=agency) == at(
        "2026-03-02 11:30"
    )
    assert worktime.add_working_hours(at("2026-03-02 12:00"), 1, agency=agency) == at(
        "2026-03-02 14:00"
    )
    # Everyone else keeps the default.
    assert worktime.add_working_hours(at("2026-03-02 07:00"), 1) == at("2026-03-02 08:00")


def test_shorter_agency_day_makes_one_working_day_its_own_length():
    agency = AgencyFactory()
    OfficeHoursFactory(
        agency=agency,
        morning_start=datetime.time(8, 0),
        morning_end=datetime.time(11, 0),
        afternoon_start=datetime.time(14, 0),
        afternoon_end=datetime.time(17, 0),
    )
    assert worktime.add_working_days(at("2026-03-02 08:00"), Decimal("0.5"), agency=agency) == at(
        "2026-03-02 11:00"
    )


def test_edited_default_office_hours_apply_from_their_validity():
    OfficeHoursFactory(
        valid_from=datetime.date(2026, 6, 1),
        morning_start=datetime.time(7, 30),
        morning_end=datetime.time(11, 30),
        afternoon_start=datetime.time(13, 0),
        afternoon_end=datetime.time(17, 0),
    )
    assert worktime.next_working_moment(at("2026-05-29 06:00")) == at("2026-05-29 07:00")
    assert worktime.next_working_moment(at("2026-06-01 06:00")) == at("2026-06-01 07:30")


# --- working time between -----------------------------------------------------------------------
def test_working_time_between_across_lunch_and_weekend():
    # Friday 10:00 → Monday 14:00: Friday 1.5 + 3.5 = 5 h, Monday 4.5 + 0.5 = 5 h.
    assert worktime.working_time_between(
        at("2026-03-06 10:00"), at("2026-03-09 14:00")
    ) == datetime.timedelta(hours=10)
    assert worktime.working_time_between(
        at("2026-03-02 11:00"), at("2026-03-02 14:00")
    ) == datetime.timedelta(hours=1)
    assert worktime.working_time_between(
        at("2026-03-02 14:00"), at("2026-03-02 11:00")
    ) == datetime.timedelta(hours=-1)
    assert worktime.working_time_between(
        at("2026-03-07 08:00"), at("2026-03-08 16:00")
    ) == datetime.timedelta(0)


def test_calendar_object_runs_constant_queries_over_long_loops(django_assert_max_num_queries):
    calendar = worktime.WorkCalendar()
    with django_assert_max_num_queries(3):
        for day in range(300):
            start = at("2026-01-05 08:00") + datetime.timedelta(days=day)
            worktime.add_working_days(start, 10, calendar=calendar)


def test_non_working_days_lists_sources():
    CalendarExceptionFactory(date=datetime.date(2026, 3, 7), decision="QĐ kiểm thử")
    days = {d.date: d for d in worktime.WorkCalendar().non_working_days(2026)}
    assert days[datetime.date(2026, 2, 17)].source == worktime.SOURCE_LIBRARY
    assert not days[datetime.date(2026, 2, 17)].is_working
    assert days[datetime.date(2026, 3, 7)].source == worktime.SOURCE_EXCEPTION
    assert days[datetime.date(2026, 3, 7)].is_working
    assert days[datetime.date(2026, 8, 22)].is_working
    assert datetime.date(2026, 3, 14) not in days  # a plain Saturday


# --- properties ---------------------------------------------------------------------------------
FIRST_DAY = datetime.date(2025, 12, 1)


@st.composite
def office_moments(draw):
    """A moment inside default office hours on a working day of Dec 2025 – 2027."""
    calendar = worktime.WorkCalendar()
    day = FIRST_DAY + datetime.timedelta(days=draw(st.integers(0, 760)))
    day = calendar.next_working_day(day)
    minute = draw(st.integers(0, 8 * 60 - 1))
    base = datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=VN)
    if minute >= 270:
        base = datetime.datetime.combine(day, datetime.time(13, 30), tzinfo=VN)
        minute -= 270
    return base + datetime.timedelta(minutes=minute)


HOURS = st.decimals(min_value=0, max_value=120, places=2)
PROPERTY_SETTINGS = hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(start=office_moments(), a=HOURS, b=HOURS)
def test_adding_hours_is_additive(start, a, b):
    calendar = worktime.WorkCalendar()
    once = worktime.add_working_hours(start, a + b, calendar=calendar)
    twice = worktime.add_working_hours(
        worktime.add_working_hours(start, a, calendar=calendar), b, calendar=calendar
    )
    assert once == twice


@PROPERTY_SETTINGS
@given(start=office_moments(), h=HOURS)
def test_working_time_between_inverts_adding_hours(start, h):
    calendar = worktime.WorkCalendar()
    due = worktime.add_working_hours(start, h, calendar=calendar)
    assert due >= start
    assert worktime.working_time_between(start, due, calendar=calendar) == datetime.timedelta(
        hours=float(h)
    )


@PROPERTY_SETTINGS
@given(start=office_moments(), days=st.decimals(min_value=0, max_value=30, places=2))
def test_a_working_day_is_eight_office_hours(start, days):
    calendar = worktime.WorkCalendar()
    assert worktime.add_working_days(start, days, calendar=calendar) == worktime.add_working_hours(
        start, days * 8, calendar=calendar
    )


@PROPERTY_SETTINGS
@given(start=office_moments(), h=st.decimals(min_value=Decimal("0.01"), max_value=120, places=2))
def test_due_moment_is_inside_office_hours(start, h):
    calendar = worktime.WorkCalendar()
    due = worktime.add_working_hours(start, h, calendar=calendar)
    assert calendar.is_working_day(due.date())
    t = due.timetz().replace(tzinfo=None)
    assert datetime.time(7, 0) < t <= datetime.time(11, 30) or (
        datetime.time(13, 30) < t <= datetime.time(17, 0)
    )
