"""Helpers of the fault tests: which services they need, subprocess environments, the broker."""

import os
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

from cchc_portal.celery import app

BASE_DIR = Path(settings.BASE_DIR)
TRUST_REDIS_DB = 12  # ours; CI's suite uses the DB of REDIS_URL, the reports worker test 7
DEAD_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

needs_services = pytest.mark.skipif(
    not (settings.REDIS_URL and settings.IS_POSTGRES),
    reason="fault tests need PostgreSQL and Redis: set DATABASE_URL and REDIS_URL",
)
needs_postgres = pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL"
)


def own_redis_url() -> str:
    return urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{TRUST_REDIS_DB}"))


def tests_database_url() -> str:
    """DATABASE_URL of the database the tests run on (pytest-django's test_<name>)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


def subprocess_env(**extra) -> dict:
    """Environment of a worker / server process on the test database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "REQUIRE_ALL_TESTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cchc_portal.settings",
        PYTHONPATH=str(BASE_DIR),
        DATABASE_URL=tests_database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        REPORTS_TEMP_DIR=str(settings.REPORTS_TEMP_DIR),
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def python() -> str:
    return sys.executable


def reset_broker_connections() -> None:
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def point_broker_at(url: str, *, eager: bool = False) -> None:
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    reset_broker_connections()


def purge_queue() -> None:
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)
