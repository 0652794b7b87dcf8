"""The assessment state machine: every allowed and forbidden move, role guards, events."""

import datetime
import itertools

import pytest
from django.utils import timezone

from accounts.models import Role
from scoring import services, workflow
from scoring.models import Assessment, AssessmentEvent
from scoring.workflow import WorkflowError
from tests.factories import AgencyFactory

from .factories import actors, fast_passwords, fill_and_submit, open_set, staff  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
S = Assessment.Status
ACTOR_KIND = {
    "officer": workflow.OFFICER,
    "appraiser": workflow.APPRAISER,
    "head": workflow.HEAD,
    "leader": None,  # the agency's own leader may view, never move
    "admin": None,  # administrators do not approve or appraise
}


@pytest.fixture
def setup():
    criteria_set, nodes = open_set()
    agency = AgencyFactory()
    people = actors(agency)
    people["other_officer"] = staff(Role.CCHC_OFFICER, AgencyFactory())
    assessment = services.start_assessment(criteria_set=criteria_set, agency=agency)
    return assessment, people, nodes


def test_every_pair_for_every_actor(setup):
    assessment, people, _nodes = setup
    for frm, to in itertools.product(S.values, S.values):
        assessment.status = frm
        for name, user in people.items():
            kind = ACTOR_KIND.get(name)
            expected = kind is not None and kind in workflow.TRANSITIONS.get((frm, to), ())
            try:
                workflow.ensure_allowed(assessment, to=to, user=user)
                allowed = True
            except WorkflowError:
                allowed = False
            assert allowed == expected, (frm, to, name)


def test_forbidden_move_message_is_vietnamese(setup):
    assessment, people, _ = setup
    with pytest.raises(WorkflowError) as exc:
        services.transition(assessment=assessment, to=S.APPROVED, by=people["head"])
    assert "Không thể chuyển bản đánh giá" in str(exc.value)
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT


def test_full_path_writes_one_event_per_change(setup):
    assessment, p, nodes = setup
    fill_and_submit(assessment, p["officer"], nodes)
    services.start_appraisal(assessment=assessment, by=p["appraiser"])
    scores = {s.criterion.code: s for s in assessment.scores.select_related("criterion")}
    services.request_explanation(
        assessment=assessment,
        by=p["appraiser"],
        questions={scores["1.3"].pk: "Bổ sung báo cáo kết quả"},
        deadline=timezone.now() + datetime.timedelta(days=3),
    )
    services.answer_explanation(score=scores["1.3"], by=p["officer"], answer="Đã bổ sung")
    services.send_explanation(assessment=assessment, by=p["officer"])
    for score in assessment.scores.all():
        services.save_appraisal(score=score, by=p["appraiser"], points=score.self_points)
    services.finish_appraisal(assessment=assessment, by=p["appraiser"])
    with pytest.raises(WorkflowError):
        services.approve(assessment=assessment, by=p["appraiser"])
    with pytest.raises(WorkflowError):
        services.approve(assessment=assessment, by=p["admin"])
    services.approve(assessment=assessment, by=p["head"])
    services.publish(assessment=assessment, by=p["head"])
    assessment.refresh_from_db()
    assert assessment.status == S.PUBLISHED
    assert assessment.approved_by == p["head"] and assessment.published_at
    moves = list(
        AssessmentEvent.objects.filter(assessment=assessment)
        .exclude(from_status="")
        .values_list("from_status", "to_status", "by")
    )
    assert moves == [
        (S.DRAFT, S.SUBMITTED, p["officer"].pk),
        (S.SUBMITTED, S.UNDER_APPRAISAL, p["appraiser"].pk),
        (S.UNDER_APPRAISAL, S.EXPLANATION_REQUESTED, p["appraiser"].pk),
        (S.EXPLANATION_REQUESTED, S.UNDER_APPRAISAL, p["officer"].pk),
        (S.UNDER_APPRAISAL, S.APPRAISED, p["appraiser"].pk),
        (S.APPRAISED, S.APPROVED, p["head"].pk),
        (S.APPROVED, S.PUBLISHED, p["head"].pk),
    ]


def test_only_the_head_of_home_affairs_approves(setup):
    assessment, p, _ = setup
    assessment.status = S.APPRAISED
    assessment.save()
    leader_elsewhere = staff(Role.AGENCY_LEADER, AgencyFactory())
    for user in (p["officer"], p["leader"], p["appraiser"], p["admin"], leader_elsewhere):
        with pytest.raises(WorkflowError):
            services.approve(assessment=assessment, by=user)
    services.approve(assessment=assessment, by=p["head"])
    assessment.refresh_from_db()
    assert assessment.status == S.APPROVED


def test_officer_of_another_agency_cannot_submit(setup):
    assessment, p, _nodes = setup
    with pytest.raises(WorkflowError):
        services.submit(assessment=assessment, by=p["other_officer"])


def test_events_are_append_only(setup):
    assessment, _p, _ = setup
    event = assessment.events.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
