"""Public ranking pages (hidden before publication), staff buttons, and the PDF/XLSX reports."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from reports.models import ExportJob
from reports.registry import get_builder
from scoring import ranking
from scoring.models import Assessment
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.scoring.factories_b import make_assessments, make_set, make_tree

S = Assessment.Status


def with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def appraiser():
    return with_totp(MembershipFactory(role=Role.APPRAISER).user)


@pytest.fixture
def ranked_set():
    s = make_set(year=2025)
    _roots, leaves = make_tree(s, areas=3, criteria=2, leaves=2, leaf_max=Decimal("2"))
    agencies = [
        AgencyFactory(name=n, electronic_id=f"000.7{i}.99.H13")
        for i, n in enumerate(
            ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế", "Sở Giáo dục và Đào tạo"]
        )
    ]
    make_assessments(s, agencies, leaves, status=S.APPROVED, seed=7)
    ranking.compute(criteria_set=s)
    return s


def url(s, name="scoring:public_ranking_year", *extra):
    return reverse(name, args=[s.year, ranking.GROUP_SLUGS[s.target_group], *extra])


@pytest.mark.django_db
def test_unpublished_ranking_is_404_for_public_and_citizens_but_shown_to_appraisers(
    client, ranked_set, appraiser
):
    assert client.get(url(ranked_set)).status_code == 404
    assert (
        client.get(url(ranked_set, "scoring:public_ranking_agency", "000.70.99.H13")).status_code
        == 404
    )
    response = client.get(reverse("scoring:public_ranking"))
    assert response.status_code == 200
    assert "Sở Y tế" not in response.content.decode()
    client.force_login(UserFactory())
    assert client.get(url(ranked_set)).status_code == 404
    client.force_login(appraiser)
    response = client.get(url(ranked_set))
    assert response.status_code == 200
    assert "Sở Y tế" in response.content.decode()
    assert "Kết quả chưa được công bố" in response.content.decode()


@pytest.mark.django_db
def test_published_ranking_is_public_with_table_chart_and_agency_page(
    client, ranked_set, django_assert_max_num_queries
):
    ranked_set.published_at = ranked_set.created_at
    ranked_set.save()
    Assessment.objects.filter(criteria_set=ranked_set).update(status=S.PUBLISHED)
    ranking.compute(criteria_set=ranked_set)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("scoring:public_ranking"))
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế", "Sở Giáo dục và Đào tạo"):
        assert name in body
    assert 'id="ranking-chart-data"' in body and "chart.umd.min.js" in body
    assert "Tải báo cáo PDF" not in body  # anonymous: no report buttons
    first = ranked_set.assessments.order_by("rank").first()
    response = client.get(
        url(ranked_set, "scoring:public_ranking_agency", first.agency.electronic_id)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lĩnh vực thử nghiệm số 3" in body and "Điểm theo lĩnh vực" in body
    # a hidden (not published) assessment of a published set stays hidden
    Assessment.objects.filter(pk=first.pk).update(status=S.APPROVED)
    response = client.get(
        url(ranked_set, "scoring:public_ranking_agency", first.agency.electronic_id)
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_staff_buttons_recompute_and_export(
    client, ranked_set, appraiser, django_capture_on_commit_callbacks
):
    client.force_login(appraiser)
    body = client.get(url(ranked_set)).content.decode()
    assert "Tải báo cáo PDF" in body and "Tính lại xếp hạng" in body
    assert "Công bố kết quả" not in body  # only the head publishes
    assert client.post(url(ranked_set, "scoring:ranking_recompute")).status_code == 302
    assert client.post(url(ranked_set, "scoring:ranking_metrics")).status_code == 302
    assert client.post(url(ranked_set, "scoring:ranking_publish")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(ranked_set, "scoring:ranking_export", "xlsx"))
    job = ExportJob.objects.get(kind="scoring.ranking.xlsx")
    assert response.url == reverse("reports:job_detail", args=[job.public_id])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    officer = MembershipFactory(role=Role.CCHC_OFFICER).user
    client.force_login(officer)
    assert client.post(url(ranked_set, "scoring:ranking_export", "pdf")).status_code == 404


@pytest.mark.django_db
def test_xlsx_has_summary_and_one_sheet_per_area(ranked_set, appraiser):
    out = io.BytesIO()
    name = get_builder("scoring.ranking.xlsx").build(
        params={"set": str(ranked_set.public_id)}, out=out, progress=lambda p: None, user=appraiser
    )
    assert name == "xep-hang-chi-so-cchc-2025-so-ban-nganh.xlsx"
    wb = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert wb.sheetnames[0] == "Tổng hợp" and len(wb.sheetnames) == 4
    summary = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert summary[2][:2] == ("Xếp hạng", "Cơ quan")
    assert len(summary) == 3 + 3  # title, blank, header, 3 agencies
    assert {row[1] for row in summary[3:]} == {
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
    }
    area = list(wb[wb.sheetnames[1]].iter_rows(values_only=True))
    assert area[2][:3] == ("Cơ quan", "Mã tiêu chí", "Tiêu chí")
    assert len(area) == 3 + 3 * 4  # 3 agencies × 4 leaves of area 1
    first = area[3]
    assert first[1] == "1.1.1"
    assert first[7] == (first[6] if first[6] is not None else first[4])  # final = appraised


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_pdf_text_has_headings_and_agencies_with_diacritics(ranked_set, appraiser, tmp_path):
    a = ranked_set.assessments.first()
    a.scores.filter(criterion__code="1.1.1").update(appraisal_comment="Thiếu báo cáo quý IV")
    out = io.BytesIO()
    marks = []
    get_builder("scoring.ranking.pdf").build(
        params={"set": str(ranked_set.public_id)}, out=out, progress=marks.append, user=appraiser
    )
    assert marks[-1] == 100
    path = tmp_path / "ranking.pdf"
    path.write_bytes(out.getvalue())
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "PHỤ LỤC" in text
    assert "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025" in text
    for name in ("Sở Văn hóa, Thể thao và Du lịch", "Sở Giáo dục và Đào tạo"):
        assert name in text
    assert "Nhận xét thẩm định" in text and "Thiếu báo cáo quý IV" in text
    assert "Lĩnh vực thử nghiệm số 2" in text


@pytest.mark.django_db
def test_report_permissions(ranked_set, appraiser):
    builder = get_builder("scoring.ranking.pdf")
    params = {"set": str(ranked_set.public_id)}
    citizen = UserFactory()
    assert builder.has_permission(appraiser, params)
    assert not builder.has_permission(citizen, params)
    ranked_set.published_at = ranked_set.created_at
    ranked_set.save()
    assert builder.has_permission(citizen, params)
    assert not builder.has_permission(citizen, {"set": "nope"})


@pytest.mark.django_db
def test_assessment_page_offers_metric_recompute_to_appraisers_until_approval(client, appraiser):
    s = make_set(year=2025)
    _roots, leaves = make_tree(s, areas=1, criteria=1, leaves=2, leaf_max=Decimal("2"))
    agency = AgencyFactory(name="Sở Y tế", electronic_id="000.79.99.H13")
    (assessment,) = make_assessments(s, [agency], leaves, status=S.UNDER_APPRAISAL, seed=3)
    detail = reverse("scoring:assessment_detail", args=[assessment.public_id])
    recompute = reverse("scoring:metrics_recompute", args=[assessment.public_id])
    client.force_login(appraiser)
    assert recompute in client.get(detail).content.decode()
    assert client.post(recompute).status_code == 302
    Assessment.objects.filter(pk=assessment.pk).update(status=S.APPROVED)
    assert recompute not in client.get(detail).content.decode()
    officer = MembershipFactory(role=Role.CCHC_OFFICER, agency=agency).user
    client.force_login(officer)
    assert recompute not in client.get(detail).content.decode()


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_pdf_in_parts_has_the_pages_of_one_document(ranked_set, appraiser, tmp_path, monkeypatch):
    """One agency per part: same pages, same text and the same "Trang x/y" footers as the
    report laid out as one WeasyPrint document."""
    from reports.pdf import render_pdf
    from scoring import reports

    def pages(data: bytes) -> list[str]:
        path = tmp_path / "ranking.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        return [" ".join(page.split()) for page in text.split("\f")[:-1]]

    monkeypatch.setattr(reports, "PDF_AGENCIES_PER_PART", 1)
    parts = io.BytesIO()
    get_builder("scoring.ranking.pdf").build(
        params={"set": str(ranked_set.public_id)},
        out=parts,
        progress=lambda p: None,
        user=appraiser,
    )
    context = reports.pdf_context(ranked_set, appraiser, lambda p: None)
    whole = io.BytesIO()
    render_pdf(
        "pdf/scoring/ranking.html",
        {**context, "summary": True, "agencies": context["table"]},
        whole,
    )
    in_parts, in_one = pages(parts.getvalue()), pages(whole.getvalue())
    assert len(in_parts) == len(in_one) == 1 + len(context["table"])
    assert in_parts == in_one
    assert in_parts[-1].endswith(f"Trang {len(in_one)}/{len(in_one)}")
