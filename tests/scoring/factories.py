"""Scoring factories and a small valid criteria tree for tests."""

import datetime
from decimal import Decimal

import factory
import pytest

from accounts.models import ROLES_REQUIRING_2FA, Role
from scoring.models import Assessment, CriteriaSet, Criterion, RuleType
from tests.factories import AgencyFactory, MembershipFactory


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet

    year = factory.Sequence(lambda n: 2030 + n)
    target_group = "departments"
    name = factory.LazyAttribute(lambda o: f"Bộ tiêu chí {o.year}")
    submission_deadline = datetime.date(2099, 12, 31)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    code = factory.Sequence(lambda n: f"X{n}")
    name = factory.Sequence(lambda n: f"Tiêu chí {n}")
    max_points = Decimal("2")
    rule_type = RuleType.MANUAL


def small_tree(criteria_set) -> dict[str, Criterion]:
    """1 (6) → 1.1 manual (2), 1.2 yes/no (1, evidence required), 1.3 tiers (3);
    2 (4) → 2.1 deduction (4, 1 per occurrence, floor 0)."""
    c = {}
    c["1"] = CriterionFactory(criteria_set=criteria_set, code="1", max_points=6, position=1)
    c["1.1"] = CriterionFactory(
        criteria_set=criteria_set, code="1.1", parent=c["1"], max_points=2, position=1
    )
    c["1.2"] = CriterionFactory(
        criteria_set=criteria_set,
        code="1.2",
        parent=c["1"],
        max_points=1,
        rule_type=RuleType.YES_NO,
        evidence_required=True,
        position=2,
    )
    c["1.3"] = CriterionFactory(
        criteria_set=criteria_set,
        code="1.3",
        parent=c["1"],
        max_points=3,
        rule_type=RuleType.RATIO_TIERS,
        tiers=[["1", "3"], ["0.8", "1.5"]],
        position=3,
    )
    c["2"] = CriterionFactory(criteria_set=criteria_set, code="2", max_points=4, position=2)
    c["2.1"] = CriterionFactory(
        criteria_set=criteria_set,
        code="2.1",
        parent=c["2"],
        max_points=4,
        rule_type=RuleType.DEDUCTION,
        unit_points=Decimal("1"),
        floor_points=Decimal("0"),
        position=1,
    )
    return c


def open_set(**kwargs) -> tuple[CriteriaSet, dict[str, Criterion]]:
    criteria_set = CriteriaSetFactory(**kwargs)
    nodes = small_tree(criteria_set)
    criteria_set.status = CriteriaSet.Status.OPEN
    criteria_set.save()
    return criteria_set, nodes


def staff(role, agency=None):
    user = MembershipFactory(role=role, agency=agency or AgencyFactory()).user
    if role in ROLES_REQUIRING_2FA:  # the staff 2FA middleware requires an authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
    return user


def home_affairs():
    from agencies.models import Agency

    agency = Agency.objects.filter(electronic_id="000.10.00.H13").first()
    return agency or AgencyFactory(name="Sở Nội vụ", electronic_id="000.10.00.H13")


def actors(agency):
    """officer, leader (of agency), appraiser, head of Home Affairs, administrator."""
    return {
        "officer": staff(Role.CCHC_OFFICER, agency),
        "leader": staff(Role.AGENCY_LEADER, agency),
        "appraiser": staff(Role.APPRAISER, home_affairs()),
        "head": staff(Role.AGENCY_LEADER, home_affairs()),
        "admin": staff(Role.ADMINISTRATOR, home_affairs()),
    }


def fill_and_submit(assessment: Assessment, officer, nodes) -> Assessment:
    from scoring import services

    scores = {s.criterion.code: s for s in assessment.scores.select_related("criterion")}
    services.save_self_score(score=scores["1.1"], by=officer, points="1.5")
    services.save_self_score(score=scores["1.2"], by=officer, yes=True)
    services.add_evidence(
        score=scores["1.2"], by=officer, title="QĐ ban hành", url="https://example.vn/qd"
    )
    services.save_self_score(score=scores["1.3"], by=officer, ratio="0.85")
    services.save_self_score(score=scores["2.1"], by=officer, count=1)
    return services.submit(assessment=assessment, by=officer)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Scoring tests create many staff users; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
