"""Item 2 for scoring: the criteria-set builder, criterion forms, the XLSX import, every leaf
form of an assessment (self-score, evidence, appraisal, explanation), the workflow forms and the
public ranking URLs take hostile input without a 500 and never reflect it unescaped."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from scoring import criteria_io, ranking, services
from scoring.forms import AnswerForm, AppraisalForm, EvidenceForm, SelfScoreForm
from scoring.models import Assessment
from tests.factories import AgencyFactory
from tests.scoring.factories import (
    CriteriaSetFactory,
    actors,
    fill_and_submit,
    open_set,
    small_tree,
)
from tests.scoring.factories_b import make_assessments, make_set, make_tree

from .helpers import assert_safe
from .hostile_helpers import CELLS, budget, fuzz, fuzz_paths, sweep, targets_of, workbook_bytes

pytestmark = pytest.mark.django_db
S = Assessment.Status


@pytest.fixture
def world():
    criteria_set, nodes = open_set()
    agency = AgencyFactory()
    people = actors(agency)
    assessment = services.start_assessment(criteria_set=criteria_set, agency=agency)
    return criteria_set, nodes, assessment, people


def _leaf_targets(assessment) -> list:
    """Every leaf form of every score, whatever the assessment's state offers now."""
    targets = []
    for score in assessment.scores.select_related("criterion"):
        forms = {
            "scoring:score_save": SelfScoreForm(criterion=score.criterion, prefix=f"s{score.pk}"),
            "scoring:evidence_add": EvidenceForm(prefix=f"e{score.pk}"),
            "scoring:appraisal_save": AppraisalForm(prefix=f"a{score.pk}"),
            "scoring:score_answer": AnswerForm(prefix=f"x{score.pk}"),
        }
        for name, form in forms.items():
            fields = {form.add_prefix(f): "" for f in form.fields if f != "file"}
            files = [form.add_prefix("file")] if "file" in form.fields else []
            targets.append(("post", reverse(name, args=[score.pk]), fields, files))
    return targets


def test_criteria_builder_forms(client, login, world):
    _cs, _nodes, _a, people = world
    login(people["appraiser"])
    draft = CriteriaSetFactory()
    nodes = small_tree(draft)
    pid = draft.public_id
    targets = targets_of(client, reverse("scoring:set_list"))
    targets += targets_of(client, reverse("scoring:set_create"))
    targets += targets_of(client, reverse("scoring:set_detail", args=[pid]))
    targets += targets_of(client, reverse("scoring:criterion_add", args=[pid]), ("parent",))
    add_child = reverse("scoring:criterion_add", args=[pid]) + f"?parent={nodes['1'].pk}"
    targets += targets_of(client, add_child)
    targets += targets_of(client, reverse("scoring:criterion_edit", args=[nodes["1.3"].pk]))
    targets += targets_of(client, reverse("scoring:set_import", args=[pid]))
    assert any(files for _m, _a, _f, files in targets)
    # delete / move buttons take no text: the path test covers them
    targets = [t for t in targets if "/xoa/" not in t[1] and "/chuyen/" not in t[1]]
    sweep(client, targets)
    fuzz(client, targets, examples=30, htmx=True)


def test_import_workbook_with_hostile_cells(client, login, world):
    _cs, _nodes, _a, people = world
    login(people["appraiser"])
    draft = CriteriaSetFactory()
    small_tree(draft)
    url = reverse("scoring:set_import", args=[draft.public_id])
    valid = criteria_io.export_rows(draft)

    @budget(15)
    @given(data=st.data())
    def run(data):
        rows = [
            [data.draw(CELLS) if data.draw(st.booleans()) else cell for cell in row]
            for row in valid
        ]
        content = workbook_bytes([criteria_io.HEADERS, *rows])
        response = client.post(url, {"file": SimpleUploadedFile("bo-tieu-chi.xlsx", content)})
        assert_safe(response)

    run()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("metric_params", '{"a": NaN}'),
        ("metric_params", '{"a": 1e999}'),
        ("metric_params", '{"a": ' + "9" * 5000 + "}"),
        ("metric_params", "[" * 100000),
        ("tiers_text", "NaN=1"),
        ("tiers_text", "sNaN%=1"),
        ("tiers_text", "50%=1E+999999"),
        ("tiers_text", "50%=Infinity"),
    ],
)
def test_criterion_numbers_refused(client, login, world, field, value):
    """Found by the fuzzer: these raised (500) or stored what PostgreSQL's jsonb refuses."""
    _cs, _nodes, _a, people = world
    login(people["appraiser"])
    draft = CriteriaSetFactory()
    data = {"code": "9", "name": "Tiêu chí", "max_points": "1", "rule_type": "ratio_tiers"}
    data["tiers_text"] = "100%=1"
    data[field] = value
    response = client.post(reverse("scoring:criterion_add", args=[draft.public_id]), data)
    assert response.status_code == 400
    assert not draft.criteria.exists()


def test_criterion_add_parent_parameter(client, login, world):
    criteria_set, _nodes, _a, people = world
    login(people["appraiser"])
    url = reverse("scoring:criterion_add", args=[criteria_set.public_id])
    for parent in ("abc", "9" * 30, "²", "-1", "1.5", '"><img src=x onerror=alert(1)>'):
        response = client.get(url, {"parent": parent})
        assert response.status_code == 404, parent


def test_builder_paths(client, login, world):
    _cs, nodes, _a, people = world
    login(people["appraiser"])
    leaf = nodes["1.1"].pk
    fuzz_paths(
        client,
        [
            f"/cham-diem/tieu-chi/{leaf}/chuyen/{{}}/",
            "/cham-diem/tieu-chi/{}/sua/",
            "/cham-diem/tieu-chi/{}/xoa/",
            "/cham-diem/bo-tieu-chi/{}/",
            "/cham-diem/diem/{}/tu-cham/",
            "/cham-diem/tai-lieu/{}/",
        ],
        post=True,
    )


def test_officer_assessment_forms(client, login, world):
    criteria_set, _nodes, assessment, people = world
    login(people["officer"])
    targets = targets_of(client, reverse("scoring:assessment_list"), ("status",))
    targets += targets_of(client, reverse("scoring:assessment_detail", args=[assessment.public_id]))
    targets += _leaf_targets(assessment)
    targets.append(
        (
            "post",
            reverse("scoring:assessment_start", args=[criteria_set.public_id]),
            {"agency": str(assessment.agency.pk)},
            [],
        )
    )
    # submitting moves the assessment on: keep it in draft so the leaf forms stay open
    targets = [t for t in targets if "/chuyen/" not in t[1]]
    sweep(client, targets, headers={"HX-Request": "true"})
    fuzz(client, targets, examples=40, htmx=True)


def test_appraisal_forms(client, login, world):
    _cs, nodes, assessment, people = world
    assessment = fill_and_submit(assessment, people["officer"], nodes)
    services.start_appraisal(assessment=assessment, by=people["appraiser"])
    login(people["appraiser"])
    detail = reverse("scoring:assessment_detail", args=[assessment.public_id])
    targets = targets_of(client, detail)
    assert any("yeu-cau-giai-trinh" in a for _m, a, _f, _fl in targets)
    targets += _leaf_targets(assessment)
    sweep(client, targets, headers={"HX-Request": "true"})
    fuzz(client, targets, examples=30, htmx=True)

    # the officer's answers once an explanation is asked for
    assessment.refresh_from_db()
    if assessment.status != S.EXPLANATION_REQUESTED:
        score = assessment.scores.get(criterion__code="1.1")
        services.request_explanation(
            assessment=assessment,
            by=people["appraiser"],
            questions={score.pk: "Vì sao?"},
            deadline=timezone.now() + datetime.timedelta(days=7),
            note="",
        )
    login(people["officer"])
    targets = targets_of(client, detail) + _leaf_targets(assessment)
    sweep(client, targets, headers={"HX-Request": "true"})
    fuzz(client, targets, examples=15, htmx=True)


@pytest.fixture
def ranked_set():
    s = make_set(year=2025, published=True)
    _roots, leaves = make_tree(s, areas=2, criteria=2, leaves=2, leaf_max=Decimal("2"))
    agencies = [AgencyFactory(electronic_id=f"000.7{i}.00.H13") for i in range(2)]
    make_assessments(s, agencies, leaves, status=S.PUBLISHED, seed=3)
    ranking.compute(criteria_set=s)
    return s


@pytest.mark.parametrize("who", ["anonymous", "appraiser"])
def test_ranking_urls(client, login, world, ranked_set, who):
    if who == "appraiser":
        login(world[3]["appraiser"])
    slug = ranking.GROUP_SLUGS[ranked_set.target_group]
    assert client.get(f"/cham-diem/xep-hang/2025/{slug}/").status_code == 200
    assert client.get(f"/cham-diem/xep-hang/2025/{slug}/000.70.00.H13/").status_code == 200
    fuzz_paths(
        client,
        [
            f"/cham-diem/xep-hang/{{}}/{slug}/",
            "/cham-diem/xep-hang/2025/{}/",
            f"/cham-diem/xep-hang/2025/{slug}/{{}}/",
            f"/cham-diem/xep-hang/2025/{slug}/bao-cao/{{}}/",
            "/cham-diem/xep-hang/{}/departments/000.70.00.H13/",
        ],
        post=who == "appraiser",
        examples=20,
    )
    for year in ("0", "1", "9" * 18, "9" * 19, "9" * 40, "-1"):
        assert client.get(f"/cham-diem/xep-hang/{year}/{slug}/").status_code in (404, 400), year
