"""Writes of the core app: folding the cached visit counts into the database."""

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import visits
from .models import DailyVisits

logger = logging.getLogger(__name__)


def flush_visit_counters() -> int:
    """Move pending per-day visit counts from the cache to `DailyVisits`; returns the number moved.

    Safe to run twice or concurrently: each run claims what it reads with an atomic `decr`, so
    visits counted meanwhile stay pending for the next run. A failed DB write gives the claim back.
    """
    today = timezone.localdate()
    moved = 0
    for day in visits.recent_days(today):
        key = visits.pending_key(day)
        pending = cache.get(key) or 0
        if pending <= 0:
            continue
        try:
            cache.decr(key, pending)
        except ValueError:  # expired meanwhile: nothing left to claim
            continue
        try:
            with transaction.atomic():
                row, created = DailyVisits.objects.get_or_create(
                    date=day, defaults={"count": pending}
                )
                if not created:
                    DailyVisits.objects.filter(pk=row.pk).update(count=F("count") + pending)
        except Exception:
            try:
                cache.incr(key, pending)
            except ValueError:
                cache.add(key, pending, visits.PENDING_TIMEOUT)
            raise
        moved += pending
    if moved:
        cache.delete(visits.stored_key(today))
        logger.info("flushed %s visits to the database", moved)
    return moved
