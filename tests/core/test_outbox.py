"""The task outbox: rows written with the caller's transaction, published after commit, swept
again (with backoff, then a dead-letter state) when the broker was down."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cchc_portal.celery import app
from core import outbox
from core.models import OutboxMessage
from core.tasks import sweep_outbox
from tests.dossiers.citizen_helpers import make_world, submitted_dossier

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@app.task(name="tests.core.outbox_probe")
def outbox_probe(**kwargs):
    CALLS.append(kwargs)
    if kwargs.get("boom"):
        raise RuntimeError("probe failed")
    return True


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(outbox._breaker, "until", 0.0)
    yield
    CALLS.clear()


@pytest.fixture
def broker_down(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(outbox_probe, "apply_async", unreachable)


def _later(seconds=3600):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_enqueue_publishes_after_commit_and_marks_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 1})
    assert CALLS == []  # nothing runs before the commit
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
    assert len(callbacks) == 1
    callbacks[0]()
    assert CALLS == [{"n": 1}]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1 and message.sent_at is not None


def test_rolled_back_transaction_leaves_no_message(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 1})
        raise RuntimeError("the state change failed")
    assert not OutboxMessage.objects.exists()
    assert CALLS == []


def test_dedupe_key_queues_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 1}, dedupe_key="k1")
        second = outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 2}, dedupe_key="k1")
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert CALLS == [{"n": 1}]
    assert OutboxMessage.objects.count() == 1


def test_broker_down_keeps_the_row_pending_then_the_sweeper_publishes_it(
    django_capture_on_commit_callbacks, monkeypatch, broker_down
):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 7})  # no exception
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "redis down" in message.last_error
    assert message.next_attempt_at > timezone.now()  # backoff
    # not due yet: the sweeper leaves it
    assert outbox.sweep() == {"sent": 0, "failed": 0, "purged": 0}

    monkeypatch.undo()  # the broker is back
    monkeypatch.setitem(outbox._breaker, "until", 0.0)
    assert outbox.sweep(now=_later()) == {"sent": 1, "failed": 0, "purged": 0}
    assert CALLS == [{"n": 7}]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 2
    assert message.last_error == ""


def test_backoff_grows_then_the_message_is_dead(
    settings, broker_down, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("tests.core.outbox_probe", kwargs={})
    message.refresh_from_db()
    delays = [message.next_attempt_at - timezone.now()]
    now = timezone.now()
    for _ in range(2):
        now = message.next_attempt_at + datetime.timedelta(seconds=1)
        outbox.sweep(now=now)
        message.refresh_from_db()
        delays.append(message.next_attempt_at - timezone.now())
    assert message.status == OutboxMessage.Status.DEAD
    assert message.attempts == 3
    assert delays[1] > delays[0]  # exponential backoff
    # dead rows are not swept any more...
    assert outbox.sweep(now=_later(10 * 86400))["failed"] == 0
    # ...until an administrator sends them again
    assert outbox.requeue(ids=[message.pk]) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 0


def test_a_task_failing_in_process_is_retried(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("tests.core.outbox_probe", kwargs={"boom": True})
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "probe failed" in message.last_error


def test_sweeper_task_publishes_and_purges_old_sent_rows(
    broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 3})
    old = OutboxMessage.objects.create(
        task_name="tests.core.outbox_probe",
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now() - datetime.timedelta(days=30),
        next_attempt_at=timezone.now(),
    )
    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    result = sweep_outbox.delay().get()
    assert result == {"sent": 1, "failed": 0, "purged": 1}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    assert CALLS == [{"n": 3}]


def test_breaker_leaves_publishing_to_the_sweeper_while_the_broker_is_down(
    broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 1})
        assert outbox._breaker["until"] > 0
        with django_capture_on_commit_callbacks(execute=True):
            second = outbox.enqueue("tests.core.outbox_probe", kwargs={"n": 2})
    finally:
        app.conf.task_always_eager = True
    second.refresh_from_db()
    assert second.attempts == 0  # not even tried: no second connection timeout
    assert second.status == OutboxMessage.Status.PENDING


def test_unknown_task_stays_pending_with_the_error(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("tests.core.no_such_task", kwargs={})
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "no_such_task" in message.last_error


def test_dossier_email_survives_a_broker_outage_and_is_sent_once(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from dossiers.tasks import notify_applicant

    world = make_world()
    world.citizen.email = "an@example.vn"
    world.citizen.save()

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(notify_applicant, "apply_async", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted_dossier(world)  # saved despite the broker
    assert dossier.code
    assert mail.outbox == []
    message = OutboxMessage.objects.get(task_name="dossiers.tasks.notify_applicant")
    assert message.status == OutboxMessage.Status.PENDING

    monkeypatch.undo()
    assert outbox.sweep(now=_later())["sent"] == 1
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert dossier.code in mail.outbox[0].subject
    # a second publication of the same message (e.g. redelivery) sends nothing more
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.PENDING)
    outbox.sweep(now=_later())
    assert len(mail.outbox) == 1
