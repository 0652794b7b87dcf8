import pytest

from accounts.models import Role
from accounts.permissions import agencies_of, has_role, is_staff_user, roles_of
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_roles_are_scoped_to_agencies():
    a, b, c = AgencyFactory(), AgencyFactory(), AgencyFactory()
    user = StaffFactory()
    MembershipFactory(user=user, agency=a, role=Role.DESK_OFFICER)
    MembershipFactory(user=user, agency=b, role=Role.PROCESSING_OFFICER)
    MembershipFactory(user=user, agency=c, role=Role.AGENCY_LEADER, is_active=False)

    assert roles_of(user) == {Role.DESK_OFFICER, Role.PROCESSING_OFFICER}
    assert roles_of(user, a) == {Role.DESK_OFFICER}
    assert has_role(user, Role.DESK_OFFICER, agency=a)
    assert not has_role(user, Role.DESK_OFFICER, agency=b)
    assert not has_role(user, Role.AGENCY_LEADER, agency=c)
    assert set(agencies_of(user)) == {a, b}
    assert set(agencies_of(user, roles=[Role.PROCESSING_OFFICER])) == {b}
    assert is_staff_user(user)


def test_province_wide_roles_see_every_agency():
    a, b = AgencyFactory(), AgencyFactory()
    appraiser = StaffFactory()
    MembershipFactory(user=appraiser, agency=a, role=Role.APPRAISER)
    assert has_role(appraiser, Role.APPRAISER, agency=b)
    assert not has_role(appraiser, Role.DESK_OFFICER, agency=b)
    assert set(agencies_of(appraiser)) == {a, b}
    # Asking for a local role only: the appraiser holds none.
    assert set(agencies_of(appraiser, roles=[Role.DESK_OFFICER])) == set()


def test_anonymous_citizen_and_inactive_users_have_nothing(rf):
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(AnonymousUser()) == set()
    assert not agencies_of(AnonymousUser()).exists()
    citizen = UserFactory()
    assert roles_of(citizen) == set()
    assert not is_staff_user(citizen)
    gone = StaffFactory(is_active=False)
    MembershipFactory(user=gone, role=Role.ADMINISTRATOR)
    assert roles_of(gone) == set()
