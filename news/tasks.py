"""Periodic tasks of the news app."""

from celery import shared_task

from . import services


@shared_task(name="news.tasks.flush_view_counts")
def flush_view_counts() -> int:
    """Fold the cached article view counts into the database (Celery beat, every 5 minutes)."""
    return services.flush_view_counts()
