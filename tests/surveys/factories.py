"""Factories for the surveys tests."""

import factory

from accounts.models import Role
from surveys.models import (
    CampaignLink,
    InvitationToken,
    Option,
    Question,
    QuestionPurpose,
    QuestionType,
    Section,
    Survey,
    SurveyKind,
    SurveyStatus,
)
from tests.factories import MembershipFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    kind = SurveyKind.SIPAS
    title = factory.Sequence(lambda n: f"Khảo sát thử nghiệm {n}")
    status = SurveyStatus.OPEN


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    survey = factory.SubFactory(SurveyFactory)
    title = factory.Sequence(lambda n: f"Phần {n}")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    survey = factory.SelfAttribute("section.survey")
    code = factory.Sequence(lambda n: f"Q{n}")
    type = QuestionType.SCALE5
    text = factory.Sequence(lambda n: f"Câu hỏi {n}")
    position = factory.Sequence(lambda n: n)


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    value = factory.Sequence(lambda n: str(n))
    label = factory.Sequence(lambda n: f"Phương án {n}")
    position = factory.Sequence(lambda n: n)


class TokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvitationToken

    survey = factory.SubFactory(SurveyFactory)


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignLink

    survey = factory.SubFactory(SurveyFactory)


def make_survey(**kwargs) -> Survey:
    """A small open survey: S1 scale5 required, S2 single required (a/b/c), S3 multiple
    optional (x/y/z, max 2), S4 number optional (0..10), S5 ranking optional (x/y/z, 2 slots)."""
    survey = SurveyFactory(**kwargs)
    section = SectionFactory(survey=survey, title="Phần chính", position=1)
    QuestionFactory(
        section=section,
        code="S1",
        type=QuestionType.SCALE5,
        purpose=QuestionPurpose.CRITERION,
        sipas_element="access",
        sipas_criterion="1.1",
        text="Nơi tiếp nhận sạch sẽ",
        position=1,
    )
    q2 = QuestionFactory(section=section, code="S2", type=QuestionType.SINGLE, position=2)
    for i, v in enumerate("abc"):
        OptionFactory(question=q2, value=v, label=f"Chọn {v}", position=i)
    q3 = QuestionFactory(
        section=section,
        code="S3",
        type=QuestionType.MULTIPLE,
        required=False,
        max_choices=2,
        position=3,
    )
    q5 = QuestionFactory(
        section=section,
        code="S5",
        type=QuestionType.RANKING,
        required=False,
        max_choices=2,
        position=5,
    )
    for q in (q3, q5):
        for i, v in enumerate("xyz"):
            OptionFactory(question=q, value=v, label=f"Mục {v}", position=i)
    QuestionFactory(
        section=section,
        code="S4",
        type=QuestionType.NUMBER,
        required=False,
        min_value=0,
        max_value=10,
        position=4,
    )
    return survey


def staff(role, agency=None):
    kwargs = {"role": role}
    if agency is not None:
        kwargs["agency"] = agency
    user = MembershipFactory(**kwargs).user
    if role in (Role.APPRAISER, Role.ADMINISTRATOR):
        with_totp(user)  # the staff 2FA middleware requires an authenticator for these roles
    return user


def with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user
