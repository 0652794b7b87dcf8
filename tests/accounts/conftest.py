import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Password hashing dominates these tests; the hasher is not what they check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
