"""A real Celery worker on Redis (DB 7) builds an export: the production path, not eager mode."""

import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.storage import default_storage

from cchc_portal.celery import app
from reports.models import ExportJob
from reports.services import request_export
from tests.factories import AgencyFactory

REPORTS_REDIS_DB = 7


def _broker_url(redis_url: str) -> str:
    parts = urlsplit(redis_url)
    return urlunsplit(parts._replace(path=f"/{REPORTS_REDIS_DB}"))


def test_broker_url_uses_the_reports_database():
    assert _broker_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/7"
    assert _broker_url("redis://:pw@redis:6379") == "redis://:pw@redis:6379/7"


def _reset_connections():
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def redis_worker(settings):
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = _broker_url(settings.REDIS_URL)
    app.conf.task_always_eager = False
    _reset_connections()
    try:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(app.conf.task_default_queue)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        _reset_connections()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_the_export(redis_worker, staff_user):
    AgencyFactory(name="Ủy ban nhân dân phường Cái Khế")
    job = request_export(kind="agencies.directory.xlsx", params={}, user=staff_user)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            break
        time.sleep(0.2)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress == 100
    assert job.attempts == 1
    assert job.started_at is not None
    assert default_storage.exists(job.file.name)
    with job.file.open("rb") as handle:
        assert handle.read(2) == b"PK"
