"""A small fixed-window rate limiter on the Django cache, shared by every app.

    if not ratelimit.hit(f"tracking:{ip}", limit=10, window=15 * 60):
        return too_many_requests()

`hit` counts one event and says whether the caller is still within the limit. `exceeded` only
looks (use it to refuse a request before doing the work when the window is already used up).
Counting is atomic on Redis and locmem (core.cache.increment), so two processes never both
read 0.
"""

import time

from django.core.cache import cache

from .cache import increment

PREFIX = "ratelimit"


def _key(key: str, window: int, now: float | None = None) -> str:
    slot = int((time.time() if now is None else now) // window)
    return f"{PREFIX}:{key}:{window}:{slot}"


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event for `key` in the current window of `window` seconds.

    Returns True while the count (this event included) is at most `limit`, False when over it.
    """
    return increment(_key(key, window), window + 1) <= limit


def count(key: str, *, window: int) -> int:
    """How many events `key` has in the current window."""
    return int(cache.get(_key(key, window)) or 0)


def exceeded(key: str, *, limit: int, window: int) -> bool:
    """True when `key` has already used up its `limit` events in the current window."""
    return exceeded_with(key, limit=limit, window=window)[0]


def exceeded_with(key: str, *, limit: int, window: int, keys=()) -> tuple[bool, dict]:
    """exceeded(), reading the cache entries `keys` in the same round trip: (exceeded,
    {key: value} of those of `keys` found)."""
    counter = _key(key, window)
    found = cache.get_many([counter, *keys])
    return int(found.pop(counter, 0) or 0) >= limit, found


def reset(key: str, *, window: int) -> None:
    cache.delete(_key(key, window))


def client_ip(request) -> str:
    """The client address as the WSGI server saw it (the proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or "unknown"
