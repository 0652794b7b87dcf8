"""Browser journeys: a citizen finds a procedure without diacritics and prints it; an
administrator uploads a decision workbook, reads the preview, applies it and sees the new version."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from tests.factories import MembershipFactory, StaffFactory

from .helpers import make_xlsx, row, with_totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(run_import):
    run_import(
        make_xlsx(
            [
                row("1.001193", name="Đăng ký khai sinh", fee="Không"),
                row("1.000894", name="Đăng ký kết hôn", online="Toàn trình", fee="50000"),
            ]
        ),
        decision_date=datetime.date(2025, 7, 1),
        decision="1234/QĐ-UBND",
    )


def test_search_without_diacritics_open_and_print(live_server, page, catalogue):
    page.goto(f"{live_server.url}/thu-tuc/")
    page.fill("#id_q", "dang ky khai sinh")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url("**q=dang+ky+khai+sinh**")
    assert page.locator("#result-count").inner_text().startswith("Tìm thấy 1")
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    page.wait_for_url("**/thu-tuc/1.001193/")
    assert page.locator("h1").inner_text() == "Đăng ký khai sinh"
    assert "07 ngày làm việc" in page.locator(".time-limit").inner_text()
    page.get_by_role("link", name="Bản in thủ tục").click()
    page.wait_for_url("**/thu-tuc/1.001193/ban-in/")
    page.emulate_media(media="print")
    assert page.get_by_role("button", name="In trang này").is_hidden()
    assert page.get_by_text("Tờ khai đăng ký khai sinh").is_visible()


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_admin_uploads_previews_and_applies(live_server, page, catalogue, tmp_path):
    admin = StaffFactory(is_superuser=True, is_staff=True)
    MembershipFactory(user=admin, role=Role.ADMINISTRATOR)
    with_totp(admin)
    _login(page, live_server, admin)
    workbook = tmp_path / "qd-99.xlsx"
    workbook.write_bytes(
        make_xlsx(
            [
                row(
                    "1.001193",
                    name="Đăng ký khai sinh",
                    fee="Không",
                    time="03 ngày làm việc",
                    action="Sửa đổi, bổ sung",
                ),
                row("1.000894", name="Đăng ký kết hôn", online="Toàn trình", fee="50000"),
            ]
        )
    )
    page.goto(f"{live_server.url}/thu-tuc/quan-tri/nhap-excel/")
    page.set_input_files("#id_file", str(workbook))
    page.fill("#id_decision", "99/QĐ-UBND")
    page.fill("#id_decision_date", "2026-03-15")
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_url("**/xem-truoc/**")
    assert page.locator("[data-count=amended]").inner_text() == "1"
    assert page.locator("[data-count=unchanged]").inner_text() == "1"
    diff = page.locator("table.diff").inner_text()
    assert "7 Ngày làm việc" in diff and "3 Ngày làm việc" in diff
    page.get_by_role("button", name="Áp dụng").click()
    page.wait_for_url(f"{live_server.url}/thu-tuc/")
    page.goto(f"{live_server.url}/thu-tuc/1.001193/")
    assert "03 ngày làm việc" in page.locator(".time-limit").inner_text()
    assert "99/QĐ-UBND" in page.content()
    page.goto(f"{live_server.url}/thu-tuc/1.001193/?ngay=2026-03-14")
    assert "07 ngày làm việc" in page.locator(".time-limit").inner_text()
