"""View counts: once per reading session, no database write per view, concurrent-safe, flushed
by the periodic task."""

import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from news import counter, services
from news.models import Article
from news.tasks import flush_view_counts
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _views_shown(response) -> str:
    html = response.content.decode()
    return html.split('id="view-count">', 1)[1].split("</span>", 1)[0].strip()


def test_a_reader_is_counted_once_per_session(client):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    assert _views_shown(first) == "Lượt xem: 1"
    assert counter.READER_COOKIE in first.cookies
    assert not first.cookies[counter.READER_COOKIE]["max-age"]  # a browser-session cookie
    for _ in range(3):
        assert _views_shown(client.get(article.get_absolute_url())) == "Lượt xem: 1"
    other = Client()
    assert _views_shown(other.get(article.get_absolute_url())) == "Lượt xem: 2"
    assert counter.pending(article.pk) == 2
    article.refresh_from_db()
    assert article.view_count == 0  # nothing written yet


def test_viewing_never_writes_to_the_database(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url())  # warm up
    for reader in (client, Client()):
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(article.get_absolute_url()).status_code == 200
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []


def test_bots_and_forged_cookies(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")
    assert counter.pending(article.pk) == 0
    forged = Client()
    forged.cookies[counter.READER_COOKIE] = "forged-value"
    forged.get(article.get_absolute_url())
    forged.get(article.get_absolute_url())
    assert counter.pending(article.pk) == 1  # the forged cookie was replaced by a signed one


def test_flush_moves_pending_counts_and_page_shows_db_plus_pending(client):
    article = ArticleFactory()
    other = ArticleFactory()
    for n in range(5):
        counter.count_view(article_id=article.pk, reader=f"reader-{n}")
    counter.count_view(article_id=other.pk, reader="reader-0")
    assert flush_view_counts.delay().get() == 6
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.view_count, other.view_count) == (5, 1)
    assert counter.pending(article.pk) == 0
    assert flush_view_counts() == 0  # safe to run twice
    article.refresh_from_db()
    assert article.view_count == 5
    assert _views_shown(client.get(article.get_absolute_url())) == "Lượt xem: 6"
    assert counter.pending(article.pk) == 1


def test_beat_schedule_runs_the_flush_every_five_minutes():
    entry = django_settings.CELERY_BEAT_SCHEDULE["news.flush_view_counts"]
    assert entry["task"] == "news.tasks.flush_view_counts"
    assert entry["schedule"] == 300.0


def _hammer(article_id: int, readers: list[str], threads: int = 16) -> None:
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(chunk):
        try:
            barrier.wait()
            for reader in chunk:
                counter.count_view(article_id=article_id, reader=reader)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    chunks = [readers[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []


def test_concurrent_readers_are_all_counted_and_repeats_are_not():
    article_id = 4242
    readers = [f"reader-{n}" for n in range(400)]
    # every reader twice, interleaved across threads: 400 distinct sessions
    _hammer(article_id, readers + readers)
    assert counter.pending(article_id) == 400


@pytest.mark.django_db(transaction=True)
def test_flush_concurrent_with_reads_loses_nothing():
    article = ArticleFactory()
    readers = [f"r{n}" for n in range(300)]
    moved: list[int] = []
    if connection.vendor == "sqlite":
        # SQLite test databases do not take writes from several threads: flush between bursts
        for start in range(0, 300, 50):
            _hammer(article.pk, readers[start : start + 50], threads=8)
            moved.append(services.flush_view_counts())
    else:
        stop = threading.Event()

        def flusher():
            try:
                while not stop.is_set():
                    moved.append(services.flush_view_counts())
            finally:
                connections.close_all()

        thread = threading.Thread(target=flusher)
        thread.start()
        _hammer(article.pk, readers, threads=8)
        stop.set()
        thread.join()
        moved.append(services.flush_view_counts())
    article.refresh_from_db()
    assert article.view_count == 300
    assert counter.pending(article.pk) == 0
    assert sum(moved) == 300


@pytest.mark.redis
def test_concurrent_counting_on_real_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_db14(django_settings.REDIS_URL),
            "KEY_PREFIX": "test-news",
        }
    }
    cache.clear()
    try:
        readers = [f"reader-{n}" for n in range(300)]
        _hammer(99, readers + readers[:100])
        assert counter.pending(99) == 300
        article = ArticleFactory()
        _hammer(article.pk, readers[:120])
        assert services.flush_view_counts() == 120
        article.refresh_from_db()
        assert article.view_count == 120
        assert counter.pending(article.pk) == 0
    finally:
        cache.clear()


def _redis_db14(url: str) -> str:
    """The news app's Redis database (14) on the configured server."""
    base = url.rsplit("/", 1)[0] if url.count("/") >= 3 else url.rstrip("/")
    return f"{base}/14"


def test_article_view_counts_in_model_are_not_in_history():
    article = ArticleFactory()
    before = article.history.count()
    counter.count_view(article_id=article.pk, reader="x")
    services.flush_view_counts()
    assert article.history.count() == before
    assert Article.objects.get(pk=article.pk).view_count == 1
