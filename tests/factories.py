"""factory_boy factories shared by all test packages."""

import datetime

import factory

from accounts.models import Role, StaffMembership, User
from agencies.models import Agency


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    level = Agency.Level.PROVINCE
    kind = Agency.Kind.DEPARTMENT
    # middle group from 20: tests that fix an id use 00-12 and 99 there
    electronic_id = factory.Sequence(lambda n: f"000.{n % 100:02d}.{n // 100 + 20:02d}.H13")
    valid_from = datetime.date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    kind = User.Kind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "Mat-khau-an-toan-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    kind = User.Kind.STAFF


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(StaffFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.DESK_OFFICER
