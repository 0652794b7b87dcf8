"""The SIPAS seed: structure, marking of our wording, idempotency."""

import pytest

from surveys import demo
from surveys.models import CampaignLink, Option, Question, Survey, SurveyStatus

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        Survey.objects.count(),
        list(
            Question.objects.order_by("pk").values_list("survey__code", "code", "text", "position")
        ),
        Option.objects.count(),
        CampaignLink.objects.count(),
    )


def test_seed_is_idempotent_and_complete():
    demo.seed()
    first = _snapshot()
    demo.seed()
    assert _snapshot() == first
    template = Survey.objects.get(code=demo.SIPAS_CODE)
    assert "không phải văn bản chính thức của Bộ Nội vụ" in template.description
    criteria = template.questions.filter(purpose="criterion")
    elements = set(criteria.values_list("sipas_element", flat=True))
    assert elements == {"access", "procedures", "officials", "results", "feedback"}
    assert criteria.count() == 19 and set(criteria.values_list("type", flat=True)) == {"scale5"}
    assert template.questions.filter(purpose="general", type="scale5").count() == 1
    assert set(template.questions.filter(purpose="expectation").values_list("type", flat=True)) == {
        "multiple",
        "ranking",
    }
    campaign = Survey.objects.get(code=demo.CAMPAIGN_CODE)
    assert campaign.status == SurveyStatus.OPEN
    assert campaign.questions.count() == template.questions.count()
    assert CampaignLink.objects.get(slug=demo.CAMPAIGN_SLUG).survey == campaign
    rating = Survey.objects.get(code=demo.RATING_CODE)
    assert rating.kind == "dossier_rating" and rating.status == SurveyStatus.OPEN
