import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_font_size_is_remembered_and_page_has_no_csp_violations(live_server, page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    size = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.lang") == "vi"
    default_size = page.evaluate(size)
    page.click("[data-font-size=up]")
    page.click("[data-font-size=up]")
    assert page.evaluate("document.documentElement.className") == "font-step-3"
    assert page.evaluate(size) == pytest.approx(default_size * 1.25)

    page.goto(live_server.url + "/?lan=2")
    assert page.evaluate("document.documentElement.className") == "font-step-3"

    page.click("[data-font-size=down]")
    page.click("[data-font-size=down]")
    page.click("[data-font-size=down]")
    assert page.evaluate("document.documentElement.className") == "font-step-0"
    assert page.is_disabled("[data-font-size=down]")
    page.click("[data-font-size=reset]")
    assert page.evaluate("document.documentElement.className") == ""

    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert problems == []


def test_language_switch_and_mobile_menu(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    page.click("button[value=en]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("button[value=vi]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "vi"

    assert not page.is_visible("#main-nav")
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    assert page.is_visible("#main-nav >> text=Đăng nhập")


def test_skip_link_is_first_in_tab_order_and_moves_focus(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Bỏ qua điều hướng"
    assert page.is_visible(".skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
