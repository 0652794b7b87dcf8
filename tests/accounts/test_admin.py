import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import Role, StaffMembership, User
from tests.accounts.factories import VerifiedStaffFactory
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = VerifiedStaffFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(user)
    return client


def test_admin_creates_staff_with_verified_email(admin_client):
    response = admin_client.post(
        "/quan-tri/accounts/user/add/",
        {
            "email": "Moi@Cchc.local",
            "phone": "+84 912 000 111",
            "full_name": "Cán Bộ Mới",
            "kind": User.Kind.STAFF,
            "password1": "Mat-khau-an-toan-2026",
            "password2": "Mat-khau-an-toan-2026",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="moi@cchc.local")
    assert user.phone == "0912000111"
    assert EmailAddress.objects.get(user=user).verified


def test_membership_changes_are_audited(admin_client):
    user = VerifiedStaffFactory()
    agency = AgencyFactory()
    membership = StaffMembership.objects.create(user=user, agency=agency, role=Role.EDITOR)
    membership.is_active = False
    membership.save()
    assert membership.history.count() == 2
    response = admin_client.get(f"/quan-tri/accounts/staffmembership/{membership.pk}/history/")
    assert response.status_code == 200
