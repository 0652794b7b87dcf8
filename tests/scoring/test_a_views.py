"""Pages: permission isolation between agencies, htmx saving, evidence downloads, builder."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from scoring import criteria_io, services
from scoring.models import Assessment, CriteriaSet, Criterion
from tests.factories import AgencyFactory

from .factories import (  # noqa: F401
    CriteriaSetFactory,
    actors,
    fast_passwords,
    fill_and_submit,
    home_affairs,
    open_set,
    small_tree,
    staff,
)
from .test_a_services import png_bytes

pytestmark = pytest.mark.django_db
S = Assessment.Status


@pytest.fixture
def two(client):
    criteria_set, nodes = open_set()
    a, b = AgencyFactory(), AgencyFactory()
    pa, pb = actors(a), actors(b)
    assessment_a = services.start_assessment(criteria_set=criteria_set, agency=a)
    assessment_b = services.start_assessment(criteria_set=criteria_set, agency=b)
    return criteria_set, nodes, assessment_a, assessment_b, pa, pb


def leaf(assessment, code):
    return assessment.scores.get(criterion__code=code)


def test_officer_sees_and_edits_only_own_assessment(client, two):
    _cs, _n, a, b, pa, _pb = two
    client.force_login(pa["officer"])
    listing = client.get(reverse("scoring:assessment_list"))
    assert a.agency.name in listing.text and b.agency.name not in listing.text
    assert client.get(reverse("scoring:assessment_detail", args=[a.public_id])).status_code == 200
    assert client.get(reverse("scoring:assessment_detail", args=[b.public_id])).status_code == 404
    score_b = leaf(b, "1.1")
    response = client.post(
        reverse("scoring:score_save", args=[score_b.pk]), {f"s{score_b.pk}-points": "1"}
    )
    assert response.status_code == 404
    score_b.refresh_from_db()
    assert score_b.self_points is None


def test_leader_views_but_cannot_edit(client, two):
    _cs, _n, a, _b, pa, _pb = two
    client.force_login(pa["leader"])
    page = client.get(reverse("scoring:assessment_detail", args=[a.public_id]))
    assert page.status_code == 200 and "score_save" not in page.text
    score = leaf(a, "1.1")
    client.post(
        reverse("scoring:score_save", args=[score.pk]),
        {f"s{score.pk}-points": "1"},
        HTTP_HX_REQUEST="true",
    )
    score.refresh_from_db()
    assert score.self_points is None


def test_htmx_save_returns_leaf_with_error_and_keeps_input(client, two):
    _cs, _n, a, _b, pa, _pb = two
    client.force_login(pa["officer"])
    score = leaf(a, "1.1")
    url = reverse("scoring:score_save", args=[score.pk])
    bad = client.post(
        url,
        {f"s{score.pk}-points": "2,5", f"s{score.pk}-explanation": "giữ lại"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 200 and bad["HX-Trigger"] == "leaf-invalid"
    assert "vượt quá điểm tối đa 2" in bad.text and "giữ lại" in bad.text
    assert f'id="leaf-{score.pk}"' in bad.text
    ok = client.post(url, {f"s{score.pk}-points": "1,5"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200
    score.refresh_from_db()
    assert str(score.self_points) == "1.50"
    ratio = leaf(a, "1.3")
    client.post(reverse("scoring:score_save", args=[ratio.pk]), {f"s{ratio.pk}-ratio_pct": "85"})
    ratio.refresh_from_db()
    assert str(ratio.self_points) == "1.50" and str(ratio.declared_ratio) == "0.8500"


def test_evidence_upload_and_download_permission(client, two):
    _cs, _n, a, _b, pa, pb = two
    client.force_login(pa["officer"])
    score = leaf(a, "1.2")
    p = f"e{score.pk}"
    bad = client.post(
        reverse("scoring:evidence_add", args=[score.pk]),
        {f"{p}-title": "x", f"{p}-file": SimpleUploadedFile("x.pdf", b"not a pdf")},
        HTTP_HX_REQUEST="true",
    )
    assert bad["HX-Trigger"] == "leaf-invalid" and "không khớp" in bad.text
    client.post(
        reverse("scoring:evidence_add", args=[score.pk]),
        {
            f"{p}-title": "Ảnh niêm yết",
            f"{p}-doc_number": "15/KH-UBND",
            f"{p}-file": SimpleUploadedFile("niem-yet.png", png_bytes()),
        },
    )
    evidence = score.evidence.get()
    url = reverse("scoring:evidence_download", args=[evidence.public_id])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes()
    client.force_login(pb["officer"])
    assert client.get(url).status_code == 404
    client.force_login(pa["appraiser"])
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_submit_and_read_only_after(client, two):
    _cs, nodes, a, _b, pa, _pb = two
    fill_and_submit(a, pa["officer"], nodes)
    client.force_login(pa["officer"])
    page = client.get(reverse("scoring:assessment_detail", args=[a.public_id]))
    score = leaf(a, "1.1")
    assert "Đã nộp" in page.text and f'name="s{score.pk}-points"' not in page.text
    client.post(reverse("scoring:score_save", args=[score.pk]), {f"s{score.pk}-points": "0"})
    score.refresh_from_db()
    assert str(score.self_points) == "1.50"


def test_transition_view_and_head_only_approval(client, two):
    _cs, nodes, a, _b, pa, _pb = two
    fill_and_submit(a, pa["officer"], nodes)
    client.force_login(pa["appraiser"])
    url = reverse("scoring:transition", args=[a.public_id])
    client.post(url, {"to": S.UNDER_APPRAISAL})
    for score in a.scores.all():
        client.post(
            reverse("scoring:appraisal_save", args=[score.pk]),
            {f"a{score.pk}-points": str(score.self_points), f"a{score.pk}-comment": "Đạt"},
        )
    client.post(url, {"to": S.APPRAISED})
    client.post(url, {"to": S.APPROVED})
    a.refresh_from_db()
    assert a.status == S.APPRAISED
    client.force_login(pa["head"])
    client.post(url, {"to": S.APPROVED})
    a.refresh_from_db()
    assert a.status == S.APPROVED


def test_explanation_request_view(client, two):
    _cs, nodes, a, _b, pa, _pb = two
    fill_and_submit(a, pa["officer"], nodes)
    services.start_appraisal(assessment=a, by=pa["appraiser"])
    client.force_login(pa["appraiser"])
    score = leaf(a, "1.3")
    client.post(
        reverse("scoring:appraisal_request_explanation", args=[a.public_id]),
        {"deadline": "2099-01-01T10:00", f"q_{score.pk}": "Bổ sung báo cáo"},
    )
    a.refresh_from_db()
    score.refresh_from_db()
    assert a.status == S.EXPLANATION_REQUESTED and score.explanation_requested
    client.force_login(pa["officer"])
    page = client.get(reverse("scoring:assessment_detail", args=[a.public_id]))
    assert "Bổ sung báo cáo" in page.text and f"x{score.pk}-answer" in page.text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_detail_page_queries_do_not_grow_with_leaves(client, two):
    criteria_set, nodes, a, _b, pa, _pb = two
    client.force_login(pa["officer"])
    url = reverse("scoring:assessment_detail", args=[a.public_id])
    client.get(url)
    small = count_queries(client, url)
    assert small <= 25
    for i in range(10):
        Criterion.objects.create(
            criteria_set=criteria_set, parent=nodes["2"], code=f"2.{i + 2}", name="x"
        )
    client.get(url)  # creates the new scores
    assert count_queries(client, url) == small


def test_list_page_constant_queries(client):
    appraiser = staff(Role.APPRAISER)
    criteria_set, _ = open_set()
    client.force_login(appraiser)
    url = reverse("scoring:assessment_list")
    services.start_assessment(criteria_set=criteria_set, agency=AgencyFactory())
    client.get(url)
    one = count_queries(client, url)
    assert one <= 20
    for _ in range(8):
        services.start_assessment(criteria_set=criteria_set, agency=AgencyFactory())
    assert count_queries(client, url) == one


def test_builder_pages(client):
    appraiser = staff(Role.APPRAISER)
    client.force_login(appraiser)
    response = client.post(
        reverse("scoring:set_create"),
        {
            "year": 2041,
            "target_group": "communes",
            "name": "Bộ 2041",
            "submission_deadline": "2042-01-15",
        },
    )
    criteria_set = CriteriaSet.objects.get(year=2041)
    assert response.status_code == 302
    add = reverse("scoring:criterion_add", args=[criteria_set.public_id])
    client.post(add, {"code": "1", "name": "Lĩnh vực", "max_points": "3", "rule_type": "manual"})
    area = criteria_set.criteria.get(code="1")
    client.post(
        add,
        {
            "code": "1.1",
            "name": "Tỷ lệ",
            "parent": area.pk,
            "max_points": "2",
            "rule_type": "ratio_tiers",
            "tiers_text": "100%=2; 80%=1",
        },
    )
    assert criteria_set.criteria.get(code="1.1").tiers == [["1", "2"], ["0.8", "1"]]
    detail = client.get(reverse("scoring:set_detail", args=[criteria_set.public_id]))
    assert "tổng điểm tối đa các tiêu chí con là 2" in detail.text
    client.post(reverse("scoring:set_open", args=[criteria_set.public_id]))
    criteria_set.refresh_from_db()
    assert criteria_set.status == CriteriaSet.Status.DRAFT
    tree_html = client.post(
        reverse("scoring:criterion_delete", args=[criteria_set.criteria.get(code="1.1").pk]),
        HTTP_HX_REQUEST="true",
    )
    assert tree_html.status_code == 200 and 'id="criteria-tree"' in tree_html.text
    export = client.get(reverse("scoring:set_export", args=[criteria_set.public_id]))
    assert export.status_code == 200
    bad = client.post(
        reverse("scoring:set_import", args=[criteria_set.public_id]),
        {"file": SimpleUploadedFile("x.xlsx", _bad_xlsx())},
    )
    assert bad.status_code == 400 and "Dòng 2" in bad.text
    assert criteria_set.criteria.count() == 1


def _bad_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(criteria_io.HEADERS)
    wb.active.append(["1", "A", "nhiều"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_builder_forbidden_for_agency_staff(client):
    client.force_login(staff(Role.CCHC_OFFICER))
    assert client.get(reverse("scoring:set_list")).status_code == 403
    criteria_set = CriteriaSetFactory()
    small_tree(criteria_set)
    assert (
        client.get(reverse("scoring:set_detail", args=[criteria_set.public_id])).status_code == 403
    )


def test_demo_journey_start_fill_and_view(client):
    from agencies import demo as agencies_demo
    from agencies.models import Agency
    from scoring import demo

    agencies_demo.seed()
    demo.seed()
    ward = Agency.objects.get(electronic_id="000.40.01.H13")
    officer = staff(Role.CCHC_OFFICER, ward)
    client.force_login(officer)
    listing = client.get(reverse("scoring:assessment_list"))
    communes = CriteriaSet.objects.get(year=2025, target_group="communes")
    assert communes.name in listing.text
    assert CriteriaSet.objects.get(year=2025, target_group="departments").name not in listing.text
    response = client.post(
        reverse("scoring:assessment_start", args=[communes.public_id]), {"agency": ward.pk}
    )
    assessment = Assessment.objects.get(agency=ward, criteria_set=communes)
    assert response.url == reverse("scoring:assessment_detail", args=[assessment.public_id])
    page = client.get(response.url)
    assert page.status_code == 200
    assert (
        "Cải cách thủ tục hành chính" in page.text
        and "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn" in page.text
    )
    assert assessment.scores.count() == len(
        [c for c in communes.criteria.all() if not c.children.exists()]
    )
    appraiser = staff(Role.APPRAISER, home_affairs())
    client.force_login(appraiser)
    assert client.get(reverse("scoring:set_detail", args=[communes.public_id])).status_code == 200
