"""A small province for the security tests: two agencies, staff of each role, two citizens with
full personal data, an online dossier of citizen A and a returned one."""

from dataclasses import dataclass

import pytest

from accounts.models import Role
from dossiers import services
from dossiers.models import Status
from tests.dossiers import citizen_helpers
from tests.dossiers.factories import DossierFactory
from tests.dossiers.staff_helpers import build_world
from tests.factories import MembershipFactory, StaffFactory, UserFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

CITIZEN_A = {
    "full_name": "Hoàng Thị Bí Mật",
    "phone": "0987654321",
    "citizen_id": "092301009876",
    "address": "99 Đường Riêng Tư, phường An Hòa",
}


@dataclass
class Province:
    staff: object
    citizen_a: object
    citizen_b: object
    administrator: object
    appraiser: object
    dossier: object
    returned: object


def _with_totp(user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province(db):
    staff = build_world()
    citizen_a = UserFactory(**CITIZEN_A)
    citizen_b = UserFactory(full_name="Lý Văn Khác", phone="0911222333")
    administrator = _with_totp(StaffFactory(full_name="Quản Trị Viên"))
    MembershipFactory(user=administrator, agency=staff.agency, role=Role.ADMINISTRATOR)
    appraiser = _with_totp(StaffFactory(full_name="Thẩm Định Viên"))
    MembershipFactory(user=appraiser, agency=staff.agency, role=Role.APPRAISER)
    dossier = services.create_draft(user=citizen_a, case=staff.case, competent_agency=staff.agency)
    for document in (staff.form_doc, staff.birth_doc):
        services.add_attachment(
            dossier=dossier, user=citizen_a, file=citizen_helpers.pdf(), required_document=document
        )
    dossier = services.submit_online(dossier=dossier, user=citizen_a)
    returned = DossierFactory(
        status=Status.RETURNED,
        code=f"{staff.agency.electronic_id}-010125-9001",
        case=staff.case,
        competent_agency=staff.agency,
        applicant_user=citizen_b,
    )
    return Province(staff, citizen_a, citizen_b, administrator, appraiser, dossier, returned)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _login
