"""dossiers.demo: a realistic, consistent, repeatable demo year, seeded fast and only once."""

import datetime
import re
import time
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import demo as accounts_demo
from agencies import demo as agencies_demo
from agencies.models import Agency
from dossiers import codes, demo
from dossiers.models import (
    CLOSED_STATUSES,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    Status,
    SupplementRequest,
)
from dossiers.statistics import compute, period_bounds
from procedures import demo as procedures_demo

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture
def seeded(time_machine, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    time_machine.move_to(NOW, tick=False)
    agencies_demo.seed()
    accounts_demo.seed()
    procedures_demo.seed()
    started = time.monotonic()
    demo.seed()
    return time.monotonic() - started


def test_seed_is_fast_and_idempotent(seeded):
    assert seeded < 30
    count = Dossier.objects.count()
    events = DossierEvent.objects.count()
    assert 1400 <= count <= 1600
    demo.seed()  # a second run changes nothing
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (count, events)


def test_demo_year_is_consistent(seeded):
    dossiers = list(Dossier.objects.select_related("receiving_unit"))
    assert all(d.external_code.startswith("DEMO-") for d in dossiers)
    statuses = Counter(d.status for d in dossiers)
    for status in (Status.SUBMITTED, Status.REFUSED, Status.PROCESSING, Status.WITHDRAWN,
                   Status.STOPPED, Status.FINISHED, Status.RETURNED, Status.WAITING_SUPPLEMENT):  # fmt: skip
        assert statuses[status] > 0, status
    assert Counter(d.channel for d in dossiers).keys() == {1, 2, 3}
    assert Counter(d.outcome for d in dossiers)["late"] > 0
    for d in dossiers:
        assert re.fullmatch(rf"{re.escape(d.receiving_unit.electronic_id)}-\d{{6}}-\d{{4}}", d.code)
        assert d.code[-11:-5] == timezone.localtime(d.submitted_at).strftime("%y%m%d")
        assert (d.closed_at is not None) == (d.status in CLOSED_STATUSES)
        if d.received_at and not d.resolved_on_spot:
            assert d.due_at is not None and d.due_at > d.received_at
        if d.finished_at:
            assert d.received_at <= d.finished_at <= (d.returned_at or d.finished_at)
            assert d.outcome
        assert d.submitted_at <= timezone.now()
    last_status = {}
    for event in DossierEvent.objects.exclude(to_status=None).order_by("at", "pk"):
        last_status[event.dossier_id] = event.to_status
    assert all(last_status[d.pk] == d.status for d in dossiers)
    # the code counters continue after the demo: a real submission never collides
    by_key = Counter()
    for d in dossiers:
        by_key[(d.receiving_unit_id, timezone.localtime(d.submitted_at).date())] += 1
    for (unit_id, day), used in by_key.items():
        assert DossierCodeCounter.objects.get(unit_id=unit_id, day=day).last == used
    busiest_unit, busiest_day = by_key.most_common(1)[0][0]
    moment = timezone.make_aware(datetime.datetime.combine(busiest_day, datetime.time(16, 59)))
    with transaction.atomic():
        code = codes.allocate_code(unit=Agency.objects.get(pk=busiest_unit), at=moment)
    assert not Dossier.objects.filter(code=code).exists()
    # open supplement requests are exactly the dossiers waiting for one
    open_requests = set(
        SupplementRequest.objects.filter(answered_at=None).values_list("dossier_id", flat=True)
    )
    assert open_requests == {d.pk for d in dossiers if d.status == Status.WAITING_SUPPLEMENT}


def test_demo_citizen_owns_a_handful(seeded):
    mine = Dossier.objects.filter(applicant_user__email=accounts_demo.CITIZEN["email"])
    assert {Status.WAITING_SUPPLEMENT, Status.FINISHED, Status.RETURNED} <= set(
        mine.values_list("status", flat=True)
    )
    assert 3 <= mine.count() <= 6


def test_every_statistic_has_something_to_show(seeded):
    city = Agency.objects.get(electronic_id="000.00.00.H13")
    year = period_bounds("year", 2026)
    stats = compute(agency=city, date_from=year.date_from, date_to=year.date_to)
    for figure in ("received_online", "received_in_person", "received_post", "resolved_early",
                   "resolved_on_time", "resolved_late", "in_progress_within",
                   "in_progress_overdue", "waiting_supplement", "stopped", "withdrawn",
                   "refused", "resolved_on_spot", "returned"):  # fmt: skip
        assert getattr(stats, figure) > 0, figure
    assert 85 <= stats.on_time_rate < 100
    q4 = period_bounds("quarter", 2026, 4)
    assert compute(agency=city, date_from=q4.date_from, date_to=q4.date_to).carried_over > 0
    latest = Dossier.objects.aggregate(Max("submitted_at"))["submitted_at__max"]
    assert latest <= timezone.now()
