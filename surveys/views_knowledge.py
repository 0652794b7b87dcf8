"""Officials' knowledge / skills tests: list, start, take (with autosave), submit, results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text import parse_id

from . import knowledge, selectors
from .models import TEST_KINDS, Survey, SurveyStatus, TestAttempt
from .services import SurveyError


def _ensure_staff(user) -> None:
    if not knowledge.is_staff(user):
        raise PermissionDenied


def _own_attempt(request, public_id) -> TestAttempt:
    return get_object_or_404(
        TestAttempt.objects.select_related("survey"), public_id=public_id, user=request.user
    )


@login_required
@require_GET
def test_list(request):
    _ensure_staff(request.user)
    context = {
        "tests": knowledge.open_tests_for(user=request.user),
        "attempts": knowledge.attempts_of(user=request.user),
        "can_see_results": selectors.can_sample(request.user),
    }
    return render(request, "surveys/knowledge/list.html", context)


@login_required
@require_POST
def test_start(request, public_id):
    _ensure_staff(request.user)
    survey = get_object_or_404(Survey, public_id=public_id, kind__in=TEST_KINDS)
    try:
        attempt = knowledge.start_attempt(survey=survey, user=request.user)
    except SurveyError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:knowledge_list")
    return redirect("surveys:knowledge_attempt", public_id=attempt.public_id)


def _answers_from_post(post, question_ids) -> dict[int, list[str]]:
    return {qid: post.getlist(f"q{qid}") for qid in question_ids}


@login_required
@require_http_methods(["GET", "POST"])
def attempt_view(request, public_id):
    attempt = knowledge.expire_if_due(_own_attempt(request, public_id))
    if attempt.status != TestAttempt.Status.IN_PROGRESS:
        return render(request, "surveys/knowledge/done.html", {"attempt": attempt})
    questions = knowledge.questions_of(attempt)
    if request.method == "POST":
        answers = _answers_from_post(request.POST, attempt.question_ids)
        try:
            attempt = knowledge.submit_attempt(attempt=attempt, answers=answers)
        except knowledge.TimeUp as exc:
            messages.error(request, exc.message)
            return redirect("surveys:knowledge_attempt", public_id=attempt.public_id)
        except SurveyError as exc:
            messages.error(request, exc.message)
            selected = {
                q: [i for i in map(parse_id, vals) if i is not None] for q, vals in answers.items()
            }
            return render(
                request,
                "surveys/knowledge/take.html",
                _take_context(attempt, questions, selected),
                status=400,
            )
        messages.success(request, _t("Đã nộp bài."))
        return redirect("surveys:knowledge_attempt", public_id=attempt.public_id)
    return render(
        request,
        "surveys/knowledge/take.html",
        _take_context(attempt, questions, knowledge.saved_answers(attempt)),
    )


def _take_context(attempt, questions, selected) -> dict:
    remaining = None
    if attempt.deadline_at:
        remaining = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    return {
        "attempt": attempt,
        "items": [{"question": q, "selected": set(selected.get(q.pk, []))} for q in questions],
        "remaining": remaining,
    }


@login_required
@require_POST
def attempt_autosave(request, public_id, question_id):
    attempt = _own_attempt(request, public_id)
    if question_id not in attempt.question_ids:
        return HttpResponse(status=404)
    try:
        knowledge.save_answer(
            attempt=attempt,
            question_id=question_id,
            selected=request.POST.getlist(f"q{question_id}"),
        )
    except SurveyError as exc:
        return render(request, "surveys/knowledge/_saved.html", {"error": exc.message}, status=409)
    return render(request, "surveys/knowledge/_saved.html", {"saved_at": timezone.now()})


@login_required
@require_GET
def test_results(request, public_id):
    if not selectors.can_sample(request.user):
        raise PermissionDenied
    survey = get_object_or_404(Survey, public_id=public_id, kind__in=TEST_KINDS)
    attempts = selectors.finished_attempts(surveys=[survey])
    context = {
        "survey": survey,
        "agencies": selectors.knowledge_by_agency(attempts),
        "people": selectors.knowledge_people(attempts),
        "bands": selectors.SCORE_BANDS,
        "in_progress": TestAttempt.objects.filter(
            survey=survey, status=TestAttempt.Status.IN_PROGRESS
        ).count(),
    }
    return render(request, "surveys/knowledge/results.html", context)


@login_required
@require_GET
def tests_overview(request):
    """Every test (any status) with a link to its results, for appraisers / administrators."""
    if not selectors.can_sample(request.user):
        raise PermissionDenied
    tests = Survey.objects.filter(kind__in=TEST_KINDS).exclude(status=SurveyStatus.DRAFT)
    return render(request, "surveys/knowledge/overview.html", {"tests": tests})
