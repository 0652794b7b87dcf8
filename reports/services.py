"""Writes for export jobs: requesting one, and running one (called by the Celery task)."""

import contextlib
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit, outbox

from .models import ExportJob
from .registry import ReportError, UnknownReport, get_builder

logger = logging.getLogger(__name__)

# A job found "running" again after this many starts is given up (a worker keeps dying on it).
MAX_ATTEMPTS = 3
PROGRESS_MIN_STEP = 2  # percent
PROGRESS_MIN_INTERVAL = 1.0  # seconds


def request_export(*, kind: str, params: dict | None, user) -> ExportJob:
    """Create a queued job for `kind` and dispatch it once the transaction commits.

    Raises UnknownReport (unknown kind), PermissionDenied, or ValidationError (bad params).
    """
    builder = get_builder(kind)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    params = builder.clean_params(params)
    if not builder.has_permission(user, params):
        raise PermissionDenied
    task_id = str(uuid.uuid4())
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind, parameters=params, requested_by=user, celery_task_id=task_id
        )
        audit.record(user, action=audit.EXPORT_REQUEST, obj=job, detail=kind)
        # Through the outbox: with the broker down the job stays queued and is published by
        # core.tasks.sweep_outbox when Redis is back (run_job is idempotent by status).
        outbox.enqueue(
            "reports.run_export_job",
            kwargs={"job_id": job.pk},
            task_id=task_id,
            dedupe_key=f"reports.job:{job.pk}",
        )
    return job


class _Progress:
    """progress(percent) callback handed to builders; writes at most every 2 % or 1 s."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.written = 0
        self.pending = 0
        self.written_at = time.monotonic()

    def __call__(self, percent) -> None:
        value = max(0, min(99, int(percent)))  # 100 is written only with the file
        if value <= self.pending:
            return
        self.pending = value
        now = time.monotonic()
        if value - self.written >= PROGRESS_MIN_STEP or now - self.written_at >= (
            PROGRESS_MIN_INTERVAL
        ):
            ExportJob.objects.filter(pk=self.job_id, status=ExportJob.Status.RUNNING).update(
                progress=value
            )
            self.written = value
            self.written_at = now


def _fail(job: ExportJob, message: str) -> ExportJob:
    if job.file:
        # A file saved to storage just before the failure must not linger there.
        job.file.delete(save=False)
    job.status = ExportJob.Status.FAILED
    job.error = str(message)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "file"])
    return job


def _start(*, job_id: int, task_id: str | None) -> tuple[ExportJob | None, bool]:
    """Lock the job and mark it running. Returns (job, should_build)."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            logger.warning("Export job %s does not exist", job_id)
            return None, False
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            logger.info("Export job %s is already %s; nothing to do", job_id, job.status)
            return job, False
        if job.status == ExportJob.Status.RUNNING:
            logger.warning(
                "Export job %s was left running (attempt %s); restarting", job_id, job.attempts
            )
            if job.attempts >= MAX_ATTEMPTS:
                return _fail(
                    job,
                    _(
                        "Báo cáo không tạo được sau %(attempts)d lần thử. "
                        "Vui lòng thu hẹp phạm vi hoặc liên hệ quản trị viên."
                    )
                    % {"attempts": job.attempts},
                ), False
            if job.file:
                job.file.delete(save=False)
            _remove_stale_temp_files(job)
        job.status = ExportJob.Status.RUNNING
        job.progress = 0
        job.attempts += 1
        job.error = ""
        job.filename = ""
        job.file = ""
        job.started_at = timezone.now()
        job.finished_at = None
        if task_id:
            job.celery_task_id = task_id
        job.save(
            update_fields=[
                "status",
                "progress",
                "attempts",
                "error",
                "filename",
                "file",
                "started_at",
                "finished_at",
                "celery_task_id",
            ]
        )
        return job, True


def _temp_prefix(job: ExportJob) -> str:
    return f"job-{job.public_id.hex}-"


def _remove_stale_temp_files(job: ExportJob) -> None:
    """A worker killed mid-build never reached its `finally`: drop what it left behind."""
    temp_dir = Path(settings.REPORTS_TEMP_DIR)
    if temp_dir.is_dir():
        for path in temp_dir.glob(f"{_temp_prefix(job)}*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _storage_name(job: ExportJob, extension: str) -> str:
    # The stored name is unguessable and ASCII; the friendly name lives in job.filename.
    return f"{job.public_id.hex}.{extension}"


def run_job(*, job_id: int, task_id: str | None = None) -> ExportJob | None:
    """Build the job's file. Safe to run twice: a finished job is left as it is."""
    with translation.override(settings.LANGUAGE_CODE):
        job, should_build = _start(job_id=job_id, task_id=task_id)
        if not should_build:
            return job
        try:
            builder = get_builder(job.kind)
        except UnknownReport:
            return _fail(job, _("Loại báo cáo này không còn được hỗ trợ."))
        user = job.requested_by
        if not user.is_active or not builder.has_permission(user, job.parameters):
            return _fail(job, _("Bạn không còn quyền tạo báo cáo này."))

        temp_dir = Path(settings.REPORTS_TEMP_DIR)
        temp_dir.mkdir(parents=True, exist_ok=True)
        fd, temp_path = tempfile.mkstemp(
            prefix=_temp_prefix(job), suffix=f".{builder.file_extension}", dir=temp_dir
        )
        try:
            with os.fdopen(fd, "w+b") as out:
                filename = builder.build(
                    params=job.parameters, out=out, progress=_Progress(job.pk), user=user
                )
                out.flush()
                out.seek(0)
                job.file.save(_storage_name(job, builder.file_extension), File(out), save=False)
            job.filename = filename or f"{job.kind}.{builder.file_extension}"
            job.status = ExportJob.Status.DONE
            job.progress = 100
            job.finished_at = timezone.now()
            job.save(update_fields=["file", "filename", "status", "progress", "finished_at"])
            return job
        except SoftTimeLimitExceeded:
            logger.warning("Export job %s hit the soft time limit", job_id)
            return _fail(
                job,
                _(
                    "Báo cáo vượt quá thời gian cho phép (%(seconds)d giây). "
                    "Vui lòng thu hẹp phạm vi báo cáo rồi thử lại."
                )
                % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT},
            )
        except ReportError as exc:
            logger.info("Export job %s refused by its builder: %s", job_id, exc)
            return _fail(job, str(exc))
        except Exception:
            logger.exception("Export job %s failed", job_id)
            return _fail(
                job,
                _(
                    "Không tạo được báo cáo do lỗi hệ thống. "
                    "Vui lòng thử lại sau hoặc liên hệ quản trị viên."
                ),
            )
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_path)
