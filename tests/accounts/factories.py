"""Account factories: users whose email is verified (able to log in through allauth)."""

import factory
from allauth.account.models import EmailAddress

from tests.factories import StaffFactory, UserFactory

PASSWORD = "Mat-khau-an-toan-2026"


def verify_email(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


class VerifiedUserFactory(UserFactory):
    @factory.post_generation
    def _verified(obj, create, extracted, **kwargs):
        if create and obj.email:
            verify_email(obj)


class VerifiedStaffFactory(StaffFactory):
    @factory.post_generation
    def _verified(obj, create, extracted, **kwargs):
        if create and obj.email:
            verify_email(obj)
