import datetime

import factory

from agencies.models import CalendarException, OfficeHours


class CalendarExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarException

    date = datetime.date(2026, 3, 7)
    kind = CalendarException.Kind.WORKING_DAY
    name = "Làm bù (kiểm thử)"
    decision = "Văn bản kiểm thử"
    agency = None


class OfficeHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeHours

    agency = None
    valid_from = datetime.date(2020, 1, 1)
