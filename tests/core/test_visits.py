import datetime
import types

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import selectors, services, visits
from core.models import DailyVisits
from core.tasks import flush_visit_counters

NOON = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def stats():
    return selectors.visit_stats()


@pytest.mark.django_db
def test_a_visitor_is_counted_once_per_day(client, frozen):
    first = client.get("/")
    assert visits.COOKIE_NAME in first.cookies
    client.get("/")
    client.get("/")
    assert stats()["today"] == 1
    assert stats()["month"] == 1
    assert stats()["total"] == 1


@pytest.mark.django_db
def test_a_second_visitor_increments(client, django_user_model, frozen):
    from django.test import Client

    client.get("/")
    Client().get("/")
    figures = stats()
    assert figures["today"] == 2
    assert figures["online"] == 2
    html = client.get("/").content.decode()
    assert "<dd>2</dd>" in html


@pytest.mark.django_db
def test_the_same_visitor_counts_again_the_next_day(client, frozen):
    client.get("/")
    frozen.shift(datetime.timedelta(days=1))
    client.get("/")
    figures = stats()
    assert figures["today"] == 1
    assert figures["total"] == 2


@pytest.mark.django_db
def test_a_tampered_cookie_is_a_new_visitor(client, frozen):
    client.get("/")
    client.cookies[visits.COOKIE_NAME] = "someone|2026-11-20:forged"
    client.get("/")
    assert stats()["today"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/", {"HTTP_HX_REQUEST": "true"}),
        ("/", {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"}),
        ("/khong-co-trang-nay/", {}),
        ("/static/css/portal.css", {}),
    ],
)
def test_non_page_requests_are_not_counted(client, path, headers, frozen):
    client.get(path, **headers)
    assert stats()["today"] == 0
    assert stats()["online"] == 0


@pytest.mark.django_db
def test_posts_are_not_counted(client, frozen):
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert stats()["today"] == 0


@pytest.mark.django_db
def test_counting_creates_no_session(client, frozen):
    client.get("/")
    assert "sessionid" not in client.cookies


@pytest.mark.django_db
def test_flush_moves_counts_to_the_database_and_survives_cache_clear(client, frozen):
    from django.test import Client

    client.get("/")
    Client().get("/")
    Client().get("/")
    assert flush_visit_counters.delay().get() == 3
    assert DailyVisits.objects.get(date=timezone.localdate()).count == 3
    assert stats()["total"] == 3

    cache.clear()
    figures = stats()
    assert (figures["today"], figures["month"], figures["total"]) == (3, 3, 3)

    Client().get("/")  # a new visit after the flush is added on top of the stored figures
    assert stats()["total"] == 4
    assert services.flush_visit_counters() == 1
    assert services.flush_visit_counters() == 0  # a second run finds nothing left to move
    assert DailyVisits.objects.get(date=timezone.localdate()).count == 4


@pytest.mark.django_db
def test_flush_keeps_older_days_and_month_totals(client, frozen):
    DailyVisits.objects.create(date=datetime.date(2026, 10, 31), count=50)
    DailyVisits.objects.create(date=datetime.date(2026, 11, 1), count=7)
    client.get("/")
    services.flush_visit_counters()
    cache.clear()
    figures = stats()
    assert figures["today"] == 1
    assert figures["month"] == 8
    assert figures["total"] == 58


@pytest.mark.django_db
def test_flush_gives_the_claim_back_when_the_database_write_fails(client, frozen, monkeypatch):
    client.get("/")

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(DailyVisits.objects, "get_or_create", broken)
    with pytest.raises(RuntimeError):
        services.flush_visit_counters()
    assert cache.get(visits.pending_key(timezone.localdate())) == 1
    assert stats()["today"] == 1


@pytest.mark.django_db
def test_online_counts_fade_after_two_windows(client, frozen):
    client.get("/")
    assert stats()["online"] == 1
    frozen.shift(datetime.timedelta(seconds=visits.ONLINE_WINDOW * 2 + 1))
    assert stats()["online"] == 0


@pytest.mark.django_db
def test_repeated_page_views_write_nothing_to_the_database(client, frozen):
    client.get("/")  # first view: counts the visit, warms the stored-figures snapshot
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    with CaptureQueriesContext(connection) as third:
        client.get("/")
    statements = [
        q["sql"].lstrip().upper() for q in second.captured_queries + third.captured_queries
    ]
    assert not [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(second) == len(third) == 0


def test_beat_schedule_runs_the_flush_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core.flush_visit_counters"]
    assert entry["task"] == "core.tasks.flush_visit_counters"
    assert entry["schedule"] == 300.0


@pytest.mark.redis
@pytest.mark.django_db
def test_counters_on_real_redis(settings, frozen):
    import uuid

    from django.test import Client

    prefix = f"test-core-{uuid.uuid4().hex}"
    private_cache = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",  # what production runs
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        first = Client()
        first.get("/")
        first.get("/")
        Client().get("/")
        assert stats()["today"] == 2
        assert stats()["online"] == 2
        assert services.flush_visit_counters() == 2
        assert cache.get(visits.pending_key(timezone.localdate())) == 0
        Client().get("/")
        assert stats()["total"] == 3
    finally:  # remove only our keys: the Redis database may be shared
        client = cache._cache.get_client()
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        settings.CACHES = private_cache


@pytest.mark.django_db
def test_the_footer_reuses_its_figures_for_a_few_seconds(client, settings, monkeypatch):
    from core.templatetags import portal

    settings.VISIT_COUNTERS_MEMO_SECONDS = 5
    monkeypatch.setattr(portal, "_memo", None)
    monkeypatch.setattr(portal, "_footers", {})
    reads = []
    real = selectors.visit_stats
    monkeypatch.setattr(selectors, "visit_stats", lambda: reads.append(1) or real())
    clock = [1000.0]
    monkeypatch.setattr(portal, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    client.get("/")
    client.get("/")
    assert len(reads) == 1
    clock[0] += 6
    client.get("/")
    assert len(reads) == 2


@pytest.mark.django_db
def test_the_footer_is_rendered_once_per_language_while_its_figures_hold(settings, monkeypatch):
    from django.template import Context
    from django.utils import translation

    from core.templatetags import portal

    settings.VISIT_COUNTERS_MEMO_SECONDS = 5
    monkeypatch.setattr(portal, "_memo", None)
    monkeypatch.setattr(portal, "_footers", {})
    clock = [1000.0]
    monkeypatch.setattr(portal, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    renders = []
    real = portal.render_to_string
    monkeypatch.setattr(
        portal, "render_to_string", lambda *a, **k: renders.append(1) or real(*a, **k)
    )
    context = Context({"PORTAL_NAME": "Cổng CCHC", "PORTAL_OWNER": "Sở Nội vụ"})
    with translation.override("vi"):
        vi = portal.site_footer(context)
        assert portal.site_footer(context) == vi
    with translation.override("en"):
        en = portal.site_footer(context)
    assert len(renders) == 2 and vi != en
    assert "Sở Nội vụ" in vi and 'href="/thu-tuc/"' in vi  # the public menu's links
    assert "Tra cứu hồ sơ" in vi and "Tổng lượt truy cập" in vi
    clock[0] += 6  # the counters are read again: so is the footer
    with translation.override("vi"):
        portal.site_footer(context)
    assert len(renders) == 3
