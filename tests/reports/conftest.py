import pytest

from accounts.models import Role
from reports.registry import ReportBuilder, ReportError, register, unregister
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory, UserFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def staff_user(db):
    return MembershipFactory(role=Role.PROCESSING_OFFICER, agency=AgencyFactory()).user


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def administrator(db):
    """An ADMINISTRATOR with TOTP (the accounts middleware requires 2FA for this role)."""
    from allauth.mfa.models import Authenticator

    user = StaffFactory()
    MembershipFactory(user=user, role=Role.ADMINISTRATOR)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _login


@pytest.fixture
def test_builders():
    """Register throw-away builders for one test, removed afterwards."""
    registered: list[str] = []

    def _add(cls):
        register(cls)
        registered.append(cls.kind)
        return cls

    yield _add
    for kind in registered:
        unregister(kind)


class AllowEveryone(ReportBuilder):
    file_extension = "pdf"

    def has_permission(self, user, params):
        return True


@pytest.fixture
def failing_builder(test_builders):
    @test_builders
    class Failing(AllowEveryone):
        kind = "tests.failing"
        label = "Failing"

        def build(self, *, params, out, progress, user):
            out.write(b"partial bytes")
            progress(50)
            raise RuntimeError("boom")

    return Failing


@pytest.fixture
def refusing_builder(test_builders):
    @test_builders
    class Refusing(AllowEveryone):
        kind = "tests.refusing"
        label = "Refusing"

        def build(self, *, params, out, progress, user):
            out.write(b"partial bytes")
            raise ReportError("Không có dữ liệu cho kỳ báo cáo đã chọn.")

    return Refusing
