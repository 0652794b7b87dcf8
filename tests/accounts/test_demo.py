import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.exceptions import ImproperlyConfigured

from accounts import demo
from accounts.models import Role, StaffMembership, User
from accounts.permissions import has_role
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

CODES = ["000.10.00.H13", "000.11.00.H13", "000.30.00.H13", "000.40.01.H13"]


@pytest.fixture
def demo_agencies():
    return {code: AgencyFactory(electronic_id=code, is_demo_code=True) for code in CODES}


def snapshot():
    return (
        sorted(User.objects.values_list("email", "password", "full_name", "kind", "phone")),
        sorted(StaffMembership.objects.values_list("user__email", "agency_id", "role")),
        sorted(Authenticator.objects.values_list("user__email", "type", "data")),
        sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
    )


def test_seed_is_idempotent(demo_agencies):
    demo.seed()
    first = snapshot()
    demo.seed()
    assert snapshot() == first
    assert User.objects.count() == 10
    assert len(demo.DEMO_LOGINS) == 10
    head = User.objects.get(email="giamdoc.snv@cchc.local")
    assert head.memberships.get().role == "agency_leader"
    assert head.memberships.get().agency.electronic_id == "000.10.00.H13"
    assert Authenticator.objects.filter(user=head, type="totp").exists()


def test_seed_content(demo_agencies):
    demo.seed()
    admin = User.objects.get(email="admin@cchc.local")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(demo.DEMO_PASSWORD)
    assert has_role(admin, Role.ADMINISTRATOR)
    leader = User.objects.get(email="lanhdao@cchc.local")
    assert has_role(leader, Role.AGENCY_LEADER, agency=demo_agencies["000.11.00.H13"])
    citizen = User.objects.get(email="congdan@cchc.local")
    assert (citizen.phone, citizen.citizen_id, citizen.kind) == (
        "0901234567",
        "092090001234",
        User.Kind.CITIZEN,
    )
    assert EmailAddress.objects.get(user=citizen).verified
    for email in ("admin@cchc.local", "thamdinh@cchc.local"):
        auth = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        code = format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, int(time.time()) // 30))
        assert TOTP(auth).validate_code(code)
    assert not Authenticator.objects.filter(user__email="motcua@cchc.local").exists()


def test_seed_without_agencies_fails_clearly():
    with pytest.raises(ImproperlyConfigured, match="agencies seed"):
        demo.seed()
    assert not User.objects.exists()
