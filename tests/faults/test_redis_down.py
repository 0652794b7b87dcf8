"""Redis down (cache and broker on a closed port): pages render, an online submission and an
export request are saved with their tasks pending in the outbox; when Redis is back the sweeper
publishes them and a real worker sends the email and builds the report."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from cchc_portal.celery import app
from core import outbox
from core.models import OutboxMessage
from dossiers import services
from dossiers.models import Dossier, Status
from reports.models import ExportJob
from reports.services import request_export
from tests.dossiers.citizen_helpers import make_world, pdf

from .helpers import DEAD_URL, own_redis_url, point_broker_at, purge_queue
from .helpers import needs_services as _needs_services

pytestmark = [pytest.mark.faults, _needs_services]


@pytest.fixture
def redis_down(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": DEAD_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "down_seconds": 5},
        }
    }
    monkeypatch.setitem(outbox._breaker, "until", 0.0)
    point_broker_at(DEAD_URL)
    yield
    point_broker_at("memory://", eager=True)


def _wait(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_portal_keeps_working_and_catches_up_when_redis_returns(
    redis_down, client, staff_user, settings
):
    world = make_world()
    world.citizen.email = "an@example.vn"
    world.citizen.save()

    # pages render with neither cache nor broker
    started = time.monotonic()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("procedures:list")).status_code == 200
    code = world.version.procedure.code
    assert client.get(reverse("procedures:detail", args=[code])).status_code == 200

    # an online submission through the citizen's review page is saved
    client.force_login(world.citizen)
    draft = services.create_draft(
        user=world.citizen, case=world.case, competent_agency=world.agency
    )
    services.add_attachment(
        dossier=draft, user=world.citizen, file=pdf(), required_document=world.mandatory
    )
    response = client.post(reverse("dossiers:citizen_draft_review", args=[draft.public_id]))
    assert response.status_code == 302
    assert response.url == reverse("dossiers:citizen_submitted", args=[draft.public_id])
    assert client.get(response.url).status_code == 200
    dossier = Dossier.objects.get(pk=draft.pk)
    assert dossier.status == Status.SUBMITTED and dossier.code

    # so is an export request
    job = request_export(kind="agencies.directory.xlsx", params={}, user=staff_user)
    assert time.monotonic() - started < 15  # the outage costs no long timeouts
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED

    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    assert sorted(pending.values_list("task_name", flat=True)) == [
        "dossiers.tasks.notify_applicant",
        "reports.run_export_job",
    ]
    first, second = pending.order_by("pk")
    assert "Connection refused" in first.last_error and first.attempts == 1
    assert second.attempts == 0  # the breaker left it to the sweeper: no second timeout
    assert mail.outbox == []

    # Redis is back: the sweeper publishes, a real worker runs the tasks
    point_broker_at(own_redis_url())
    purge_queue()
    OutboxMessage.objects.update(next_attempt_at=OutboxMessage.objects.first().created_at)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        result = outbox.sweep()
        assert result["sent"] == 2 and result["failed"] == 0
        assert _wait(lambda: len(mail.outbox) == 1 and not _active(job))
    assert mail.outbox[0].to == ["an@example.vn"]
    assert dossier.code in mail.outbox[0].subject
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()


def _active(job) -> bool:
    job.refresh_from_db()
    return job.is_active
