"""Transactional outbox for Celery tasks: a side effect is never lost with the broker.

    from core import outbox
    with transaction.atomic():
        ...  # the state change
        outbox.enqueue("dossiers.tasks.notify_applicant",
                       kwargs={"dossier_id": d.pk, "event_id": e.pk},
                       dedupe_key=f"dossiers.notify:{e.pk}")

`enqueue` writes an `OutboxMessage` row in the caller's transaction (rolled back with it) and
registers an on_commit hook that publishes it at once (`apply_async`, with the short broker
timeouts of settings). Published: the row is marked sent. Broker down: the error is logged, the
row stays pending and the user gets no exception; `sweep()` (the periodic task
`core.tasks.sweep_outbox`, every minute) publishes due pending rows again with exponential
backoff and, after `MAX_ATTEMPTS` failures, moves a row to the dead-letter state (kept for an
administrator, who can send it again from the admin).

In eager mode (embedded, tests) publishing runs the task in the process; a task that raises
is treated like a failed publish and retried by the sweeper.

Tasks must be idempotent: a row can be published twice (published, then the "sent" mark failed;
or the sweeper and an on_commit hook overlapping after a long stall).
"""

from __future__ import annotations

import datetime
import logging
import threading
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# How long the on_commit publish owns a new row before the sweeper may take it.
FIRST_LEASE = datetime.timedelta(seconds=60)
# How long a sweeper run owns the rows it claimed.
SWEEP_LEASE = datetime.timedelta(minutes=5)
BACKOFF_BASE = 60  # seconds; doubled after each failure
BACKOFF_MAX = 3600
MAX_ATTEMPTS = 12  # ~8 hours of retries before the dead-letter state
SWEEP_BATCH = 200
KEEP_SENT = datetime.timedelta(days=7)
# After a failed publish, on_commit hooks of this process leave publishing to the sweeper for a
# while, so a dead broker does not cost every request a connection timeout.
BREAKER_SECONDS = 10.0

_breaker = {"until": 0.0}
_breaker_lock = threading.Lock()


def _setting(name: str, default):
    return getattr(settings, f"OUTBOX_{name}", default)


def enqueue(
    task_name: str,
    *,
    kwargs: dict,
    dedupe_key: str | None = None,
    task_id: str | None = None,
) -> OutboxMessage:
    """Record the task in the current transaction; publish it once the transaction commits.

    With a `dedupe_key` already recorded, the existing row is returned and nothing new is
    queued. `task_id` fixes the Celery task id (e.g. the one an ExportJob row already holds).
    """
    now = timezone.now()
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not break the caller
            message = OutboxMessage.objects.create(
                task_name=task_name,
                kwargs=kwargs,
                task_id=task_id or "",
                dedupe_key=dedupe_key or None,
                next_attempt_at=now + _setting("FIRST_LEASE", FIRST_LEASE),
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    message_id = message.pk
    transaction.on_commit(lambda: _publish_after_commit(message_id))
    return message


def _publish_after_commit(message_id: int) -> None:
    if _breaker["until"] > time.monotonic() and not _is_eager():
        logger.info(
            "outbox: broker recently unavailable; message %s left to the sweeper", message_id
        )
        return
    try:
        message = OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING)
        message = message.first()
        if message is not None:
            publish(message)
    except Exception:  # the database itself failed: the sweeper will find the row
        logger.exception("outbox: could not publish message %s after commit", message_id)


def _task(task_name: str):
    from cchc_portal.celery import app

    if task_name not in app.tasks:
        app.loader.import_default_modules()  # autodiscovers every app's tasks module
    return app.tasks[task_name]


def _backoff(attempts: int) -> datetime.timedelta:
    base = _setting("BACKOFF_BASE", BACKOFF_BASE)
    cap = _setting("BACKOFF_MAX", BACKOFF_MAX)
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def publish(message: OutboxMessage) -> bool:
    """Publish one message now. True when published (row marked sent), False when it failed."""
    try:
        task = _task(message.task_name)
        result = task.apply_async(kwargs=message.kwargs, task_id=message.task_id or None)
        if _is_eager() and callable(getattr(result, "failed", None)) and result.failed():
            raise RuntimeError(f"task failed in process: {result.result!r}")
    except Exception as exc:
        _record_failure(message, exc)
        return False
    with _breaker_lock:
        _breaker["until"] = 0.0
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxMessage.Status.SENT).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
    )
    return True


def _record_failure(message: OutboxMessage, exc: BaseException) -> None:
    from cchc_portal.celery import app

    if not app.conf.task_always_eager:
        with _breaker_lock:
            _breaker["until"] = time.monotonic() + _setting("BREAKER_SECONDS", BREAKER_SECONDS)
    attempts = message.attempts + 1
    dead = attempts >= _setting("MAX_ATTEMPTS", MAX_ATTEMPTS)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if dead:
        logger.error(
            "outbox: message %s (%s) gave up after %s attempts: %s",
            message.pk,
            message.task_name,
            attempts,
            error,
        )
    else:
        logger.warning(
            "outbox: message %s (%s) not published (attempt %s): %s",
            message.pk,
            message.task_name,
            attempts,
            error,
            exc_info=app.conf.task_always_eager,  # in-process: the traceback of the task
        )
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.DEAD if dead else OutboxMessage.Status.PENDING,
        attempts=attempts,
        last_error=error,
        next_attempt_at=timezone.now() + _backoff(attempts),
    )


def _claim(now: datetime.datetime, batch: int) -> list[OutboxMessage]:
    """Take a lease on due pending rows (skip those another sweeper has locked)."""
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[:batch]
        )
        if rows:
            OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
                next_attempt_at=now + SWEEP_LEASE
            )
    return rows


def sweep(*, batch: int = SWEEP_BATCH, now: datetime.datetime | None = None) -> dict:
    """Publish due pending rows; forget sent rows older than a week. Safe to run concurrently."""
    now = now or timezone.now()
    with _breaker_lock:
        _breaker["until"] = 0.0  # the sweeper always tries
    sent = failed = 0
    claimed = _claim(now, batch)
    for index, message in enumerate(claimed):
        if publish(message):
            sent += 1
            continue
        failed += 1
        if not _is_eager():
            # The broker is down: the rest of the batch would fail the same way; release it.
            rest = [m.pk for m in claimed[index + 1 :]]
            OutboxMessage.objects.filter(pk__in=rest).update(next_attempt_at=now + _backoff(1))
            break
    keep = _setting("KEEP_SENT", KEEP_SENT)
    purged, _ = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=now - keep
    ).delete()
    if sent or failed:
        logger.info("outbox sweep: %s published, %s failed", sent, failed)
    return {"sent": sent, "failed": failed, "purged": purged}


def _is_eager() -> bool:
    from cchc_portal.celery import app

    return bool(app.conf.task_always_eager)


def requeue(*, ids) -> int:
    """Give dead (or pending) messages a fresh start: pending, attempts 0, due now."""
    return OutboxMessage.objects.filter(
        Q(pk__in=list(ids)) & ~Q(status=OutboxMessage.Status.SENT)
    ).update(
        status=OutboxMessage.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
    )
