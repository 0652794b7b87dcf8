"""Shared fixtures and the CI rule that required tests (browser, PostgreSQL, Redis) never skip."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM refuses that unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRED_MARKERS = ("e2e", "postgres", "redis", "faults")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    for item in items:
        if item.get_closest_marker("postgres") and not settings.IS_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if item.get_closest_marker("redis") and not settings.REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs a real Redis: set REDIS_URL"))
        if item.get_closest_marker("e2e") and not os.path.exists(CHROMIUM):
            item.add_marker(
                pytest.mark.skip(
                    reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
                )
            )


_required_skips: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and any(m in report.keywords for m in REQUIRED_MARKERS):
        _required_skips.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_ALL_TESTS") == "1" and _required_skips:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(
                f"REQUIRE_ALL_TESTS=1 but {len(_required_skips)} required test(s) skipped:",
                red=True,
            )
            for nodeid in _required_skips:
                reporter.write_line(f"  {nodeid}", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _isolated_services(settings, tmp_path):
    """Each test gets eager Celery, a private cache, no statistics cache and a private media
    folder."""
    from django.core.cache import cache

    from cchc_portal.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    # exact statistics everywhere (tests/dossiers/test_stats_cache.py turns the cache on)
    settings.STATS_CACHE_SECONDS = 0
    settings.VISIT_COUNTERS_MEMO_SECONDS = 0  # footer figures exact (test_visits.py tests the memo)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.REPORTS_TEMP_DIR = str(tmp_path / "reports-tmp")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    cache.clear()
    yield
    cache.clear()
