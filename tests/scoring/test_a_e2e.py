"""Browser: the officer self-scores with htmx (errors in place), attaches evidence, submits."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from scoring import services
from scoring.models import Assessment
from tests.factories import AgencyFactory

from .factories import fast_passwords, open_set, staff  # noqa: F401
from .test_a_services import png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_officer_self_scores_and_submits(live_server, page, tmp_path):
    criteria_set, _nodes = open_set()
    agency = AgencyFactory()
    officer = staff(Role.CCHC_OFFICER, agency)
    assessment = services.start_assessment(criteria_set=criteria_set, agency=agency)
    scores = {s.criterion.code: s for s in assessment.scores.select_related("criterion")}
    login(page, live_server, officer)
    page.goto(live_server.url + reverse("scoring:assessment_detail", args=[assessment.public_id]))

    leaf = page.locator(f"#leaf-{scores['1.1'].pk}")
    leaf.locator(f"input[name=s{scores['1.1'].pk}-points]").fill("3")
    leaf.get_by_role("button", name="Lưu").click()
    leaf = page.locator(f"#leaf-{scores['1.1'].pk}")
    leaf.get_by_text("vượt quá điểm tối đa 2").wait_for()
    leaf.locator(f"input[name=s{scores['1.1'].pk}-points]").fill("1,5")
    leaf.get_by_role("button", name="Lưu").click()
    page.locator(f"#leaf-{scores['1.1'].pk}").get_by_text("Đã lưu: 1,5").wait_for()

    pk = scores["1.2"].pk
    leaf = page.locator(f"#leaf-{pk}")
    leaf.locator(f"select[name=s{pk}-yes]").select_option("1")
    leaf.get_by_role("button", name="Lưu").click()
    leaf = page.locator(f"#leaf-{pk}")
    leaf.get_by_text("Đã lưu: 1").wait_for()
    leaf.locator("summary").click()
    leaf.locator(f"input[name=e{pk}-title]").fill("Ảnh niêm yết TTHC")
    leaf.locator(f"input[name=e{pk}-doc_number]").fill("12/TB-UBND")
    image = tmp_path / "niem-yet.png"
    image.write_bytes(png_bytes())
    leaf.locator(f"input[name=e{pk}-file]").set_input_files(str(image))
    leaf.get_by_role("button", name="Đính kèm").click()
    page.locator(f"#leaf-{pk}").get_by_role("link", name="Ảnh niêm yết TTHC").wait_for()

    for code, name, value in (("1.3", "ratio_pct", "85"), ("2.1", "count", "1")):
        pk = scores[code].pk
        leaf = page.locator(f"#leaf-{pk}")
        leaf.locator(f"input[name=s{pk}-{name}]").fill(value)
        leaf.get_by_role("button", name="Lưu").click()
        page.locator(f"#leaf-{pk}").get_by_text("Đã lưu").wait_for()

    page.reload()
    if os.environ.get("SCORING_SCREENSHOTS"):
        page.screenshot(path=os.environ["SCORING_SCREENSHOTS"] + "/detail.png", full_page=True)
    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    page.get_by_test_id("assessment-status").get_by_text("Đã nộp").wait_for()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert str(assessment.scores.get(criterion__code="1.3").self_points) == "1.50"
