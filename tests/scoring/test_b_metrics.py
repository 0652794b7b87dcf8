"""Metric-bound leaves against hand-built dossier and survey data (expected points by hand)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from dossiers.models import Apology, Channel, Status
from scoring import metrics
from scoring.models import Assessment, Criterion, Metric, RuleType, Score
from surveys import models as survey_models
from surveys.models import ResponseStatus
from tests.dossiers.factories import DossierFactory
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory
from tests.scoring.factories_b import make_set
from tests.surveys.factories_b import knowledge_test, respond, sipas_survey

AT = timezone.make_aware(datetime.datetime(2025, 6, 2, 9, 0))


def leaf(criteria_set, code, *, max_points, rule, metric, **extra):
    return Criterion.objects.create(
        criteria_set=criteria_set,
        code=code,
        name=f"Tiêu chí {code}",
        position=int(code),
        max_points=Decimal(max_points),
        rule_type=rule,
        metric=metric,
        **extra,
    )


def assess(criteria_set, agency, leaves):
    assessment = Assessment.objects.create(criteria_set=criteria_set, agency=agency)
    for c in leaves:
        Score.objects.create(assessment=assessment, criterion=c)
    return assessment


def scores_by_code(assessment):
    return {s.criterion.code: s for s in assessment.scores.select_related("criterion")}


@pytest.fixture
def agency():
    return AgencyFactory(name="Sở Kiểm thử Chỉ số")


@pytest.mark.django_db
def test_dossier_metrics_pass_through_the_rules(agency):
    # five dossiers resolved in 2025: 3 early, 1 on time (apologised: late against its first
    # appointment), 1 late without apology; 3 online and 2 in person
    outcomes = ["early", "early", "early", "on_time", "late"]
    channels = [
        Channel.ONLINE,
        Channel.ONLINE,
        Channel.ONLINE,
        Channel.IN_PERSON,
        Channel.IN_PERSON,
    ]
    dossiers = [
        DossierFactory(
            competent_agency=agency, status=Status.RETURNED, at=AT, outcome=o, channel=ch
        )
        for o, ch in zip(outcomes, channels, strict=True)
    ]
    officer = StaffFactory()
    Apology.objects.create(
        dossier=dossiers[3],
        reason="Chậm trễ do phối hợp liên ngành",
        old_due_at=AT + datetime.timedelta(days=3),
        new_due_at=AT + datetime.timedelta(days=6),
        responsible_agency=agency,
        signed_by=officer,
        created_at=AT + datetime.timedelta(days=2),
    )
    # a dossier of 2024 is outside the 2025 period (15/12/2024 – 14/12/2025)
    DossierFactory(
        competent_agency=agency,
        status=Status.RETURNED,
        at=AT - datetime.timedelta(days=365),
        outcome="late",
    )
    s = make_set(year=2025)
    leaves = [
        leaf(
            s,
            "1",
            max_points="6",
            rule=RuleType.RATIO_TIERS,
            metric=Metric.ON_TIME_RATE,
            tiers=[["1", "6"], ["0.8", "3"]],
        ),
        leaf(s, "2", max_points="6", rule=RuleType.PROPORTIONAL, metric=Metric.ONLINE_RATE),
        leaf(
            s,
            "3",
            max_points="2",
            rule=RuleType.RATIO_TIERS,
            metric=Metric.LATE_APOLOGY_RATE,
            tiers=[["1", "2"]],
        ),
        leaf(
            s,
            "4",
            max_points="2",
            rule=RuleType.DEDUCTION,
            metric=Metric.LATE_APOLOGY_RATE,
            unit_points=Decimal("1"),
        ),
        leaf(
            s,
            "5",
            max_points="6",
            rule=RuleType.RATIO_TIERS,
            metric=Metric.ON_TIME_RATE,
            tiers=[["1", "6"], ["0.81", "3"]],
        ),
    ]
    assessment = assess(s, agency, leaves)
    assert metrics.recompute_assessment(assessment=assessment) == 5
    got = scores_by_code(assessment)
    # on time: (3 early + 1 on time) / 5 resolved = 0.8 → tier ≥ 0.8 → 3 points
    assert got["1"].auto_value == Decimal("0.8000")
    assert got["1"].auto_points == Decimal("3.00")
    assert got["1"].auto_inputs["resolved"] == 5
    assert got["1"].auto_period_start == datetime.date(2024, 12, 15)
    assert got["1"].auto_period_end == datetime.date(2025, 12, 14)
    # boundary: 0.8 is below the 0.81 tier → 0
    assert got["5"].auto_points == Decimal("0.00")
    # online: 3 / 5 = 0.6 → 6 × 0.6 = 3.6
    assert got["2"].auto_value == Decimal("0.6000")
    assert got["2"].auto_points == Decimal("3.60")
    # late: the late one and the apologised one = 2; with apology 1 → 0.5 → below 100 % → 0
    assert got["3"].auto_inputs == {"late": 2, "with_apology": 1, "without_apology": 1}
    assert got["3"].auto_points == Decimal("0.00")
    # deduction: 2 − 1 × 1 late dossier without apology = 1
    assert got["4"].auto_points == Decimal("1.00")
    assert got["4"].final_points == Decimal("1.00")
    assert assessment.events.filter(note__contains="tự động").exists()


@pytest.mark.django_db
def test_no_data_leaves_auto_points_empty(agency):
    s = make_set(year=2025)
    c = leaf(s, "1", max_points="6", rule=RuleType.PROPORTIONAL, metric=Metric.ON_TIME_RATE)
    assessment = assess(s, agency, [c])
    metrics.recompute_assessment(assessment=assessment)
    score = assessment.scores.get()
    assert score.auto_value is None and score.auto_points is None
    assert score.auto_inputs["status"] == metrics.NO_DATA


@pytest.mark.django_db
def test_sipas_and_rating_and_knowledge_metrics(agency):
    survey = sipas_survey()
    # C1 (access): 5, 4, 3, 2 → 2/4 = 50 %; C2 (access): 5, 5, 5, 1 → 75 %;
    # access = (50 + 75) / 2 = 62.5 %; C3 (procedures): 4, 4, 4, 4 → 100 %
    # SIPAS = mean of the element indices = (62.5 + 100) / 2 = 81.25 %
    for c1, c2 in [(5, 5), (4, 5), (3, 5), (2, 1)]:
        respond(survey, agency=agency, C1=c1, C2=c2, C3=4)
    survey.responses.update(submitted_at=AT)
    # knowledge test: 2 of 4 staff took it, scores 8/10 and 6/10 → participation 50 %,
    # mean 7 / 10 = 70 %
    test = knowledge_test()
    members = [
        MembershipFactory(agency=agency, role=Role.PROCESSING_OFFICER).user for _ in range(4)
    ]
    for user, score in zip(members[:2], [8, 6], strict=True):
        survey_models.TestAttempt.objects.create(
            survey=test,
            user=user,
            agency=agency,
            question_ids=[],
            started_at=AT,
            deadline_at=AT + datetime.timedelta(minutes=15),
            submitted_at=AT + datetime.timedelta(minutes=10),
            status=survey_models.TestAttempt.Status.SUBMITTED,
            score=score,
            max_score=10,
        )
    s = make_set(year=2025)
    leaves = [
        leaf(s, "1", max_points="12", rule=RuleType.PROPORTIONAL, metric=Metric.SIPAS_INDEX),
        leaf(
            s,
            "2",
            max_points="4",
            rule=RuleType.PROPORTIONAL,
            metric=Metric.SIPAS_ELEMENT,
            metric_params={"element": "procedures"},
        ),
        leaf(
            s,
            "3",
            max_points="4",
            rule=RuleType.PROPORTIONAL,
            metric=Metric.SIPAS_ELEMENT,
            metric_params={"element": "access"},
        ),
        leaf(
            s,
            "4",
            max_points="2",
            rule=RuleType.RATIO_TIERS,
            metric=Metric.KNOWLEDGE_PARTICIPATION,
            tiers=[["1", "2"], ["0.5", "1"]],
        ),
        leaf(
            s, "5", max_points="2", rule=RuleType.PROPORTIONAL, metric=Metric.KNOWLEDGE_MEAN_SCORE
        ),
        leaf(s, "6", max_points="3", rule=RuleType.PROPORTIONAL, metric=Metric.POST_DOSSIER_RATING),
    ]
    assessment = assess(s, agency, leaves)
    metrics.recompute_assessment(assessment=assessment)
    got = scores_by_code(assessment)
    assert got["1"].auto_value == Decimal("0.8125")
    assert got["1"].auto_points == Decimal("9.75")  # 12 × 0.8125
    assert got["2"].auto_points == Decimal("4.00")  # 4 × 100 %
    assert got["3"].auto_points == Decimal("2.50")  # 4 × 62.5 %
    assert got["4"].auto_value == Decimal("0.5000")
    assert got["4"].auto_points == Decimal("1.00")  # 50 % → the 0.5 tier
    assert got["5"].auto_points == Decimal("1.40")  # 2 × 70 %
    # no post-dossier rating responses: shown as "no data", no points
    assert got["6"].auto_points is None
    assert got["6"].auto_inputs["status"] == metrics.NO_DATA


@pytest.mark.django_db
def test_unsubmitted_survey_responses_do_not_count(agency):
    survey = sipas_survey()
    respond(survey, agency=agency, status=ResponseStatus.IN_PROGRESS, C1=5)
    s = make_set(year=2025)
    c = leaf(s, "1", max_points="12", rule=RuleType.PROPORTIONAL, metric=Metric.SIPAS_INDEX)
    assessment = assess(s, agency, [c])
    metrics.recompute_assessment(assessment=assessment)
    assert assessment.scores.get().auto_points is None


@pytest.mark.django_db
def test_approved_assessments_are_not_recomputed_and_the_task_runs(agency):
    from scoring.tasks import recompute_metrics

    DossierFactory(competent_agency=agency, status=Status.RETURNED, at=AT, outcome="early")
    s = make_set(year=2025)
    c = leaf(s, "1", max_points="6", rule=RuleType.PROPORTIONAL, metric=Metric.ON_TIME_RATE)
    approved = assess(s, agency, [c])
    Assessment.objects.filter(pk=approved.pk).update(status=Assessment.Status.APPROVED)
    other = assess(s, AgencyFactory(), [c])
    DossierFactory(competent_agency=other.agency, status=Status.RETURNED, at=AT, outcome="late")
    assert recompute_metrics.delay().get() == 1
    assert approved.scores.get().auto_points is None
    assert other.scores.get().auto_points == Decimal("0.00")  # 0 of 1 on time
    other.refresh_from_db()
    assert other.final_total == Decimal("0.00") and other.computed_at is not None
