"""SIPAS formulas on a hand-built set of answers; the expected figures are worked out by hand.

Answers (R5 is in progress and must be ignored):
        C1(1.1) C2(1.2) C3(2.1)  G   E1        E2 (ranking)   agency
  R1      5       4       2      5   [a, b]    [x, y, z]      A
  R2      4       3       4      3   [a]       [y, x]         A
  R3      1       –       5      4   [c]       [x]            B
  R4      3       5       –      –   –         –              B
  R5      5       5       5      5                            A  (in progress)
"""

import math

import pytest

from surveys import results
from surveys.models import ResponseStatus
from tests.factories import AgencyFactory
from tests.surveys.factories_b import respond, sipas_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a, b = AgencyFactory(name="Sở A"), AgencyFactory(name="Sở B")
    survey = sipas_survey()
    respond(
        survey,
        agency=a,
        procedure_code="1.001",
        C1=5,
        C2=4,
        C3=2,
        G=5,
        E1=["a", "b"],
        E2=["x", "y", "z"],
    )
    respond(
        survey, agency=a, procedure_code="1.001", C1=4, C2=3, C3=4, G=3, E1=["a"], E2=["y", "x"]
    )
    respond(survey, agency=b, procedure_code="2.002", C1=1, C3=5, G=4, E1=["c"], E2=["x"])
    respond(survey, agency=b, procedure_code="2.002", C1=3, C2=5)
    respond(survey, agency=a, status=ResponseStatus.IN_PROGRESS, C1=5, C2=5, C3=5, G=5)
    return {"survey": survey, "a": a, "b": b}


def _criterion(result, code):
    return next(c for e in result.elements for c in e.criteria if c.code == code)


def test_criterion_shares_elements_and_sipas(world):
    r = results.survey_results(survey=world["survey"])
    assert r.responses == 4  # the in-progress response is not counted
    c11, c12, c21 = (_criterion(r, code) for code in ("1.1", "1.2", "2.1"))
    assert (c11.share.count, c11.share.total) == (2, 4)  # 5, 4 of 5, 4, 1, 3
    assert c11.share.value == pytest.approx(50.0)
    assert (c12.share.count, c12.share.total) == (2, 3)  # no answer excluded
    assert c12.share.value == pytest.approx(200 / 3)
    assert c21.share.value == pytest.approx(200 / 3)
    assert c11.distribution == {1: 1, 2: 0, 3: 1, 4: 1, 5: 1}
    access = r.element_map["access"]
    assert access == pytest.approx((50 + 200 / 3) / 2)  # 58.33
    assert r.element_map["procedures"] == pytest.approx(200 / 3)
    assert r.index == pytest.approx(62.5)  # (58.333 + 66.667) / 2
    assert r.valid_answers == 4 + 3 + 3
    assert [e.code for e in r.elements] == ["access", "procedures"]


def test_general_question_apart(world):
    r = results.survey_results(survey=world["survey"])
    assert r.general.share.count == 2 and r.general.share.total == 3  # 5, 4 of 5, 3, 4
    assert r.general.distribution == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    # the general question is not part of any element, SIPAS stays 62.5
    assert r.index == pytest.approx(62.5)


def test_expectation_shares(world):
    r = results.survey_results(survey=world["survey"])
    e1, e2 = r.expectations
    assert e1.respondents == 3
    shares = {o.value: o.chosen.value for o in e1.options}
    assert shares == pytest.approx({"a": 200 / 3, "b": 100 / 3, "c": 100 / 3})
    assert e2.respondents == 3
    ranks = {o.value: (o.chosen.count, o.first.count, o.mean_rank) for o in e2.options}
    assert ranks["x"][0:2] == (3, 2) and ranks["x"][2] == pytest.approx(4 / 3)
    assert ranks["y"][0:2] == (2, 1) and ranks["y"][2] == pytest.approx(1.5)
    assert ranks["z"] == (1, 0, 3.0)


def test_margin_of_error(world):
    r = results.survey_results(survey=world["survey"])
    c11, c12 = _criterion(r, "1.1"), _criterion(r, "1.2")
    assert c11.share.moe == pytest.approx(1.96 * math.sqrt(0.25 / 4) * 100)  # 49.0
    assert c12.share.moe == pytest.approx(1.96 * math.sqrt((2 / 3) * (1 / 3) / 3) * 100)  # 53.35
    assert r.moe == pytest.approx(1.96 * math.sqrt(0.25 / 4) * 100)  # worst case p = 0.5, n = 4
    assert results.margin_of_error(0.5, 0) is None


def test_by_agency_and_service(world):
    r = results.survey_results(survey=world["survey"])
    by_agency = {g.label: g for g in r.by_agency}
    # A: C1 5,4 -> 100; C2 4,3 -> 50; access 75; C3 2,4 -> 50 => (75 + 50) / 2
    assert by_agency["Sở A"].responses == 2
    assert by_agency["Sở A"].index == pytest.approx(62.5)
    assert by_agency["Sở A"].elements["access"] == pytest.approx(75)
    # B: C1 1,3 -> 0; C2 5 -> 100; access 50; C3 5 -> 100 => 75
    assert by_agency["Sở B"].index == pytest.approx(75)
    by_service = {g.key: g for g in r.by_service}
    assert by_service["1.001"].index == pytest.approx(62.5)
    assert by_service["2.002"].responses == 2


def test_filter_by_agency(world):
    r = results.survey_results(survey=world["survey"], agency_ids={world["b"].pk})
    assert r.responses == 2
    assert r.index == pytest.approx(75)


def test_comparison_with_previous_version(world):
    from surveys.services import new_version

    survey = world["survey"]
    newer = new_version(survey=survey, by=None)
    respond(newer, C1=5, C2=5, C3=3)  # access 100, procedures 0 => 50
    r = results.survey_results(survey=newer)
    assert r.index == pytest.approx(50)
    assert r.previous.index == pytest.approx(62.5)
    assert r.delta == pytest.approx(-12.5)
    rows = {row["label"]: row for row in r.comparison}
    assert rows["SIPAS"]["before"] == pytest.approx(62.5)


def test_query_count_does_not_grow_with_responses(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey = world["survey"]
    with CaptureQueriesContext(connection) as before:
        results.survey_results(survey=survey)
    for _i in range(10):
        respond(survey, agency=AgencyFactory(), C1=4, C2=4, C3=4, G=4, E1=["a"], E2=["z"])
    with CaptureQueriesContext(connection) as after:
        results.survey_results(survey=survey)
    assert len(after) == len(before) <= 20


def test_previous_period_skips_unanswered_versions_and_uses_same_kind(world):
    import datetime

    from surveys.services import new_version

    survey = world["survey"]
    template = results.previous_survey(survey)
    assert template is None  # nothing earlier
    unused = new_version(survey=survey, by=None)  # a copy without responses
    campaign = new_version(survey=unused, by=None)
    assert results.previous_survey(campaign) == survey  # the unused copy is skipped
    # without a version link: the latest earlier period of the same kind with responses
    survey.period_start, survey.period_end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    survey.save()
    later = sipas_survey(
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31)
    )
    assert results.previous_survey(later) == survey
