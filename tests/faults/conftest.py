import pytest

from accounts.models import Role
from tests.factories import AgencyFactory, MembershipFactory


@pytest.fixture
def staff_user(db):
    return MembershipFactory(role=Role.PROCESSING_OFFICER, agency=AgencyFactory()).user
