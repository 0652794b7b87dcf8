"""Browser journey: a citizen submits online (real upload) and tracks the dossier."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.models import Dossier, Status
from tests.dossiers.citizen_helpers import make_world
from tests.dossiers.factories import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def _shot(page, name):
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_citizen_submits_online_and_tracks(live_server, page, tmp_path):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    world = make_world()
    _login(page, live_server, world.citizen)
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF_BYTES)

    page.goto(live_server.url + reverse("procedures:detail", args=[world.version.procedure.code]))
    page.click("text=Nộp hồ sơ trực tuyến")
    page.wait_for_selector("select[name=competent_agency]")
    _shot(page, "1-start")
    page.click("button:has-text('Tiếp tục')")

    page.wait_for_selector("input[name=applicant_name]")
    assert page.input_value("input[name=applicant_name]") == "Nguyễn Văn An"
    assert page.is_hidden("#owner-fields")  # "owner = applicant" is ticked
    page.check("input[name=has_representative]")
    assert page.is_visible("#representative-fields")
    page.uncheck("input[name=has_representative]")
    page.fill("textarea[name=summary]", "Đăng ký khai sinh cho con thứ hai")
    _shot(page, "2-details")
    page.click("button:has-text('Lưu và tiếp tục')")

    page.wait_for_selector(f"input[name=doc_{world.mandatory.pk}]")
    page.set_input_files(f"input[name=doc_{world.mandatory.pk}]", str(scan))
    _shot(page, "3-documents")
    page.click("button:has-text('Tải lên và xem lại hồ sơ')")

    page.wait_for_selector("#expected-due")
    assert "to-khai.pdf" in page.content()
    _shot(page, "4-review")
    page.click("button:has-text('Nộp hồ sơ')")

    page.wait_for_selector("#dossier-code")
    _shot(page, "5-submitted")
    code = page.inner_text("#dossier-code").strip()
    secret = page.inner_text("#tracking-secret").strip()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED and dossier.tracking_secret == secret
    assert dossier.attachments.count() == 1

    page.goto(live_server.url + reverse("dossiers:track"))
    page.fill("input[name=code]", code)
    page.fill("input[name=secret]", secret)
    page.click("form button:has-text('Tra cứu')")
    page.wait_for_selector("#tracking-result")
    _shot(page, "6-tracking")
    result = page.inner_text("#tracking-result")
    assert code in result and "Mới đăng ký" in result and "N. V. A." in result
    assert "Nguyễn Văn An" not in page.inner_text("main")  # the navbar shows the user

    page.goto(live_server.url + reverse("dossiers:my_dossiers"))
    assert code in page.inner_text("main")
    _shot(page, "7-my-dossiers")
    assert problems == []
