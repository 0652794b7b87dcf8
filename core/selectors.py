"""Reads of the core app: the footer visit counters (cache reads; the DB only on a cold cache)."""

import time

from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import timezone

from . import visits
from .models import DailyVisits

STORED_TIMEOUT = 60  # seconds a snapshot of the DB figures is reused


def _stored_figures(today) -> dict[str, int]:
    key = visits.stored_key(today)
    figures = cache.get(key)
    if figures is None:
        month_start = today.replace(day=1)
        agg = DailyVisits.objects.aggregate(
            total=Sum("count"),
            month=Sum("count", filter=Q(date__gte=month_start, date__lte=today)),
            day=Sum("count", filter=Q(date=today)),
        )
        figures = {name: agg[name] or 0 for name in ("total", "month", "day")}
        cache.add(key, figures, STORED_TIMEOUT)
    return figures


def visit_stats() -> dict[str, int]:
    """Figures for the footer: online now, today, this month, all time."""
    today = timezone.localdate()
    days = visits.recent_days(today)
    window = visits.current_window()
    keys = [visits.pending_key(d) for d in days]
    keys += [visits.online_key(window), visits.online_key(window - 1)]
    values = cache.get_many(keys)
    pending = {d: values.get(visits.pending_key(d), 0) or 0 for d in days}
    stored = _stored_figures(today)

    elapsed = (time.time() % visits.ONLINE_WINDOW) / visits.ONLINE_WINDOW
    current = values.get(visits.online_key(window), 0) or 0
    previous = values.get(visits.online_key(window - 1), 0) or 0
    online = max(current, round(previous * (1 - elapsed)))
    return {
        "online": online,
        "today": stored["day"] + pending[today],
        "month": stored["month"]
        + sum(n for d, n in pending.items() if (d.year, d.month) == (today.year, today.month)),
        "total": stored["total"] + sum(pending.values()),
    }
