"""Periodic tasks of the core app."""

from celery import shared_task

from . import services


@shared_task(name="core.tasks.flush_visit_counters")
def flush_visit_counters() -> int:
    return services.flush_visit_counters()


@shared_task(name="core.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> dict:
    """Publish the outbox rows the broker missed (see core.outbox); beat runs it every minute."""
    from . import outbox

    return outbox.sweep()
