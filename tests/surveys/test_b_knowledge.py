"""Knowledge tests: draw, server-side deadline, once per person, scoring, pages."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from surveys import knowledge
from surveys.models import Survey, SurveyKind
from surveys.models import TestAttempt as Attempt
from surveys.models import TestFixedQuestion as FixedQuestion
from tests.factories import AgencyFactory, UserFactory
from tests.surveys.factories import staff
from tests.surveys.factories_b import (
    TopicFactory,
    bank_question,
    correct_ids,
    knowledge_test,
    wrong_ids,
)

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def bank():
    topic, other = TopicFactory(), TopicFactory()
    questions = [bank_question(topic) for _i in range(6)]
    questions.append(
        bank_question(topic, qtype="multiple", correct=(0, 2), options=4, points=Decimal("2"))
    )
    bank_question(other)  # another topic: never drawn
    return {"topic": topic, "questions": questions, "other": other}


def test_random_draw_from_topics_is_reproducible_per_attempt(bank):
    survey = knowledge_test(topics=[bank["topic"]], draw_count=4)
    ids = knowledge.draw_questions(survey=survey, seed="attempt:1")
    assert ids == knowledge.draw_questions(survey=survey, seed="attempt:1")
    assert len(ids) == 4 and len(set(ids)) == 4
    assert set(ids) <= {q.pk for q in bank["questions"]}
    user = staff(Role.PROCESSING_OFFICER)
    attempt = knowledge.start_attempt(survey=survey, user=user)
    assert len(attempt.question_ids) == 4
    assert attempt.agency_id == user.memberships.get().agency_id


def test_fixed_draw_keeps_order(bank):
    survey = knowledge_test(draw_count=None)
    survey.draw_mode = Survey.DrawMode.FIXED
    survey.save()
    chosen = bank["questions"][:3]
    for pos, q in enumerate(reversed(chosen)):
        FixedQuestion.objects.create(survey=survey, question=q, position=pos)
    attempt = knowledge.start_attempt(survey=survey, user=staff(Role.DESK_OFFICER))
    assert attempt.question_ids == [q.pk for q in reversed(chosen)]


def test_deadline_fixed_on_server_and_scoring(bank):
    survey = knowledge_test(topics=[bank["topic"]], draw_count=7, minutes=10)
    user = staff(Role.DESK_OFFICER)
    with time_machine.travel(START, tick=False):
        attempt = knowledge.start_attempt(survey=survey, user=user)
    assert attempt.deadline_at == START + datetime.timedelta(minutes=10)
    questions = {q.pk: q for q in knowledge.questions_of(attempt)}
    answers = {}
    for n, qid in enumerate(attempt.question_ids):
        q = questions[qid]
        answers[qid] = correct_ids(q) if n < 4 or q.type == "multiple" else wrong_ids(q)
    expected_correct = sum(
        1
        for n, qid in enumerate(attempt.question_ids)
        if n < 4 or questions[qid].type == "multiple"
    )
    expected_score = sum(
        questions[qid].points
        for n, qid in enumerate(attempt.question_ids)
        if n < 4 or questions[qid].type == "multiple"
    )
    with time_machine.travel(START + datetime.timedelta(minutes=9), tick=False):
        attempt = knowledge.submit_attempt(attempt=attempt, answers=answers)
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.correct_count == expected_correct
    assert attempt.score == expected_score
    assert attempt.max_score == Decimal("8")  # 6 × 1 + 1 × 2
    with pytest.raises(knowledge.AttemptClosed):
        knowledge.submit_attempt(attempt=attempt, answers=answers)


def test_partial_multiple_choice_is_wrong(bank):
    multiple = bank["questions"][-1]
    survey = knowledge_test(draw_count=None)
    survey.draw_mode = Survey.DrawMode.FIXED
    survey.save()
    FixedQuestion.objects.create(survey=survey, question=multiple, position=1)
    attempt = knowledge.start_attempt(survey=survey, user=staff(Role.DESK_OFFICER))
    attempt = knowledge.submit_attempt(
        attempt=attempt, answers={multiple.pk: correct_ids(multiple)[:1]}
    )
    assert attempt.correct_count == 0 and attempt.score == 0


def test_late_submit_refused_and_only_saved_answers_count(bank):
    survey = knowledge_test(topics=[bank["topic"]], draw_count=3, minutes=5)
    user = staff(Role.PROCESSING_OFFICER)
    with time_machine.travel(START, tick=False):
        attempt = knowledge.start_attempt(survey=survey, user=user)
    questions = {q.pk: q for q in knowledge.questions_of(attempt)}
    first, second, third = attempt.question_ids
    with time_machine.travel(START + datetime.timedelta(minutes=2), tick=False):
        knowledge.save_answer(
            attempt=attempt, question_id=first, selected=correct_ids(questions[first])
        )
    # within the 30 s grace an autosave still counts
    with time_machine.travel(START + datetime.timedelta(minutes=5, seconds=20), tick=False):
        knowledge.save_answer(
            attempt=attempt, question_id=second, selected=correct_ids(questions[second])
        )
    with time_machine.travel(START + datetime.timedelta(minutes=6), tick=False):
        with pytest.raises(knowledge.TimeUp) as exc:
            knowledge.save_answer(
                attempt=attempt, question_id=third, selected=correct_ids(questions[third])
            )
        assert str(exc.value) == "Đã hết thời gian làm bài."
        with pytest.raises(knowledge.TimeUp):
            knowledge.submit_attempt(
                attempt=attempt,
                answers={qid: correct_ids(q) for qid, q in questions.items()},
            )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert attempt.correct_count == 2  # the third answer, sent late, is not counted
    assert attempt.answers.count() == 2


def test_once_per_person(bank):
    survey = knowledge_test(topics=[bank["topic"]])
    user = staff(Role.DESK_OFFICER)
    attempt = knowledge.start_attempt(survey=survey, user=user)
    assert knowledge.start_attempt(survey=survey, user=user) == attempt  # resume
    knowledge.submit_attempt(attempt=attempt, answers={})
    with pytest.raises(knowledge.AlreadyTaken):
        knowledge.start_attempt(survey=survey, user=user)
    with pytest.raises(IntegrityError):
        Attempt.objects.create(survey=survey, user=user, started_at=timezone.now())


def test_non_staff_and_closed_tests_refused(bank):
    survey = knowledge_test(topics=[bank["topic"]])
    with pytest.raises(knowledge.NotStaff):
        knowledge.start_attempt(survey=survey, user=UserFactory())
    closed = knowledge_test(topics=[bank["topic"]], status="closed")
    with pytest.raises(knowledge.TestNotOpen):
        knowledge.start_attempt(survey=closed, user=staff(Role.DESK_OFFICER))
    empty = knowledge_test(topics=[TopicFactory()])
    with pytest.raises(knowledge.EmptyBank):
        knowledge.start_attempt(survey=empty, user=staff(Role.DESK_OFFICER))
    assert not Attempt.objects.filter(survey=empty).exists()


def test_invalid_option_refused(bank):
    survey = knowledge_test(topics=[bank["topic"]], draw_count=1)
    attempt = knowledge.start_attempt(survey=survey, user=staff(Role.DESK_OFFICER))
    foreign = bank["questions"][0].options.first().pk
    qid = attempt.question_ids[0]
    if qid == bank["questions"][0].pk:
        foreign = bank["questions"][1].options.first().pk
    with pytest.raises(knowledge.InvalidChoice):
        knowledge.save_answer(attempt=attempt, question_id=qid, selected=[foreign])


def test_open_tests_list_targets(bank):
    agency = AgencyFactory()
    user = staff(Role.DESK_OFFICER, agency=agency)
    mine = knowledge_test(topics=[bank["topic"]], title="Bài của tôi")
    mine.target_agencies.set([agency])
    other = knowledge_test(topics=[bank["topic"]], title="Bài đơn vị khác")
    other.target_agencies.set([AgencyFactory()])
    everyone = knowledge_test(topics=[bank["topic"]], title="Bài chung")
    knowledge_test(topics=[bank["topic"]], status="draft")
    titles = {t.title for t in knowledge.open_tests_for(user=user)}
    assert titles == {mine.title, everyone.title}


def test_pages_take_and_submit(client, bank):
    survey = knowledge_test(topics=[bank["topic"]], draw_count=3, minutes=20)
    user = staff(Role.CCHC_OFFICER)
    client.force_login(user)
    page = client.get(reverse("surveys:knowledge_list"))
    assert survey.title in page.content.decode()
    response = client.post(reverse("surveys:knowledge_start", args=[survey.public_id]))
    attempt = Attempt.objects.get(survey=survey, user=user)
    assert response.url == reverse("surveys:knowledge_attempt", args=[attempt.public_id])
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'id="countdown"' in page.content.decode()
    questions = {q.pk: q for q in knowledge.questions_of(attempt)}
    first = attempt.question_ids[0]
    saved = client.post(
        reverse("surveys:knowledge_autosave", args=[attempt.public_id, first]),
        {f"q{first}": correct_ids(questions[first])},
    )
    assert saved.status_code == 200 and "Đã lưu" in saved.content.decode()
    data = {f"q{qid}": correct_ids(q) for qid, q in questions.items()}
    response = client.post(reverse("surveys:knowledge_attempt", args=[attempt.public_id]), data)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.correct_count == 3
    done = client.get(response.url)
    total = f"{attempt.max_score.normalize():f}"  # 3, or 4 when the 2-point question is drawn
    assert attempt.score == attempt.max_score
    assert f'id="attempt-score">{total}/{total}<' in done.content.decode()
    # another user cannot open this attempt
    client.force_login(staff(Role.DESK_OFFICER))
    assert (
        client.get(reverse("surveys:knowledge_attempt", args=[attempt.public_id])).status_code
        == 404
    )


def test_late_submit_page_message(client, bank):
    survey = knowledge_test(topics=[bank["topic"]], draw_count=2, minutes=1)
    user = staff(Role.DESK_OFFICER)
    client.force_login(user)
    with time_machine.travel(START, tick=False):
        client.post(reverse("surveys:knowledge_start", args=[survey.public_id]))
    attempt = Attempt.objects.get(user=user)
    with time_machine.travel(START + datetime.timedelta(minutes=3), tick=False):
        response = client.post(
            reverse("surveys:knowledge_attempt", args=[attempt.public_id]), follow=True
        )
    assert "Đã hết thời gian làm bài" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED


def test_citizen_cannot_take_tests(client, bank):
    client.force_login(UserFactory())
    assert client.get(reverse("surveys:knowledge_list")).status_code == 403


def test_results_page_and_selector(client, bank, django_assert_max_num_queries):
    agency = AgencyFactory(name="Sở Thử")
    ones = TopicFactory()
    for _i in range(4):
        bank_question(ones)  # 1 point each
    survey = knowledge_test(topics=[ones], draw_count=2, kind=SurveyKind.KNOWLEDGE_TEST)
    takers = [staff(Role.DESK_OFFICER, agency=agency) for _i in range(3)]
    staff(Role.PROCESSING_OFFICER, agency=agency)  # 4 staff, 3 take the test
    scores = []
    for n, user in enumerate(takers):
        attempt = knowledge.start_attempt(survey=survey, user=user)
        questions = {q.pk: q for q in knowledge.questions_of(attempt)}
        # n correct answers out of 2 -> 0, 5 and 10 points on the 10-point scale
        answers = {
            qid: (correct_ids(q) if i < n else wrong_ids(q))
            for i, (qid, q) in enumerate(questions.items())
        }
        scores.append(knowledge.submit_attempt(attempt=attempt, answers=answers).score)
    from surveys.selectors import knowledge_results

    data = knowledge_results(agency=agency, year=timezone.localdate().year)
    assert data["attempts"] == 3 and data["staff"] == 4
    assert data["participation_rate"] == pytest.approx(75)
    assert data["mean_score"] == pytest.approx(5)  # (0 + 5 + 10) / 3
    assert data["bands"] == {"lt5": 1, "5to65": 1, "65to8": 0, "ge8": 1}
    assert knowledge_results(agency=agency, year=2000)["attempts"] == 0

    url = reverse("surveys:knowledge_results", args=[survey.public_id])
    client.force_login(takers[0])
    assert client.get(url).status_code == 403
    client.force_login(staff(Role.APPRAISER))
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sở Thử" in body and "75,00" in body
