"""ResilientRedisCache: a dead Redis means misses and no-ops in milliseconds, never a 500."""

import logging
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.urls import reverse

from core import ratelimit
from core.cache import ResilientRedisCache

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
TRUST_REDIS_DB = 12


def own_redis_url(redis_url: str, db: int = TRUST_REDIS_DB) -> str:
    return urlunsplit(urlsplit(redis_url)._replace(path=f"/{db}"))


def _backend(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(
        location, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_dead_redis_answers_like_an_empty_cache(caplog):
    dead = _backend(DEAD_REDIS)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert dead.get("a", "fallback") == "fallback"
        assert dead.count("n", 60) == 1  # a fresh counter: limits fail open
        assert dead.count_many([("n", 60), ("m", 60)]) == [1, 1]
        dead.set("a", 1)
        assert dead.add("a", 1) is True  # counters fail open
        assert dead.incr("hits", 3) == 3
        assert dead.decr("hits") == -1
        assert dead.get_many(["a", "b"]) == {}
        assert dead.set_many({"a": 1}) == []
        assert dead.has_key("a") is False
        assert dead.delete("a") is False
        dead.delete_many(["a"])
        assert dead.touch("a") is False
        assert dead.get_or_set("v", 5) == 5
        assert dead.clear() is False
    warnings = [r for r in caplog.records if "Redis cache unavailable" in r.getMessage()]
    assert len(warnings) == 1  # logged once per outage, not per call


def test_a_dead_redis_costs_microseconds_once_the_breaker_is_open():
    dead = _backend(DEAD_REDIS)
    dead.get("warm")  # the first call finds out
    started = time.monotonic()
    for n in range(1000):
        dead.get(f"k{n}")
    assert time.monotonic() - started < 0.5


def test_the_breaker_closes_again_after_its_delay():
    dead = ResilientRedisCache(DEAD_REDIS, {"OPTIONS": {"down_seconds": 0.05}})
    assert "down_seconds" not in dead._options  # ours, not passed to redis-py
    dead.get("a")
    assert dead._is_down()
    time.sleep(0.06)
    assert not dead._is_down()


@pytest.mark.django_db
def test_pages_and_rate_limits_work_with_the_cache_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert client.get(reverse("home")).status_code == 200  # visit counter + footer figures
    assert client.get(reverse("procedures:list")).status_code == 200
    # rate limits fail open (documented in core/cache.py): the request goes through
    assert all(ratelimit.hit("test:key", limit=2, window=60) for _ in range(5))
    assert ratelimit.exceeded("test:key", limit=2, window=60) is False


@pytest.mark.redis
def test_a_live_redis_is_a_normal_cache(settings):
    live = _backend(own_redis_url(settings.REDIS_URL))
    live.clear()
    try:
        assert live.add("a", 1) is True
        assert live.add("a", 2) is False
        assert live.incr("a", 4) == 5
        with pytest.raises(ValueError):
            live.incr("missing")
        live.set_many({"b": "hai", "c": [3]})
        assert live.get_many(["a", "b", "c", "d"]) == {"a": 5, "b": "hai", "c": [3]}
        # a counter in one round trip: created with its timeout, then incremented in place
        assert [live.count("n", 60) for _ in range(3)] == [1, 2, 3]
        assert live.get("n") == 3
        assert 0 < live._cache.get_client().ttl(live.make_key("n")) <= 60
        assert live.count("a", 60) == 6  # an existing counter keeps its value
        assert live.count_many([("a", 60), ("fresh", 30)]) == [7, 1]  # one round trip
        assert 0 < live._cache.get_client().ttl(live.make_key("fresh")) <= 30
        assert not live._is_down()
    finally:
        live.clear()


def test_own_redis_url_keeps_host_and_password():
    assert own_redis_url("redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/12"
    assert own_redis_url("redis://:pw@redis:6379", 13) == "redis://:pw@redis:6379/13"
