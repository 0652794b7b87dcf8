"""Browser journey: a desk officer logs a paper dossier with the keyboard alone, opens the
receipt PDF, then asks for a supplement on another dossier."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.models import Dossier, Status
from tests.dossiers.factories import DossierFactory
from tests.dossiers.staff_helpers import build_world

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR")


def login(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_desk_officer_logs_prints_and_asks_for_a_supplement(live_server, page):
    world = build_world()
    login(page.context, live_server, world.desk)
    page.goto(live_server.url + reverse("dossiers:desk"))

    # 1. keyboard only: the search box has the focus; type, arrow, Enter
    page.keyboard.type("dang ky khai")
    page.wait_for_selector("#procedure-listbox .desk-suggestion")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#desk-form")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "desk-console.png"), full_page=True)
    # the applicant's name has the focus; the mandatory documents are prefilled
    page.keyboard.type("Nguyễn Thị Hồng Nhung")
    page.keyboard.press("Tab")
    page.keyboard.type("092188001234")
    page.keyboard.press("Tab")
    page.keyboard.type("0912345678")
    page.keyboard.press("Enter")  # the default button: "Tiếp nhận"
    page.wait_for_url("**/tiep-nhan-xong/")
    dossier = Dossier.objects.get()
    assert dossier.status == Status.ACCEPTED
    assert dossier.applicant_name == "Nguyễn Thị Hồng Nhung"
    assert dossier.applicant_id_number == "092188001234"
    assert page.locator("body").inner_text().count(dossier.code) >= 1

    # 2. the receipt (Mẫu 01) link serves a PDF
    href = page.get_attribute("a[href$='/mau/1/']", "href")
    response = page.request.get(live_server.url + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:4] == b"%PDF"

    # 3. another dossier, submitted online: request a supplement from its page
    online = DossierFactory(
        status=Status.SUBMITTED,
        receiving_unit=world.desk_unit,
        competent_agency=world.agency,
        case=world.case,
    )
    page.goto(live_server.url + reverse("dossiers:staff_detail", args=[online.code]))
    page.locator("summary", has_text="Yêu cầu bổ sung").click()
    page.get_by_label("Giấy chứng sinh").check()
    page.locator("#id_supplement-reason").fill("Thiếu giấy chứng sinh bản chứng thực")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    page.wait_for_selector(".alert-success")
    online.refresh_from_db()
    assert online.status == Status.WAITING_SUPPLEMENT
    assert online.supplement_requests.get().items[0]["name"] == "Giấy chứng sinh"

    page.goto(live_server.url + reverse("dossiers:queue"))
    assert dossier.code in page.content()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "queue.png"), full_page=True)
