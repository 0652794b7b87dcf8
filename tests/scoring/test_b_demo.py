"""The demo assessments: varied states, a published ranking, idempotent."""

import pytest

from agencies import demo as agencies_demo
from scoring import demo as scoring_demo
from scoring import demo_b
from scoring.models import Assessment, AssessmentEvent, CriteriaSet, Evidence, TargetGroup

S = Assessment.Status


@pytest.mark.django_db
def test_demo_assessments_are_varied_published_and_idempotent():
    agencies_demo.seed()
    scoring_demo.seed()
    demo_b.seed()
    departments = CriteriaSet.objects.get(year=2025, target_group=TargetGroup.DEPARTMENTS)
    communes = CriteriaSet.objects.get(year=2025, target_group=TargetGroup.COMMUNES)
    assert departments.is_published and communes.is_published
    statuses = set(departments.assessments.values_list("status", flat=True))
    assert {S.DRAFT, S.EXPLANATION_REQUESTED, S.PUBLISHED} <= statuses
    draft = departments.assessments.get(agency__electronic_id="000.11.00.H13")
    assert draft.status == S.DRAFT and draft.rank is None
    published = departments.assessments.filter(status=S.PUBLISHED)
    assert published.count() >= 5
    ranks = sorted(published.values_list("rank", flat=True))
    assert ranks[0] == 1 and None not in ranks
    assert all(a.band_id and a.index_pct is not None for a in published)
    assert communes.assessments.filter(status=S.PUBLISHED).exists()
    assert Evidence.objects.filter(score__assessment__criteria_set=departments).exists()

    counts = (Assessment.objects.count(), AssessmentEvent.objects.count(), Evidence.objects.count())
    before = list(published.order_by("pk").values_list("pk", "rank", "final_total"))
    demo_b.seed()
    assert counts == (
        Assessment.objects.count(),
        AssessmentEvent.objects.count(),
        Evidence.objects.count(),
    )
    assert before == list(published.order_by("pk").values_list("pk", "rank", "final_total"))
