"""A Redis cache backend that degrades to "no cache" when Redis is unreachable.

Django's RedisCache raises redis.ConnectionError from every call when Redis is down, which would
turn each page that reads a counter or a cached fragment into a 500. `ResilientRedisCache` catches
every Redis error (connection, timeout, protocol) and answers as an empty cache would:

- reads (get, get_many, has_key) are misses;
- writes (set, set_many, delete, delete_many, touch, clear) are no-ops;
- `add` answers True ("stored"), `incr`/`decr` answer `delta` / `-delta` (a fresh counter).

So counters and rate limits FAIL OPEN while Redis is down: a visit or a view is not counted, and
a rate limit (tracking, surveys, allauth) lets the request through; a warning is logged. This is a
deliberate choice: the portal keeps serving citizens, and the hard limits that protect accounts
(django-axes lockout) live in the database, not in the cache. Dedupe markers built on `add`
(one email per dossier event) therefore become at-least-once during an outage.

After a failure the backend does not touch Redis again for `DOWN_SECONDS` (a small per-process
circuit breaker), so a dead or black-holed Redis costs a page microseconds, not a socket timeout
per call. Settings: `OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1,
"down_seconds": 5}` (down_seconds is ours and is not passed to redis-py).
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Connection refused, timeouts, protocol errors, LOADING, READONLY...: any Redis failure.
UNAVAILABLE = (RedisError, OSError)
_MISSING = object()


def _resilient(fallback):
    """Run the RedisCache method; on a connection error log, open the breaker, return fallback.

    `fallback` is a function of the call's (args, kwargs) giving the empty-cache answer."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._is_down():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                self._mark_down(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _default(key, default=None, version=None):
    return default


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _true(*args, **kwargs):
    return True


def _empty_dict(*args, **kwargs):
    return {}


def _empty_list(*args, **kwargs):
    return []


def _delta(key, delta=1, version=None):
    return delta


def _ones(counters, version=None):
    return [1 for _counter in counters]


class _ReusingClient(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache operation (~170 response
    callbacks copied each time, about 0.1 ms); a page makes several. One client per
    connection pool is reused instead (redis.Redis is thread-safe: connections come from the
    pool)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    DOWN_SECONDS = 5.0

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.down_seconds = float(options.pop("down_seconds", self.DOWN_SECONDS))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = _ReusingClient
        self._down_until = 0.0
        self._lock = threading.Lock()

    # --- circuit breaker ---------------------------------------------------------------------
    def _is_down(self) -> bool:
        return self._down_until > time.monotonic()

    def _mark_down(self, operation: str, exc: BaseException) -> None:
        with self._lock:
            already = self._is_down()
            self._down_until = time.monotonic() + self.down_seconds
        if not already:
            logger.warning(
                "Redis cache unavailable (%s: %s); serving without cache for %.0f s",
                operation,
                exc,
                self.down_seconds,
            )

    def reset_breaker(self) -> None:
        self._down_until = 0.0

    # --- the cache API, each call guarded ----------------------------------------------------
    @_resilient(_default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_resilient(_true)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_resilient(_none)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_resilient(_false)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_resilient(_false)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_resilient(_empty_dict)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_resilient(_false)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_resilient(_delta)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_resilient(_ones)
    def count_many(self, counters, version=None) -> list[int]:
        """+1 on each (key, timeout) counter, each created with its timeout when missing; the
        new values. One round trip (SET NX EX + INCR per counter in one MULTI), where Django's
        add + incr take three per counter."""
        keys = [(self.make_and_validate_key(key, version=version), t) for key, t in counters]
        client = self._cache.get_client(keys[0][0] if keys else None, write=True)
        pipe = client.pipeline(transaction=True)
        for key, timeout in keys:
            pipe.set(key, 0, nx=True, ex=max(int(timeout), 1))
            pipe.incr(key)
        return [int(value) for value in pipe.execute()[1::2]]

    def count(self, key, timeout, version=None) -> int:
        """count_many for one counter."""
        return self.count_many([(key, timeout)], version=version)[0]

    @_resilient(_empty_list)
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_resilient(_none)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_resilient(_false)
    def clear(self):
        return super().clear()


def increment(key: str, timeout: int) -> int:
    """+1 on the counter `key` of the default cache, created with `timeout` seconds when
    missing; returns the new value. Atomic on Redis (one round trip) and on locmem (add, then
    incr), so two processes never both count from 0."""
    return increment_many([(key, timeout)])[0]


def increment_many(counters: list[tuple[str, int]]) -> list[int]:
    """increment() for several (key, timeout) counters: one round trip on Redis."""
    from django.core.cache import cache

    count_many = getattr(cache, "count_many", None)
    if count_many is not None:
        return count_many(counters)
    values = []
    for key, timeout in counters:
        if cache.add(key, 1, timeout):
            values.append(1)
            continue
        try:
            values.append(cache.incr(key))
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout)
            values.append(1)
    return values
