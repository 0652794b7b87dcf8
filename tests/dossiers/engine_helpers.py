"""Small helpers for the engine tests."""

import datetime
from zoneinfo import ZoneInfo

import pytest

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


@pytest.fixture
def fast_hasher(settings):
    """Factories set passwords; MD5 keeps the parametrized tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
