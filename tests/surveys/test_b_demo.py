"""surveys.demo_b.seed: a small bank, one open knowledge test and one skills test; idempotent."""

import pytest

from accounts.models import Role
from surveys import demo_b, knowledge
from surveys.models import BankOption, BankQuestion, Survey, SurveyEvent, SurveyKind
from tests.surveys.factories import staff

pytestmark = pytest.mark.django_db


def _counts():
    return (
        BankQuestion.objects.count(),
        BankOption.objects.count(),
        Survey.objects.count(),
        SurveyEvent.objects.count(),
    )


def test_seed_is_idempotent_and_tests_can_be_taken():
    demo_b.seed()
    first = _counts()
    demo_b.seed()
    assert _counts() == first
    assert first[0] >= 20
    # every question has exactly the options it was given and at least one correct answer
    for q in BankQuestion.objects.prefetch_related("options"):
        assert any(o.is_correct for o in q.options.all()), q.text
    test = Survey.objects.get(code=demo_b.KNOWLEDGE_CODE)
    skills = Survey.objects.get(code=demo_b.SKILLS_CODE)
    assert test.is_open and skills.is_open and skills.kind == SurveyKind.SKILLS_TEST
    user = staff(Role.PROCESSING_OFFICER)
    attempt = knowledge.start_attempt(survey=test, user=user)
    assert len(attempt.question_ids) == 10
    drawn = BankQuestion.objects.filter(pk__in=attempt.question_ids)
    assert all(q.topic.for_kind == SurveyKind.KNOWLEDGE_TEST for q in drawn)
    skills_attempt = knowledge.start_attempt(survey=skills, user=user)
    assert all(
        q.topic.code == "tin-hoc"
        for q in BankQuestion.objects.filter(pk__in=skills_attempt.question_ids)
    )
