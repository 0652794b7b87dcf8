"""Article view counts, kept in the cache (locmem when embedded, Redis in production).

A reader is counted once per reading session per article: the first view in a session `add`s a
"seen" marker and atomically increments the article's pending counter; later views find the
marker and count nothing. The reading session is a signed browser-session cookie holding a
random id, so counting never creates a server session nor writes to the database.
`services.flush_view_counts` (Celery beat, every 5 minutes) moves the pending counts into
`Article.view_count`; pages show the stored count plus what is still pending.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

READER_COOKIE = "cchc_news_reader"
READER_SALT = "news.reader"
PENDING_TIMEOUT = 30 * 24 * 3600  # far longer than the flush period
BOT_RE = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit|preview|monitor", re.I)


def seen_timeout() -> int:
    return settings.SESSION_COOKIE_AGE


def pending_key(article_id: int) -> str:
    return f"news:views:pending:{article_id}"


def seen_key(reader: str, article_id: int) -> str:
    return f"news:views:seen:{reader}:{article_id}"


def _bump(key: str) -> None:
    """Atomic +1 that also works when the key does not exist yet."""
    if cache.add(key, 1, PENDING_TIMEOUT):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired (or claimed to nothing and evicted) between add() and incr()
        if not cache.add(key, 1, PENDING_TIMEOUT):
            cache.incr(key)


def count_view(*, article_id: int, reader: str) -> bool:
    """Count one view of `article_id` by `reader` unless already counted; True when counted."""
    if not cache.add(seen_key(reader, article_id), 1, seen_timeout()):
        return False
    _bump(pending_key(article_id))
    return True


def pending(article_id: int) -> int:
    return int(cache.get(pending_key(article_id)) or 0)


def pending_many(article_ids) -> dict[int, int]:
    ids = list(article_ids)
    found = cache.get_many([pending_key(i) for i in ids])
    return {i: int(found.get(pending_key(i)) or 0) for i in ids}


def reader_of(request) -> tuple[str, bool]:
    """(reader id, whether the cookie must be set) for this request."""
    try:
        value = request.get_signed_cookie(READER_COOKIE, salt=READER_SALT)
    except (KeyError, signing.BadSignature):
        value = ""
    if value and re.fullmatch(r"[A-Za-z0-9_-]{8,40}", value):
        return value, False
    return secrets.token_urlsafe(12), True


def is_bot(request) -> bool:
    return bool(BOT_RE.search(request.headers.get("User-Agent", "")))


def record_view(request, *, article_id: int) -> str | None:
    """Count this reader's view of an article page (once per reading session).

    Returns a new reader id that the response must remember (`remember_reader`), else None.
    """
    if request.method != "GET" or is_bot(request):
        return None
    reader, new = reader_of(request)
    count_view(article_id=article_id, reader=reader)
    return reader if new else None


def remember_reader(response, reader: str | None) -> None:
    if reader is None:
        return
    response.set_signed_cookie(
        READER_COOKIE,
        reader,
        salt=READER_SALT,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
