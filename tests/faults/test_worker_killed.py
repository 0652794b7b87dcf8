"""A Celery worker SIGKILLed in the middle of a report: a second worker runs the job again
(acks_late + reject_on_worker_lost + the broker's visibility timeout), it finishes, and no
temporary file is left behind."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from core.models import OutboxMessage
from reports.models import ExportJob
from reports.registry import unregister
from reports.services import request_export
from tests.faults import slow_report

from .helpers import (
    BASE_DIR,
    own_redis_url,
    point_broker_at,
    purge_queue,
    python,
    subprocess_env,
)
from .helpers import needs_services as _needs_services

pytestmark = [pytest.mark.faults, _needs_services]

VISIBILITY_TIMEOUT = 2  # seconds before an unacknowledged task is delivered again


def _start_worker(name: str, log: Path, *, delay: float) -> subprocess.Popen:
    env = subprocess_env(
        REDIS_URL=own_redis_url(),
        CELERY_TASK_ALWAYS_EAGER="0",
        CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT,
        CCHC_FAULTS_WORKER="1",
        SLOW_REPORT_DELAY=delay,
    )
    command = [
        python(),
        "-m",
        "celery",
        "-A",
        "cchc_portal",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--include",
        "tests.faults.slow_report",
        "--hostname",
        f"{name}-{os.getpid()}@faults",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    handle = log.open("ab")
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def _wait(predicate, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def broker(settings):
    point_broker_at(own_redis_url())
    purge_queue()
    slow_report.ensure_registered()
    yield
    unregister(slow_report.KIND)
    point_broker_at("memory://", eager=True)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_does_not_lose_the_report(broker, staff_user, tmp_path):
    log = tmp_path / "workers.log"
    temp_dir = Path(settings.REPORTS_TEMP_DIR)
    first = _start_worker("first", log, delay=0.25)  # 40 steps: ~10 s of work
    second = None
    try:
        job = request_export(kind=slow_report.KIND, params={}, user=staff_user)
        assert OutboxMessage.objects.get(dedupe_key=f"reports.job:{job.pk}").status == "sent"

        def building():
            job.refresh_from_db()
            temps = list(temp_dir.glob("job-*")) if temp_dir.is_dir() else []
            return job.status == ExportJob.Status.RUNNING and job.progress >= 10 and temps

        _wait(building, timeout=30, what="the first worker to be mid-build", log=log)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        job.refresh_from_db()
        assert job.status == ExportJob.Status.RUNNING and job.attempts == 1
        assert list(temp_dir.glob("job-*"))  # the dead worker left its temporary file

        time.sleep(VISIBILITY_TIMEOUT + 0.5)  # the task is now visible again
        second = _start_worker("second", log, delay=0)

        def finished():
            job.refresh_from_db()
            return not job.is_active

        _wait(finished, timeout=40, what="the second worker to finish the job", log=log)
        assert job.status == ExportJob.Status.DONE, job.error
        assert job.attempts == 2  # re-run, not duplicated
        assert job.progress == 100
        assert default_storage.exists(job.file.name)
        with job.file.open("rb") as handle:
            assert handle.read(2) == b"PK"
        assert list(temp_dir.glob("*")) == []  # no temporary file left
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
