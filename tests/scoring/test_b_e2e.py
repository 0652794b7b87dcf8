"""Browser journey: self-assessment with evidence → explanation → appraisal → approval →
publication → the public ranking → the appraiser downloads the PDF and the workbook."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from scoring import ranking, services
from scoring.models import Assessment
from tests.dossiers.factories import PDF_BYTES
from tests.factories import AgencyFactory, MembershipFactory
from tests.scoring.factories_b import make_set, make_tree

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def login(page, live_server, user=None):
    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def status_is(page, label):
    page.get_by_test_id("assessment-status").get_by_text(label).wait_for()


def test_par_journey_to_published_ranking_and_reports(live_server, page, tmp_path):
    home_affairs = AgencyFactory(name="Sở Nội vụ", electronic_id="000.10.00.H13")
    agency = AgencyFactory(name="Sở Văn hóa, Thể thao và Du lịch", electronic_id="000.21.00.H13")
    officer = MembershipFactory(agency=agency, role=Role.CCHC_OFFICER).user
    appraiser = with_totp(MembershipFactory(agency=home_affairs, role=Role.APPRAISER).user)
    head = MembershipFactory(agency=home_affairs, role=Role.AGENCY_LEADER).user
    criteria_set = make_set(year=2025)
    _roots, leaves = make_tree(criteria_set, areas=1, criteria=1, leaves=2, leaf_max=Decimal("5"))
    leaves[0].evidence_required = True
    leaves[0].save()
    assessment = services.start_assessment(criteria_set=criteria_set, agency=agency)
    pk = {s.criterion.code: s.pk for s in assessment.scores.select_related("criterion")}
    first, second = pk["1.1.1"], pk["1.1.2"]
    detail = live_server.url + reverse("scoring:assessment_detail", args=[assessment.public_id])

    # 1. the officer self-scores, attaches a PDF and submits
    login(page, live_server, officer)
    page.goto(detail)
    for score_pk, value in ((first, "5"), (second, "4")):
        leaf = page.locator(f"#leaf-{score_pk}")
        leaf.locator(f"input[name=s{score_pk}-points]").fill(value)
        leaf.get_by_role("button", name="Lưu").click()
        page.locator(f"#leaf-{score_pk}").get_by_text("Đã lưu").wait_for()
    leaf = page.locator(f"#leaf-{first}")
    leaf.locator("summary").click()
    leaf.locator(f"input[name=e{first}-title]").fill("Quyết định ban hành kế hoạch CCHC năm 2025")
    leaf.locator(f"input[name=e{first}-doc_number]").fill("15/QĐ-SVHTTDL")
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(PDF_BYTES)
    leaf.locator(f"input[name=e{first}-file]").set_input_files(str(pdf))
    leaf.get_by_role("button", name="Đính kèm").click()
    page.locator(f"#leaf-{first}").get_by_role(
        "link", name="Quyết định ban hành kế hoạch CCHC năm 2025"
    ).wait_for()
    page.reload()
    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    status_is(page, "Đã nộp")

    # 2. the appraiser starts the appraisal and asks for an explanation on 1.1.2
    login(page, live_server, appraiser)
    page.goto(detail)
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    status_is(page, "Đang thẩm định")
    page.locator(f"textarea[name=q_{second}]").fill("Đề nghị gửi báo cáo kết quả thực hiện.")
    deadline = datetime.datetime.now() + datetime.timedelta(days=5)
    page.locator("input[name=deadline]").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Gửi yêu cầu giải trình").click()
    status_is(page, "Yêu cầu giải trình")

    # 3. the officer answers and sends the explanation
    login(page, live_server, officer)
    page.goto(detail)
    leaf = page.locator(f"#leaf-{second}")
    leaf.locator(f"textarea[name=x{second}-answer]").fill("Đã bổ sung báo cáo số 20/BC-SVHTTDL.")
    leaf.get_by_role("button", name="Lưu giải trình").click()
    page.locator(f"#leaf-{second}").get_by_text("Đã bổ sung báo cáo số 20/BC-SVHTTDL.").wait_for()
    page.get_by_role("button", name="Gửi giải trình").click()
    status_is(page, "Đang thẩm định")

    # 4. the appraiser scores every leaf and finishes the appraisal
    login(page, live_server, appraiser)
    page.goto(detail)
    for score_pk, value in ((first, "5"), (second, "3,5")):
        leaf = page.locator(f"#leaf-{score_pk}")
        leaf.locator(f"input[name=a{score_pk}-points]").fill(value)
        leaf.get_by_role("button", name="Lưu điểm thẩm định").click()
        page.locator(f"#leaf-{score_pk}").get_by_text("Lưu điểm thẩm định").wait_for()
    page.reload()
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    status_is(page, "Đã thẩm định")

    # 5. the head approves, then publishes the ranking
    login(page, live_server, head)
    page.goto(detail)
    page.get_by_role("button", name="Phê duyệt kết quả").click()
    status_is(page, "Đã phê duyệt")
    page.goto(live_server.url + reverse("scoring:public_ranking_year", args=[2025, "so-ban-nganh"]))
    page.locator("input[name=publication_ref]").fill("Quyết định số 99/QĐ-UBND ngày 20/3/2026")
    page.get_by_test_id("publish").click()
    page.get_by_text("Đã công bố kết quả của 1 cơ quan.").wait_for()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PUBLISHED
    assert (assessment.final_total, assessment.index_pct, assessment.rank) == (
        Decimal("8.50"),
        Decimal("85.00"),
        1,
    )

    # 6. the public sees the ranking and the agency's breakdown
    login(page, live_server, None)
    page.goto(live_server.url + reverse("scoring:public_ranking"))
    table = page.get_by_test_id("ranking-table")
    table.get_by_text("Sở Văn hóa, Thể thao và Du lịch").wait_for()
    assert "85,00" in table.inner_text()
    page.get_by_role("link", name="Sở Văn hóa, Thể thao và Du lịch").click()
    page.get_by_test_id("area-table").get_by_text("Lĩnh vực thử nghiệm số 1").wait_for()

    # 7. the appraiser downloads the PDF and the workbook
    login(page, live_server, appraiser)
    ranking_url = live_server.url + reverse(
        "scoring:public_ranking_year", args=[2025, ranking.GROUP_SLUGS["departments"]]
    )
    for testid, suffix in (("export-pdf", ".pdf"), ("export-xlsx", ".xlsx")):
        page.goto(ranking_url)
        page.get_by_test_id(testid).click()
        link = page.get_by_role("link", name="Tải về")
        link.wait_for()
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(suffix)
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        head_bytes = target.read_bytes()[:4]
        assert head_bytes == (b"%PDF" if suffix == ".pdf" else b"PK\x03\x04")
