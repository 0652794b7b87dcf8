"""Browser journey of the foundation: Vietnamese home page → English → font size →
administrator login with TOTP → agency admin page (Debian's Chromium through Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from accounts import demo as accounts_demo
from agencies import demo as agencies_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    agencies_demo.seed()
    accounts_demo.seed()


def test_home_language_font_size_and_admin_login_with_totp(live_server, page, demo_data):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("body")).to_contain_text("Thủ tục hành chính")

    # switch to English: the same page, now in English
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # font size +A is applied and remembered on the next page
    html = page.locator("html")
    page.locator("[data-font-size=up]").click()
    expect(html).to_have_class(re.compile(r"font-step-2"))
    font_size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
    page.goto(live_server.url + "/co-quan/")
    expect(html).to_have_class(re.compile(r"font-step-2"))
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == font_size

    # back to Vietnamese, then the administrator logs in: password, then the TOTP code
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.goto(live_server.url + "/quan-tri/agencies/agency/")
    page.locator("input[name=login]").fill("admin@cchc.local")
    page.locator("input[name=password]").fill(accounts_demo.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()

    # a wrong code is refused in Vietnamese, the right one lets the administrator in
    code_input = page.locator("input[name=code]")
    expect(code_input).to_be_visible()
    code_input.fill("000000" if accounts_demo.current_demo_totp() != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("body")).to_contain_text("Mã xác thực không đúng")
    page.locator("input[name=code]").fill(accounts_demo.current_demo_totp())
    page.get_by_role("button", name="Xác nhận").click()

    expect(page).to_have_url(re.compile(r"/quan-tri/agencies/agency/"))
    expect(page.locator("#result_list")).to_contain_text("Sở Nội vụ")
    expect(page.locator("#result_list")).to_contain_text("UBND phường Ninh Kiều")
