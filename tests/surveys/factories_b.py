"""Factories and builders for SURVEYS-B tests (results, sampling, knowledge tests)."""

import datetime

import factory
from django.utils import timezone

from surveys.models import (
    Answer,
    BankOption,
    BankQuestion,
    BankTopic,
    QuestionPurpose,
    QuestionType,
    Response,
    ResponseStatus,
    Survey,
    SurveyKind,
    SurveyStatus,
)
from tests.surveys.factories import OptionFactory, QuestionFactory, SectionFactory, SurveyFactory


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    status = ResponseStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


def respond(survey, *, agency=None, procedure_code="", status=ResponseStatus.SUBMITTED, **answers):
    """A response with answers given as code=value (int for scale5, list for multiple/ranking,
    str for single)."""
    response = ResponseFactory(
        survey=survey,
        agency=agency,
        procedure_code=procedure_code,
        status=status,
        submitted_at=timezone.now() if status == ResponseStatus.SUBMITTED else None,
    )
    questions = {q.code: q for q in survey.questions.all()}
    for code, value in answers.items():
        q = questions[code]
        if isinstance(value, list):
            Answer.objects.create(response=response, question=q, value_choices=value)
        elif isinstance(value, str):
            Answer.objects.create(response=response, question=q, value_text=value)
        else:
            Answer.objects.create(response=response, question=q, value_int=value)
    return response


def sipas_survey(**kwargs) -> Survey:
    """C1 (1.1), C2 (1.2) in "access", C3 (2.1) in "procedures", G general, E1 multiple (a/b/c),
    E2 ranking (x/y/z)."""
    survey = SurveyFactory(kind=SurveyKind.SIPAS, **kwargs)
    section = SectionFactory(survey=survey, position=1)
    for pos, (code, element, criterion) in enumerate(
        [("C1", "access", "1.1"), ("C2", "access", "1.2"), ("C3", "procedures", "2.1")], start=1
    ):
        QuestionFactory(
            section=section,
            code=code,
            type=QuestionType.SCALE5,
            purpose=QuestionPurpose.CRITERION,
            sipas_element=element,
            sipas_criterion=criterion,
            text=f"Tiêu chí {criterion}",
            position=pos,
            required=False,
        )
    QuestionFactory(
        section=section,
        code="G",
        type=QuestionType.SCALE5,
        purpose=QuestionPurpose.GENERAL,
        text="Hài lòng chung",
        position=10,
        required=False,
    )
    for pos, (code, qtype, values) in enumerate(
        [("E1", QuestionType.MULTIPLE, "abc"), ("E2", QuestionType.RANKING, "xyz")], start=11
    ):
        q = QuestionFactory(
            section=section,
            code=code,
            type=qtype,
            purpose=QuestionPurpose.EXPECTATION,
            text=f"Mong đợi {code}",
            position=pos,
            required=False,
        )
        for i, v in enumerate(values):
            OptionFactory(question=q, value=v, label=f"Phương án {v}", position=i)
    return survey


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankTopic

    code = factory.Sequence(lambda n: f"chu-de-{n}")
    name = factory.Sequence(lambda n: f"Chủ đề {n}")
    for_kind = SurveyKind.KNOWLEDGE_TEST


def bank_question(topic, *, correct=(0,), options=3, qtype=BankQuestion.Type.SINGLE, points=1):
    q = BankQuestion.objects.create(topic=topic, type=qtype, text="Câu hỏi kiểm tra", points=points)
    for i in range(options):
        BankOption.objects.create(
            question=q, position=i, label=f"Phương án {i}", is_correct=i in correct
        )
    return q


def knowledge_test(*, topics=(), draw_count=3, minutes=15, **kwargs) -> Survey:
    survey = SurveyFactory(
        kind=kwargs.pop("kind", SurveyKind.KNOWLEDGE_TEST),
        status=kwargs.pop("status", SurveyStatus.OPEN),
        draw_count=draw_count,
        time_limit_minutes=minutes,
        **kwargs,
    )
    survey.draw_topics.set(topics)
    return survey


def correct_ids(question) -> list[int]:
    return [o.pk for o in question.options.all() if o.is_correct]


def wrong_ids(question) -> list[int]:
    return [next(o.pk for o in question.options.all() if not o.is_correct)]


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
