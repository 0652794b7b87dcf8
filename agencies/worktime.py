"""Working-time arithmetic for the whole portal (domain.md §2.4, §9.2). The ONE place for it.

Calendar sources, most specific first:
  1. `CalendarException` rows of the agency, then of its parents, then nationwide rows
     (agency empty) — an exception always wins over the library;
  2. the `holidays` package for Vietnam (Tết, observed "nghỉ bù" days, substituted days and the
     make-up working Saturdays it knows about);
  3. Monday–Friday are working days, Saturday and Sunday are not.
Office hours come from `OfficeHours` rows (the agency's own or its parents', else the default),
valid on the date; one working day is the sum of the two sessions (4.5 h + 3.5 h = 8 h).

Rules for counting (all datetimes timezone-aware in settings.TIME_ZONE, results too; a naive
datetime is read as local time):
  - a moment before opening counts from opening, one during lunch from the afternoon start, one
    after closing or on a non-working day from the next working day's opening;
  - a count that ends exactly at a closing time ends there (not the next morning);
  - fractional working days are allowed (0.5 day = half of that day's office hours);
  - calendar days: the due moment is the closing time of the Nth calendar day after the (normalised)
    start date, moved to the closing time of the next working day when that day is not one.

`WorkCalendar` caches exceptions per year and the office-hours rows, so loops over many dates
(statistics, queues) run a handful of queries; pass one as `calendar=` to reuse it. Outside a
transaction every calendar reads both tables from a per-process snapshot kept until the
calendar's generation changes (core.generations: any save or delete of an exception or office
hours row replaces it), so a page that computes a due moment costs one cache read, no query.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext

from core import generations

WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
CALENDAR_DAYS = "calendar_days"
UNITS = (WORKING_DAYS, WORKING_HOURS, CALENDAR_DAYS)

# Safety net when no OfficeHours row applies (e.g. a flushed test database). The real values are
# data: migration 0003 seeds the default row and administrators edit it.
FALLBACK_HOURS = (
    datetime.time(7, 0),
    datetime.time(11, 30),
    datetime.time(13, 30),
    datetime.time(17, 0),
)
# A calendar with no working day in this many consecutive days is misconfigured.
MAX_SEARCH_DAYS = 3 * 366

SOURCE_WEEKEND = "weekend"
SOURCE_LIBRARY = "library"
SOURCE_EXCEPTION = "exception"

Number = Decimal | int | float | Fraction

# replaced on every save or delete of a CalendarException or OfficeHours row (agencies.apps)
GENERATION_KEY = "agencies:calendar:generation"


@dataclass(frozen=True)
class _Tables:
    """Every calendar exception (by year) and office-hours row."""

    exceptions: dict[int, list]
    hours: list


def _read_tables() -> _Tables:
    from .models import CalendarException, OfficeHours

    by_year: dict[int, list] = {}
    for row in CalendarException.objects.order_by("date", "pk"):
        by_year.setdefault(row.date.year, []).append(row)
    return _Tables(by_year, list(OfficeHours.objects.order_by("pk")))


_TABLES = generations.ProcessCopy(GENERATION_KEY)


def _shared_tables() -> _Tables | None:
    """This process's copy of both calendar tables (core.generations.ProcessCopy); None inside
    a transaction, whose own uncommitted rows the copy would not show: the caller then reads
    only the rows it needs."""
    if connection.in_atomic_block:
        return None
    return _TABLES.get(_read_tables)


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(dt: datetime.datetime) -> datetime.datetime:
    if not isinstance(dt, datetime.datetime):
        raise TypeError("a datetime is required")
    if dt.tzinfo is None:
        return dt.replace(tzinfo=tz())
    return dt.astimezone(tz())


def _to_fraction(n: Number) -> Fraction:
    if isinstance(n, bool):
        raise TypeError("amount must be a number")
    if isinstance(n, float | Decimal):
        try:
            value = Fraction(Decimal(str(n)) if isinstance(n, float) else n)
        except (ValueError, InvalidOperation, OverflowError) as exc:
            raise ValueError("amount must be a finite number") from exc
    elif isinstance(n, int | Fraction):
        value = Fraction(n)
    else:
        raise TypeError("amount must be a number")
    if value < 0:
        raise ValueError("amount must not be negative")
    return value


@functools.lru_cache(maxsize=64)
def _library(year: int, language: str = "vi") -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language=language)


@dataclass(frozen=True)
class DayInfo:
    date: datetime.date
    is_working: bool
    source: str  # weekend / library / exception, or "" for an ordinary weekday
    name: str = ""
    decision: str = ""


@dataclass(frozen=True)
class Hours:
    morning_start: datetime.time
    morning_end: datetime.time
    afternoon_start: datetime.time
    afternoon_end: datetime.time

    @property
    def day_length(self) -> datetime.timedelta:
        day = datetime.date(2000, 1, 1)

        def span(a, b):
            return datetime.datetime.combine(day, b) - datetime.datetime.combine(day, a)

        return span(self.morning_start, self.morning_end) + span(
            self.afternoon_start, self.afternoon_end
        )


class WorkCalendar:
    """The working calendar of one agency (or the nationwide default when agency is None)."""

    def __init__(self, agency=None):
        self.agency = agency
        self._chain: list[int] | None = None  # agency ids, most specific first
        self._exceptions: dict[int, dict[datetime.date, object]] = {}
        self._hours_rows: list | None = None
        self._hours_cache: dict[datetime.date, Hours] = {}
        self._tables: _Tables | bool | None = False  # False: not looked up yet

    def _shared(self) -> _Tables | None:
        """The process snapshot (checked once per calendar), or None: query the tables."""
        if self._tables is False:
            self._tables = _shared_tables()
        return self._tables

    # --- data loading ------------------------------------------------------------------
    def _agency_chain(self) -> list[int]:
        if self._chain is None:
            from .models import Agency
            from .selectors import registry_copy

            # the parents from the process's copy of the registry (a query per level inside a
            # transaction, or for a parent the copy does not hold yet)
            registry = registry_copy() or {}
            chain: list[int] = []
            current = self.agency
            while current is not None and current.pk not in chain and len(chain) < 20:
                chain.append(current.pk)
                parent_id = current.parent_id
                if parent_id is None:
                    break
                current = registry.get(parent_id) or (
                    Agency.objects.only("pk", "parent_id").get(pk=parent_id)
                )
            self._chain = chain
        return self._chain

    def _rank(self, agency_id: int | None) -> int:
        """Lower is more specific: the agency itself 0, its parent 1, ..., nationwide last."""
        chain = self._agency_chain()
        return chain.index(agency_id) if agency_id in chain else len(chain)

    def _exceptions_for_year(self, year: int) -> dict[datetime.date, object]:
        if year not in self._exceptions:
            from .models import CalendarException

            chain = self._agency_chain()
            tables = self._shared()
            if tables is not None:
                rows = [
                    row
                    for row in tables.exceptions.get(year, ())
                    if row.agency_id is None or row.agency_id in chain
                ]
            else:
                rows = CalendarException.objects.filter(date__year=year).filter(
                    Q(agency__isnull=True) | Q(agency_id__in=chain)
                )
            best: dict[datetime.date, object] = {}
            for row in rows:
                held = best.get(row.date)
                if held is None or self._rank(row.agency_id) < self._rank(held.agency_id):
                    best[row.date] = row
            self._exceptions[year] = best
        return self._exceptions[year]

    def hours(self, day: datetime.date) -> Hours:
        if day not in self._hours_cache:
            if self._hours_rows is None:
                from .models import OfficeHours

                chain = self._agency_chain()
                tables = self._shared()
                if tables is not None:
                    self._hours_rows = [
                        row
                        for row in tables.hours
                        if row.agency_id is None or row.agency_id in chain
                    ]
                else:
                    self._hours_rows = list(
                        OfficeHours.objects.filter(Q(agency__isnull=True) | Q(agency_id__in=chain))
                    )
            candidates = [
                row
                for row in self._hours_rows
                if row.valid_from <= day and (row.valid_to is None or row.valid_to >= day)
            ]
            if candidates:
                row = min(
                    candidates, key=lambda r: (self._rank(r.agency_id), -r.valid_from.toordinal())
                )
                value = Hours(
                    row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end
                )
            else:
                value = Hours(*FALLBACK_HOURS)
            self._hours_cache[day] = value
        return self._hours_cache[day]

    # --- days ----------------------------------------------------------------------------
    def day_info(self, day: datetime.date, *, language: str = "vi") -> DayInfo:
        exception = self._exceptions_for_year(day.year).get(day)
        if exception is not None:
            return DayInfo(
                day,
                exception.kind == exception.Kind.WORKING_DAY,
                SOURCE_EXCEPTION,
                exception.name,
                exception.decision,
            )
        library = _library(day.year, language)
        if day in library:
            return DayInfo(day, False, SOURCE_LIBRARY, library.get(day))
        if day.weekday() >= 5:
            if day in library.weekend_workdays:
                return DayInfo(day, True, SOURCE_LIBRARY, gettext("Ngày làm bù"))
            return DayInfo(day, False, SOURCE_WEEKEND)
        return DayInfo(day, True, "")

    def is_working_day(self, day: datetime.date) -> bool:
        return self.day_info(day).is_working

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """`day` itself when it is a working day, else the next one."""
        for _step in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += datetime.timedelta(days=1)
        raise ValueError("no working day found: check the calendar exceptions")

    def sessions(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The office sessions of `day` as aware datetimes ([] on a non-working day)."""
        if not self.is_working_day(day):
            return []
        h = self.hours(day)
        zone = tz()
        return [
            (
                datetime.datetime.combine(day, h.morning_start, tzinfo=zone),
                datetime.datetime.combine(day, h.morning_end, tzinfo=zone),
            ),
            (
                datetime.datetime.combine(day, h.afternoon_start, tzinfo=zone),
                datetime.datetime.combine(day, h.afternoon_end, tzinfo=zone),
            ),
        ]

    def _sessions_from(
        self, start: datetime.datetime
    ) -> Iterator[tuple[datetime.datetime, datetime.datetime, datetime.timedelta]]:
        """Remaining (begin, end, day length) of sessions from `start` on, in order."""
        day = start.date()
        idle = 0
        while True:
            found = False
            for begin, end in self.sessions(day):
                found = True
                if end <= start:
                    continue
                yield max(begin, start), end, self.hours(day).day_length
            idle = 0 if found else idle + 1
            if idle > MAX_SEARCH_DAYS:
                raise ValueError("no working day found: check the calendar exceptions")
            day += datetime.timedelta(days=1)

    # --- moments -------------------------------------------------------------------------
    def next_working_moment(self, dt: datetime.datetime) -> datetime.datetime:
        """`dt` when inside office hours, else the next opening (closing time counts as out)."""
        dt = _local(dt)
        for begin, _end, _length in self._sessions_from(dt):
            return begin
        raise AssertionError("unreachable")  # pragma: no cover

    def _in_session(self, dt: datetime.datetime) -> bool:
        """Inside a session, closing time included (so a count may rest at 11:30 or 17:00)."""
        return any(begin <= dt <= end for begin, end in self.sessions(dt.date()))

    def add_working_days(self, start: datetime.datetime, n: Number) -> datetime.datetime:
        return self._add(start, _to_fraction(n), in_days=True)

    def add_working_hours(self, start: datetime.datetime, n: Number) -> datetime.datetime:
        return self._add(start, _to_fraction(n), in_days=False)

    def _add(self, start: datetime.datetime, amount: Fraction, *, in_days: bool):
        start = _local(start)
        if amount == 0:
            return start if self._in_session(start) else self.next_working_moment(start)
        # Work in microseconds of office time; a day's weight is its own office-hours length.
        one_hour = 3600 * 10**6
        remaining = amount  # days or hours
        for begin, end, day_length in self._sessions_from(start):
            length_us = _microseconds(end - begin)
            if length_us == 0:
                continue
            unit_us = _microseconds(day_length) if in_days else one_hour
            available = Fraction(length_us, unit_us)
            if remaining <= available:
                offset = round(remaining * unit_us)
                return begin + datetime.timedelta(microseconds=offset)
            remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover

    def add_calendar_days(self, start: datetime.datetime, n: Number) -> datetime.datetime:
        amount = _to_fraction(n)
        if amount.denominator != 1:
            raise ValueError("calendar days must be a whole number")
        received = self.next_working_moment(start).date()
        day = self.next_working_day(received + datetime.timedelta(days=int(amount)))
        return datetime.datetime.combine(day, self.hours(day).afternoon_end, tzinfo=tz())

    def working_time_between(
        self, a: datetime.datetime, b: datetime.datetime
    ) -> datetime.timedelta:
        a, b = _local(a), _local(b)
        if b < a:
            return -self.working_time_between(b, a)
        total = datetime.timedelta()
        day = a.date()
        while day <= b.date():
            for begin, end in self.sessions(day):
                lo, hi = max(begin, a), min(end, b)
                if hi > lo:
                    total += hi - lo
            day += datetime.timedelta(days=1)
        return total

    def non_working_days(self, year: int, *, language: str = "vi") -> list[DayInfo]:
        """Every day of `year` that differs from an ordinary week: holidays and exceptions
        (days off and make-up working days). Plain weekends are left out."""
        day = datetime.date(year, 1, 1)
        out = []
        while day.year == year:
            info = self.day_info(day, language=language)
            if info.source in (SOURCE_LIBRARY, SOURCE_EXCEPTION):
                out.append(info)
            day += datetime.timedelta(days=1)
        return out


def _microseconds(delta: datetime.timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 10**6 + delta.microseconds


# --- the module-level API every app uses ---------------------------------------------------------
def _calendar(agency, calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else WorkCalendar(agency)


def is_working_day(day: datetime.date, *, agency=None, calendar=None) -> bool:
    if isinstance(day, datetime.datetime):
        day = _local(day).date()
    return _calendar(agency, calendar).is_working_day(day)


def next_working_moment(dt: datetime.datetime, *, agency=None, calendar=None) -> datetime.datetime:
    return _calendar(agency, calendar).next_working_moment(dt)


def add_working_days(
    start: datetime.datetime, n: Number, *, agency=None, calendar=None
) -> datetime.datetime:
    return _calendar(agency, calendar).add_working_days(start, n)


def add_working_hours(
    start: datetime.datetime, n: Number, *, agency=None, calendar=None
) -> datetime.datetime:
    return _calendar(agency, calendar).add_working_hours(start, n)


def add_calendar_days(
    start: datetime.datetime, n: Number, *, agency=None, calendar=None
) -> datetime.datetime:
    return _calendar(agency, calendar).add_calendar_days(start, n)


def due_at(
    start: datetime.datetime, amount: Number, unit: str, *, agency=None, calendar=None
) -> datetime.datetime:
    """The due moment of a time limit `amount` `unit` counted from `start`."""
    functions = {
        WORKING_DAYS: add_working_days,
        WORKING_HOURS: add_working_hours,
        CALENDAR_DAYS: add_calendar_days,
    }
    if unit not in functions:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    return functions[unit](start, amount, agency=agency, calendar=calendar)


def working_time_between(
    a: datetime.datetime, b: datetime.datetime, *, agency=None, calendar=None
) -> datetime.timedelta:
    """Office time between two moments (negative when b < a); for pauses and statistics."""
    return _calendar(agency, calendar).working_time_between(a, b)
