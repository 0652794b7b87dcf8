"""Visit counters kept in the cache (locmem when embedded, Redis in production).

A visitor carries a signed cookie holding a random id and the local day of their last counted
visit; no session is created to count anyone. A visit is counted once per visitor per day with
atomic cache increments. Nothing here touches the database: `services.flush_visit_counters`
folds the pending per-day counts into `DailyVisits` every few minutes, and
`selectors.visit_stats` adds the not-yet-flushed counts to the stored ones.

"Online now" counts distinct visitors per 5-minute window (one `add` of a marker key per page
view, an `incr` the first time a visitor shows up in the window) and reports the larger of the
current window and the fading previous one.
"""

from __future__ import annotations

import datetime
import re
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from .cache import increment, increment_many

COOKIE_NAME = "cchc_visit"
COOKIE_SALT = "core.visits"
COOKIE_MAX_AGE = 400 * 24 * 3600
ONLINE_WINDOW = 300  # seconds
PENDING_TIMEOUT = 8 * 24 * 3600  # far longer than the flush period
PENDING_DAYS = 3  # days whose pending counts the flush task and the footer look at
BOT_RE = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit|preview|monitor", re.I)


def pending_key(day: datetime.date) -> str:
    return f"visits:pending:{day.isoformat()}"


def online_key(window: int) -> str:
    return f"visits:online:{window}"


def online_marker_key(window: int, visitor_id: str) -> str:
    return f"visits:online:{window}:{visitor_id}"


def stored_key(day: datetime.date) -> str:
    """Cached snapshot of the DB figures as seen on `day` (total, month, day)."""
    return f"visits:stored:{day.isoformat()}"


def recent_days(today: datetime.date) -> list[datetime.date]:
    return [today - datetime.timedelta(days=n) for n in range(PENDING_DAYS)]


def current_window(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // ONLINE_WINDOW)


def bump(key: str, timeout: int) -> None:
    """Atomic +1 that also works when the key does not exist yet."""
    increment(key, timeout)


def should_count(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if getattr(response, "streaming", False):
        return False
    if request.headers.get("HX-Request"):
        return False
    path = request.path
    skipped = (settings.STATIC_URL, settings.MEDIA_URL, "/quan-tri/", "/i18n/")
    if any(prefix and path.startswith(prefix) for prefix in skipped):
        return False
    return not BOT_RE.search(request.headers.get("User-Agent", ""))


def read_cookie(request) -> tuple[str | None, str | None]:
    """(visitor id, day of last counted visit as YYYY-MM-DD) from the signed cookie."""
    try:
        value = request.get_signed_cookie(COOKIE_NAME, salt=COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return None, None
    visitor_id, _sep, day = value.partition("|")
    if not visitor_id or not day:
        return None, None
    return visitor_id, day


def record(request, response) -> None:
    """Count this page view: daily visit (once per visitor per day) and online presence."""
    today = timezone.localdate()
    window = current_window()
    visitor_id, last_day = read_cookie(request)
    if visitor_id is None:
        # a first visit: counted today and online now, and marked, in one round trip (the
        # marker is new: nobody else holds this random id)
        visitor_id = secrets.token_urlsafe(12)
        increment_many(
            [
                (pending_key(today), PENDING_TIMEOUT),
                (online_marker_key(window, visitor_id), ONLINE_WINDOW * 2),
                (online_key(window), ONLINE_WINDOW * 3),
            ]
        )
        _set_cookie(response, visitor_id, today)
        return
    if last_day != today.isoformat():
        bump(pending_key(today), PENDING_TIMEOUT)
        _set_cookie(response, visitor_id, today)
    if cache.add(online_marker_key(window, visitor_id), 1, ONLINE_WINDOW * 2):
        bump(online_key(window), ONLINE_WINDOW * 3)


def _set_cookie(response, visitor_id: str, today) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{visitor_id}|{today.isoformat()}",
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
