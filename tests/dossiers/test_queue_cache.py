"""The staff queue kept in the cache (dossiers.queue_cache): a repeated view reads no dossier,
and every change a queue can show — a dossier arriving, leaving, assigned, a due moment
passing — is on the next view. Transactional: the cache is never used inside a transaction,
and an ordinary test runs in one."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import generations
from dossiers import queue_cache, services, signals
from dossiers.models import Dossier, Status
from tests.dossiers.factories import DossierFactory
from tests.dossiers.staff_helpers import at_agency, build_world

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = reverse("dossiers:queue")


@pytest.fixture
def world():
    return build_world()


def _rows_html(response) -> str:
    html = response.content.decode()
    return html[html.index("<table") : html.index("</table>")] if "<table" in html else ""


def _codes(response) -> list[str]:
    return re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', _rows_html(response))


def test_a_repeated_view_reads_no_dossier_and_shows_the_same_rows(client, world):
    first, second = at_agency(world), at_agency(world)
    client.force_login(world.officer)
    cold = client.get(QUEUE)
    assert _codes(cold) == [first.code, second.code]
    with CaptureQueriesContext(connection) as queries:
        warm = client.get(QUEUE)
    assert not [q["sql"] for q in queries if "dossiers_dossier" in q["sql"]]
    assert _rows_html(warm) == _rows_html(cold)
    # another filter is another listing
    filtered = client.get(QUEUE, {"status": Status.ACCEPTED})
    assert _codes(filtered) == []


def test_a_dossier_handed_over_arrives_and_leaves_at_once(client, world):
    dossier = at_agency(world)
    client.force_login(world.other_officer)
    assert _codes(client.get(QUEUE)) == []  # kept in the cache now
    services.hand_over(dossier=dossier, by=world.leader, to_unit=world.other_agency)
    assert _codes(client.get(QUEUE)) == [dossier.code]
    dossier = Dossier.objects.get(pk=dossier.pk)
    services.hand_over(dossier=dossier, by=world.leader, to_unit=world.agency)
    assert _codes(client.get(QUEUE)) == []  # the unit it left is refreshed too


def test_an_assignment_shows_on_the_next_view(client, world):
    dossier = at_agency(world)
    client.force_login(world.leader)
    assert world.officer.full_name not in _rows_html(client.get(QUEUE))
    services.assign(dossier=dossier, by=world.leader, officer=world.officer)
    assert world.officer.full_name in _rows_html(client.get(QUEUE))


def test_a_due_moment_passing_reorders_the_queue(client, world, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    paused = at_agency(
        world, status=Status.WAITING_SUPPLEMENT, due_at=now - datetime.timedelta(days=1)
    )
    running = at_agency(world, due_at=now + datetime.timedelta(minutes=1))
    client.force_login(world.officer)
    before = client.get(QUEUE)
    assert _codes(before) == [paused.code, running.code]  # paused: not overdue, due earlier
    assert "Quá hạn" not in _rows_html(before)
    assert _codes(client.get(QUEUE)) == [paused.code, running.code]  # from the cache
    time_machine.move_to(now + datetime.timedelta(minutes=2), tick=False)  # < MAX_AGE
    after = client.get(QUEUE)
    assert _codes(after) == [running.code, paused.code]  # overdue first
    assert "Quá hạn" in _rows_html(after)


def test_a_bulk_write_is_seen_once_announced(client, world):
    dossier = at_agency(world, applicant_name="Nguyễn Văn Cũ")
    client.force_login(world.officer)
    assert "Nguyễn Văn Cũ" in _rows_html(client.get(QUEUE))
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name="Trần Thị Mới")  # no signal
    assert "Nguyễn Văn Cũ" in _rows_html(client.get(QUEUE))  # kept, at most MAX_AGE
    signals.bulk_written()  # what a bulk load does (a restore: generations.replace_all)
    assert "Trần Thị Mới" in _rows_html(client.get(QUEUE))


def test_a_draft_changing_touches_no_queue(world):
    draft = DossierFactory(
        draft=True, receiving_unit=world.desk_unit, competent_agency=world.agency, case=world.case
    )
    draft = Dossier.objects.get(pk=draft.pk)
    key = queue_cache.UNIT_KEY.format(world.agency.pk)
    before = generations.current(key)
    draft.summary = "Sửa nháp"
    draft.save()
    assert generations.current(key) == before
    at_agency(world)  # a dossier that is in the queue
    assert generations.current(key) != before
