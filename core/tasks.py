"""Periodic tasks of the core app."""

from celery import shared_task

from . import services


@shared_task(name="core.tasks.flush_visit_counters")
def flush_visit_counters() -> int:
    return services.flush_visit_counters()
