"""The per-process snapshot of the calendar tables (agencies.worktime._shared_tables)."""

import datetime

import pytest
from django.db import transaction

from agencies import worktime
from agencies.models import CalendarException, OfficeHours
from tests.factories import AgencyFactory

from .factories import CalendarExceptionFactory, OfficeHoursFactory

DAY = datetime.date(2026, 3, 9)  # an ordinary Monday


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_calendars_share_one_snapshot_until_a_change(
    django_assert_num_queries,
):
    assert worktime.is_working_day(DAY)  # builds the snapshot
    with django_assert_num_queries(0):
        assert worktime.WorkCalendar().is_working_day(DAY)
        assert worktime.WorkCalendar().hours(DAY).day_length == datetime.timedelta(hours=8)

    # a saved exception reaches the next calendar at once (the generation was replaced)
    day_off = CalendarExceptionFactory(date=DAY, kind=CalendarException.Kind.DAY_OFF)
    assert not worktime.is_working_day(DAY)
    # (a transactional test may run after another one flushed the migration's default row)
    row = OfficeHours.objects.filter(agency=None).first() or OfficeHoursFactory()
    row.afternoon_end = datetime.time(16, 30)
    row.save()
    assert worktime.WorkCalendar().hours(DAY).day_length == datetime.timedelta(hours=7, minutes=30)
    day_off.delete()
    assert worktime.is_working_day(DAY)


@pytest.mark.django_db(transaction=True)
def test_agency_rows_apply_to_that_agency_only():
    agency, other = AgencyFactory(), AgencyFactory()
    CalendarExceptionFactory(date=DAY, kind=CalendarException.Kind.DAY_OFF, agency=agency)
    assert not worktime.is_working_day(DAY, agency=agency)
    assert worktime.is_working_day(DAY, agency=other)
    assert worktime.is_working_day(DAY)


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_its_own_rows_are_read_not_the_snapshot():
    assert worktime.is_working_day(DAY)
    with transaction.atomic():
        CalendarException.objects.bulk_create(  # no signal: only a fresh read can see it
            [CalendarException(date=DAY, kind=CalendarException.Kind.DAY_OFF, name="Nghỉ")]
        )
        assert not worktime.is_working_day(DAY)
        transaction.set_rollback(True)
    assert worktime.is_working_day(DAY)


@pytest.mark.django_db(transaction=True)
def test_without_the_cache_nothing_is_reused(settings):
    """Redis down: each read gets a fresh generation, so even a bulk write shows at once."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert worktime.is_working_day(DAY)
    CalendarException.objects.bulk_create(
        [CalendarException(date=DAY, kind=CalendarException.Kind.DAY_OFF, name="Nghỉ")]
    )
    assert not worktime.is_working_day(DAY)
