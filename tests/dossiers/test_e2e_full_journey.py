"""Browser journey from intake to return, through the UI alone: the desk asks a citizen's
online dossier for a supplement, the citizen answers it, the desk accepts and hands it over, the
processing officer finishes it with a result and sends it back, the desk returns it — and the
agency's statistics count one more resolved dossier."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import DossierEvent, Status
from tests.dossiers.factories import PDF_BYTES
from tests.dossiers.staff_helpers import build_world
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def session_for(live_server, browser, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def open_action(page, label: str):
    """The dossier action whose <details> summary is `label`, opened (the first one may be)."""
    details = page.locator("details", has=page.locator("summary", has_text=label))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def act(page, label: str, button: str):
    open_action(page, label).get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector(".alert-success")


def resolved_count(page, live_server, agency) -> int:
    year = timezone.localdate().year
    page.goto(
        f"{live_server.url}{reverse('dossiers:stats')}?agency={agency.pk}&children=1"
        f"&kind=range&from={year}-01-01&to={year}-12-31"
    )
    card = page.locator(".card-body", has=page.get_by_text("Đã giải quyết", exact=True))
    return int(card.locator(".fs-3").inner_text().replace(".", ""))


def test_dossier_goes_from_intake_to_return_through_the_ui(live_server, browser, tmp_path):
    world = build_world()
    world.version.online_level = "partial"
    world.version.save()
    citizen = UserFactory(full_name="Nguyễn Thị Hồng Nhung", phone="0912345678")
    dossier = services.create_draft(
        user=citizen, case=world.case, competent_agency=world.agency, receiving_unit=world.desk_unit
    )
    for document in (world.form_doc, world.birth_doc):
        services.add_attachment(
            dossier=dossier,
            user=citizen,
            file=SimpleUploadedFile("giay-to.pdf", PDF_BYTES, "application/pdf"),
            required_document=document,
        )
    dossier = services.submit_online(dossier=dossier, user=citizen)
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(PDF_BYTES)

    leader = session_for(live_server, browser, world.leader)
    before = resolved_count(leader, live_server, world.agency)

    # 1. the scanned birth certificate is unreadable: the desk asks for a certified copy (Mẫu 02)
    desk = session_for(live_server, browser, world.desk)
    staff_url = live_server.url + reverse("dossiers:staff_detail", args=[dossier.code])
    desk.goto(staff_url)
    open_action(desk, "Yêu cầu bổ sung")
    desk.get_by_label("Giấy chứng sinh").check()
    desk.locator("#id_supplement-reason").fill("Thiếu giấy chứng sinh bản chứng thực")
    desk.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    desk.wait_for_selector(".alert-success")

    # 2. the citizen uploads it from "Hồ sơ của tôi"
    person = session_for(live_server, browser, citizen)
    person.goto(live_server.url + reverse("dossiers:citizen_detail", args=[dossier.public_id]))
    person.locator("#supplement input[type=file]").first.set_input_files(str(scan))
    person.get_by_role("button", name="Gửi bổ sung").click()
    person.wait_for_selector(".alert-success")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    # 3. the desk accepts (Mẫu 01) and hands it to the competent agency
    desk.goto(staff_url)
    act(desk, "Tiếp nhận hồ sơ (Mẫu 01)", "Tiếp nhận")
    act(desk, "Chuyển hồ sơ", "Chuyển")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.due_at is not None

    # 4. the processing officer attaches the result, finishes, and sends it back to the desk
    officer = session_for(live_server, browser, world.officer)
    officer.goto(staff_url)
    finish = officer.locator("details", has=officer.locator("summary", has_text="Đính kèm kết quả"))
    finish.locator("summary").click()
    finish.locator("input[type=file]").set_input_files(str(scan))
    finish.get_by_label("Tên kết quả").fill("Giấy khai sinh")
    finish.get_by_role("button", name="Hoàn thành", exact=True).click()
    officer.wait_for_selector(".alert-success")
    act(officer, "Chuyển hồ sơ", "Chuyển")

    # 5. the desk hands the result to the citizen
    desk.goto(staff_url)
    act(desk, "Trả kết quả cho công dân", "Đã trả kết quả")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.outcome
    moves = [
        (kind, to)
        for kind, to in dossier.events.order_by("at", "pk").values_list("kind", "to_status")
        if to is not None
    ]
    statuses = [to for i, (_kind, to) in enumerate(moves) if i == 0 or moves[i - 1][1] != to]
    assert statuses == [
        Status.SUBMITTED,
        Status.WAITING_SUPPLEMENT,
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.PROCESSING,
        Status.FINISHED,
        Status.RETURNED,
    ], moves
    assert dossier.events.filter(kind=DossierEvent.Kind.HANDOFF).count() == 2

    # the citizen sees the result; the agency's statistics count it
    person.goto(live_server.url + reverse("dossiers:citizen_detail", args=[dossier.public_id]))
    assert "Giấy khai sinh" in person.locator("main").inner_text()
    assert resolved_count(leader, live_server, world.agency) == before + 1
