"""Results page permissions, post-dossier rating aggregation, scoring selectors and the report
builders (real XLSX and PDF files)."""

import datetime
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from reports.registry import get_builder
from surveys import selectors
from surveys.models import QuestionPurpose, QuestionType, SurveyKind
from tests.factories import AgencyFactory, StaffFactory
from tests.surveys.factories import (
    OptionFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    staff,
)
from tests.surveys.factories_b import ResponseFactory, respond, sipas_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    parent = AgencyFactory(name="Sở Tư pháp thử nghiệm")
    unit = AgencyFactory(name="Phòng Hành chính tư pháp", parent=parent)
    other = AgencyFactory(name="Sở Xây dựng thử nghiệm")
    survey = sipas_survey(title="Khảo sát SIPAS 2026")
    respond(survey, agency=parent, C1=5, C2=4, C3=2, G=5, E1=["a"], E2=["x", "y"])
    respond(survey, agency=unit, C1=4, C2=3, C3=4, G=3, E1=["b"], E2=["y"])
    respond(survey, agency=other, C1=1, C2=1, C3=1, G=1)
    return {"parent": parent, "unit": unit, "other": other, "survey": survey}


def _params(world, **extra):
    return {"survey": str(world["survey"].public_id), **extra}


def _export(world, **extra):
    return {"survey": world["survey"].pk, **extra}


def test_results_page_for_appraiser(client, world, django_assert_max_num_queries):
    client.force_login(staff(Role.APPRAISER))
    url = reverse("surveys:results")
    assert client.get(url).status_code == 200  # the empty form
    with django_assert_max_num_queries(40):
        page = client.get(url, _params(world))
    assert page.status_code == 200
    result = page.context["result"]
    assert result.responses == 3
    body = page.content.decode()
    assert 'id="results-data"' in body and "results.js" in body
    assert "<script>" not in body  # CSP: no inline script


def test_leader_sees_only_own_agency(client, world):
    leader = staff(Role.AGENCY_LEADER, agency=world["parent"])
    client.force_login(leader)
    url = reverse("surveys:results")
    page = client.get(url, _params(world, agency=world["parent"].pk, children="on"))
    assert page.status_code == 200
    assert page.context["result"].responses == 2  # parent and its unit, not the other agency
    # another agency is not a valid choice for them
    page = client.get(url, _params(world, agency=world["other"].pk))
    assert "result" not in page.context and page.context["form"].errors
    # without an agency the form is invalid (no province-wide figures)
    assert "result" not in client.get(url, _params(world)).context


def test_results_forbidden_to_desk_officer_and_citizen(client, world):
    client.force_login(staff(Role.DESK_OFFICER))
    assert client.get(reverse("surveys:results")).status_code == 403
    client.force_login(StaffFactory())
    assert client.get(reverse("surveys:results")).status_code == 403


def _rating_world():
    agency, other = AgencyFactory(name="UBND phường thử"), AgencyFactory(name="UBND xã thử")
    officer_a = StaffFactory(full_name="Lê Văn An")
    officer_b = StaffFactory(full_name="Phạm Thị Bình")
    survey = SurveyFactory(kind=SurveyKind.DOSSIER_RATING, title="Đánh giá hồ sơ")
    section = SectionFactory(survey=survey)
    for code in ("DG10", "DG11"):
        q = QuestionFactory(
            section=section, code=code, type=QuestionType.SINGLE, purpose=QuestionPurpose.RATING
        )
        for pos, value in enumerate("321"):
            OptionFactory(question=q, value=value, label=value, position=pos)
    rows = [
        # agency, officer, DG10, DG11, computed
        (agency, officer_a, "3", "3", {"time_total": 2, "contacts": 2}),
        (agency, officer_a, "2", "3", {"time_total": 1, "contacts": 2}),
        (agency, officer_b, "1", "2", {"time_total": None, "contacts": 0}),
        (other, officer_b, "3", "1", {"time_total": 2, "contacts": 1}),
    ]
    for ag, officer, dg10, dg11, computed in rows:
        r = ResponseFactory(survey=survey, agency=ag, officer=officer, computed=computed)
        for code, value in (("DG10", dg10), ("DG11", dg11)):
            r.answers.create(question=survey.questions.get(code=code), value_text=value)
    return survey, agency, officer_a


def test_rating_aggregation_per_agency_and_officer(client):
    survey, agency, _officer = _rating_world()
    today = timezone.localdate()
    data = selectors.dossier_rating_average(agency=agency, date_from=today, date_to=today)
    assert data["responses"] == 3
    assert data["averages"]["DG10"] == pytest.approx(2.0)  # (3 + 2 + 1) / 3
    assert data["averages"]["DG11"] == pytest.approx(8 / 3)
    # time_total: 2-point in 1 of 2 known (one unknown); contacts: 2 of 3
    assert data["indicators"]["time_total"] == {"two_points": 1, "known": 2, "share": 50.0}
    assert data["indicators"]["contacts"]["share"] == pytest.approx(200 / 3)
    from surveys.results import rating_results

    out = rating_results(surveys=[survey])
    officers = {g.label: g for g in out["by_officer"]}
    assert officers["Lê Văn An"].responses == 2
    assert officers["Lê Văn An"].averages["DG10"] == pytest.approx(2.5)
    assert officers["Phạm Thị Bình"].averages["DG11"] == pytest.approx(1.5)
    client.force_login(staff(Role.APPRAISER))
    page = client.get(reverse("surveys:results"), {"survey": str(survey.public_id)})
    body = page.content.decode()
    assert "Lê Văn An" in body and "UBND xã thử" in body


def test_scoring_selectors(world):
    today = timezone.localdate()
    data = selectors.sipas_index(agency=world["parent"], date_from=today, date_to=today)
    # parent + unit: C1 5,4 -> 100; C2 4,3 -> 50; access 75; C3 2,4 -> 50 -> SIPAS 62.5
    assert data["value"] == pytest.approx(62.5)
    assert data["responses"] == 2 and data["valid_answers"] == 6
    assert data["elements"]["access"] == pytest.approx(75)
    assert data["elements"]["results"] is None
    assert data["criteria"]["1.1"] == {"satisfied": 2, "valid_answers": 2, "value": 100.0}
    only = selectors.sipas_index(
        agency=world["parent"], date_from=today, date_to=today, include_children=False
    )
    assert only["responses"] == 1
    element = selectors.element_index(
        agency=world["parent"], element="procedures", date_from=today, date_to=today
    )
    assert element["value"] == pytest.approx(50) and element["responses"] == 2
    past = today - datetime.timedelta(days=400)
    assert (
        selectors.sipas_index(agency=world["parent"], date_from=past, date_to=past)["value"] is None
    )


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_results_builders_produce_real_files(world):
    appraiser = staff(Role.APPRAISER)
    for kind in ("surveys.results.xlsx", "surveys.results.pdf"):
        builder = get_builder(kind)
        params = builder.clean_params(_export(world))
        assert builder.has_permission(appraiser, params)
        assert not builder.has_permission(staff(Role.DESK_OFFICER), params)
        leader = staff(Role.CCHC_OFFICER, agency=world["parent"])
        assert not builder.has_permission(leader, params)  # no agency: province-wide figures
        assert builder.has_permission(leader, {**params, "agency": world["parent"].pk})
        assert not builder.has_permission(leader, {**params, "agency": world["other"].pk})
        out = BytesIO()
        builder.build(params=params, out=out, progress=lambda p: None, user=appraiser)
        data = out.getvalue()
        if kind.endswith("xlsx"):
            book = load_workbook(BytesIO(data))
            rows = list(book["Tiêu chí"].iter_rows(values_only=True))
            sipas = next(r for r in rows if r[0] == "SIPAS")
            # all three: C1 5,4,1 -> 66.67; C2 4,3,1 -> 33.33; access 50; C3 2,4,1 -> 33.33
            assert sipas[9] == pytest.approx(41.67, abs=0.01)
            assert "Mong đợi" in book.sheetnames and "Theo cơ quan" in book.sheetnames
        else:
            assert data[:4] == b"%PDF"
            text = _pdf_text(data)
            assert "BÁO CÁO KẾT QUẢ KHẢO SÁT" in text
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
            assert "Chỉ số hài lòng theo yếu tố" in text
            assert "Tiếp cận dịch vụ" in text


def test_request_export_through_the_engine(client, world, django_capture_on_commit_callbacks):
    from reports.models import ExportJob
    from reports.services import request_export

    appraiser = staff(Role.APPRAISER)
    client.force_login(appraiser)
    response = client.post(
        reverse("reports:request", args=["surveys.results.xlsx"]), _export(world)
    )
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:job_detail", args=[job.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(kind="surveys.results.pdf", params=_export(world), user=appraiser)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.file.name.endswith(".pdf")


def test_knowledge_builder(world):
    from surveys import knowledge
    from tests.surveys.factories_b import TopicFactory, bank_question, correct_ids, knowledge_test

    topic = TopicFactory()
    for _i in range(3):
        bank_question(topic)
    survey = knowledge_test(topics=[topic], draw_count=2, title="Kiểm tra kiến thức CCHC 2026")
    user = staff(Role.DESK_OFFICER, agency=world["parent"])
    attempt = knowledge.start_attempt(survey=survey, user=user)
    answers = {q.pk: correct_ids(q) for q in knowledge.questions_of(attempt)}
    knowledge.submit_attempt(attempt=attempt, answers=answers)
    builder = get_builder("surveys.knowledge.xlsx")
    params = builder.clean_params({"survey": survey.pk})
    appraiser = staff(Role.ADMINISTRATOR)
    assert builder.has_permission(appraiser, params)
    assert not builder.has_permission(user, params)
    out = BytesIO()
    builder.build(params=params, out=out, progress=lambda p: None, user=appraiser)
    book = load_workbook(BytesIO(out.getvalue()))
    people = list(book["Theo người"].iter_rows(values_only=True))
    row = next(r for r in people if r[1] == user.full_name)
    assert row[3] == 2 and row[7] == pytest.approx(10)
    agencies = list(book["Theo cơ quan"].iter_rows(values_only=True))
    assert any(r[0] == world["parent"].name and r[1] == 1 for r in agencies)
