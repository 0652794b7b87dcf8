"""Knowledge and skills tests for officials (domain.md §6.4): taking a test and scoring it.

- A staff member (any role) starts an open test once (TestAttempt is unique per survey and
  user). The questions are drawn at start: at random from the test's topics with
  random.Random(seed derived from the attempt id) or the test's fixed list; the deadline is
  fixed on the server (started_at + time limit).
- Answers may be saved one by one (autosave) until the deadline plus a grace period; the
  final submit scores on the server. A submit after deadline + grace is refused ("Đã hết thời
  gian làm bài"): the attempt is marked expired and scored with the answers saved in time.
"""

import datetime
import random
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffMembership
from accounts.permissions import roles_of

from .models import (
    TEST_KINDS,
    AttemptAnswer,
    BankQuestion,
    Survey,
    SurveyStatus,
    TestAttempt,
)
from .services import SurveyError

GRACE = datetime.timedelta(seconds=30)


class NotStaff(SurveyError):
    default = _("Chỉ cán bộ, công chức có tài khoản được phân công mới làm được bài kiểm tra.")


class TestNotOpen(SurveyError):
    default = _("Bài kiểm tra này hiện không mở.")


class AlreadyTaken(SurveyError):
    default = _("Bạn đã làm bài kiểm tra này. Mỗi người chỉ được làm một lần.")


class AttemptClosed(SurveyError):
    default = _("Bài làm đã được nộp, không thể thay đổi.")


class TimeUp(SurveyError):
    default = _("Đã hết thời gian làm bài.")


class EmptyBank(SurveyError):
    default = _("Ngân hàng câu hỏi chưa có câu hỏi cho bài kiểm tra này.")


class InvalidChoice(SurveyError):
    default = _("Phương án đã chọn không thuộc câu hỏi này.")


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and roles_of(user))


def _in_period(survey: Survey, day: datetime.date) -> bool:
    return not (
        (survey.period_start and day < survey.period_start)
        or (survey.period_end and day > survey.period_end)
    )


def open_tests_for(*, user) -> QuerySet[Survey]:
    """Open tests in their period that target one of the user's agencies (or every agency),
    annotated with `taken` (the user already has an attempt)."""
    if not is_staff(user):
        return Survey.objects.none()
    today = timezone.localdate()
    my_agencies = StaffMembership.objects.filter(user=user, is_active=True).values("agency_id")
    return (
        Survey.objects.filter(kind__in=TEST_KINDS, status=SurveyStatus.OPEN)
        .filter(Q(period_start__isnull=True) | Q(period_start__lte=today))
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=today))
        .filter(Q(target_agencies__isnull=True) | Q(target_agencies__in=my_agencies))
        .distinct()
        .annotate(taken=Exists(TestAttempt.objects.filter(survey=OuterRef("pk"), user=user)))
        .order_by("period_end", "title", "pk")
    )


def attempts_of(*, user) -> QuerySet[TestAttempt]:
    return TestAttempt.objects.filter(user=user).select_related("survey").order_by("-started_at")


def _agency_for(user, survey: Survey):
    memberships = list(
        StaffMembership.objects.filter(user=user, is_active=True)
        .select_related("agency")
        .order_by("pk")
    )
    targets = set(survey.target_agencies.values_list("pk", flat=True))
    for m in memberships:
        if m.agency_id in targets:
            return m.agency
    return memberships[0].agency if memberships else None


def draw_questions(*, survey: Survey, seed) -> list[int]:
    """BankQuestion ids for one attempt, in order."""
    if survey.draw_mode == Survey.DrawMode.FIXED:
        ids = list(
            survey.fixed_entries.filter(question__is_active=True)
            .order_by("position", "pk")
            .values_list("question_id", flat=True)
        )
        return ids[: survey.draw_count] if survey.draw_count else ids
    topics = list(survey.draw_topics.values_list("pk", flat=True))
    pool = BankQuestion.objects.filter(is_active=True)
    pool = pool.filter(topic_id__in=topics) if topics else pool.filter(topic__for_kind=survey.kind)
    ids = list(pool.order_by("pk").values_list("pk", flat=True))
    count = min(survey.draw_count or len(ids), len(ids))
    rng = random.Random(seed)  # noqa: S311 — reproducible draw, not security
    return rng.sample(ids, count)


def start_attempt(*, survey: Survey, user, now: datetime.datetime | None = None) -> TestAttempt:
    """Start (or continue) the user's single attempt at an open test."""
    if not is_staff(user):
        raise NotStaff()
    existing = TestAttempt.objects.filter(survey=survey, user=user).first()
    if existing is not None:
        if existing.status == TestAttempt.Status.IN_PROGRESS:
            return existing
        raise AlreadyTaken()
    now = now or timezone.now()
    if survey.kind not in TEST_KINDS or survey.status != SurveyStatus.OPEN:
        raise TestNotOpen()
    if not _in_period(survey, timezone.localdate(now)):
        raise TestNotOpen(_("Bài kiểm tra này không trong thời gian làm bài."))
    try:
        with transaction.atomic():
            attempt = TestAttempt.objects.create(
                survey=survey,
                user=user,
                agency=_agency_for(user, survey),
                started_at=now,
                deadline_at=(
                    now + datetime.timedelta(minutes=survey.time_limit_minutes)
                    if survey.time_limit_minutes
                    else None
                ),
            )
            ids = draw_questions(survey=survey, seed=f"attempt:{attempt.pk}:{attempt.public_id}")
            if not ids:
                raise EmptyBank()
            attempt.question_ids = ids
            attempt.save(update_fields=["question_ids"])
    except IntegrityError:  # a concurrent start by the same person won
        attempt = TestAttempt.objects.get(survey=survey, user=user)
        if attempt.status != TestAttempt.Status.IN_PROGRESS:
            raise AlreadyTaken() from None
    return attempt


def questions_of(attempt: TestAttempt) -> list[BankQuestion]:
    """The drawn questions in drawn order, options prefetched (2 queries)."""
    by_id = {
        q.pk: q
        for q in BankQuestion.objects.filter(pk__in=attempt.question_ids).prefetch_related(
            "options"
        )
    }
    return [by_id[i] for i in attempt.question_ids if i in by_id]


def is_past_deadline(attempt: TestAttempt, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def _clean_selected(question: BankQuestion, selected) -> list[int]:
    valid = {o.pk for o in question.options.all()}
    try:
        ids = sorted({int(v) for v in selected or []})
    except (TypeError, ValueError):
        raise InvalidChoice() from None
    if any(i not in valid for i in ids):
        raise InvalidChoice()
    if question.type == BankQuestion.Type.SINGLE and len(ids) > 1:
        raise InvalidChoice(_("Câu hỏi này chỉ được chọn một phương án."))
    return ids


def _correct_ids(question: BankQuestion) -> set[int]:
    return {o.pk for o in question.options.all() if o.is_correct}


def _store(attempt: TestAttempt, questions: dict[int, BankQuestion], answers: dict) -> None:
    for qid, selected in answers.items():
        question = questions.get(int(qid))
        if question is None:
            continue
        ids = _clean_selected(question, selected)
        AttemptAnswer.objects.update_or_create(
            attempt=attempt,
            question=question,
            defaults={"selected": ids, "is_correct": set(ids) == _correct_ids(question)},
        )


def save_answer(
    *, attempt: TestAttempt, question_id: int, selected, now: datetime.datetime | None = None
) -> AttemptAnswer | None:
    """Autosave one answer. Refused once the attempt is closed or the time is up."""
    with transaction.atomic():
        attempt = TestAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != TestAttempt.Status.IN_PROGRESS:
            raise AttemptClosed()
        if is_past_deadline(attempt, now):
            raise TimeUp()
        questions = {q.pk: q for q in questions_of(attempt)}
        _store(attempt, questions, {question_id: selected})
    return AttemptAnswer.objects.filter(attempt=attempt, question_id=question_id).first()


def _score(attempt: TestAttempt, questions: list[BankQuestion]) -> None:
    saved = {a.question_id: a for a in attempt.answers.all()}
    score, max_score, correct = Decimal(0), Decimal(0), 0
    for q in questions:
        max_score += q.points
        answer = saved.get(q.pk)
        if answer is not None and set(answer.selected) == _correct_ids(q) and answer.selected:
            score += q.points
            correct += 1
    attempt.score, attempt.max_score, attempt.correct_count = score, max_score, correct


def _close(attempt: TestAttempt, *, status: str, now: datetime.datetime) -> None:
    _score(attempt, questions_of(attempt))
    attempt.status = status
    attempt.submitted_at = now
    attempt.save(update_fields=["score", "max_score", "correct_count", "status", "submitted_at"])


def submit_attempt(
    *, attempt: TestAttempt, answers: dict, now: datetime.datetime | None = None
) -> TestAttempt:
    """Final submit: answers {question id: [option ids]}; scored on the server.

    After the deadline (+ grace) nothing submitted now counts: the attempt is closed as
    expired with the answers saved in time, and TimeUp is raised."""
    now = now or timezone.now()
    expired = False
    with transaction.atomic():
        attempt = TestAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != TestAttempt.Status.IN_PROGRESS:
            raise AttemptClosed()
        if is_past_deadline(attempt, now):
            _close(attempt, status=TestAttempt.Status.EXPIRED, now=now)
            expired = True
        else:
            questions = {q.pk: q for q in questions_of(attempt)}
            _store(attempt, questions, answers)
            _close(attempt, status=TestAttempt.Status.SUBMITTED, now=now)
    if expired:
        raise TimeUp()
    return attempt


def expire_if_due(attempt: TestAttempt, now: datetime.datetime | None = None) -> TestAttempt:
    """Close an in-progress attempt whose time is up (when its page is opened again)."""
    now = now or timezone.now()
    if attempt.status == TestAttempt.Status.IN_PROGRESS and is_past_deadline(attempt, now):
        with transaction.atomic():
            attempt = TestAttempt.objects.select_for_update().get(pk=attempt.pk)
            if attempt.status == TestAttempt.Status.IN_PROGRESS:
                _close(attempt, status=TestAttempt.Status.EXPIRED, now=now)
    return attempt


def saved_answers(attempt: TestAttempt) -> dict[int, list[int]]:
    return dict(attempt.answers.values_list("question_id", "selected"))
