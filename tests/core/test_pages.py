import re

import pytest
from django.test import RequestFactory

from core import views

SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


@pytest.mark.django_db
def test_home_renders_in_vietnamese(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Cổng thông tin Cải cách hành chính" in html
    assert "Sở Nội vụ thành phố Cần Thơ" in html
    assert "Bỏ qua điều hướng" in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "Tin tức cải cách hành chính" in html
    for label in ("Đang trực tuyến", "Hôm nay", "Tháng này", "Tổng lượt truy cập"):
        assert label in html


@pytest.mark.django_db
def test_accessibility_tools_are_present(client):
    html = client.get("/").content.decode()
    assert 'data-font-size="down"' in html
    assert 'data-font-size="reset"' in html
    assert 'data-font-size="up"' in html
    assert 'data-action="print"' in html and "Bản in" in html
    assert 'class="print-only print-url"' in html
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


@pytest.mark.django_db
def test_switching_language_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_form_posts_current_path(client):
    html = client.get("/?trang=2").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in html
    assert 'name="next" type="hidden" value="/?trang=2"' in html
    assert 'value="vi" lang="vi"' in html and ">Tiếng Việt</button>" in html
    assert 'value="en" lang="en"' in html and ">English</button>" in html


@pytest.mark.django_db
def test_every_script_is_external_and_carries_the_csp_nonce(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert match, policy
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    nonce = match.group(1)
    scripts = SCRIPT_RE.findall(response.content.decode())
    assert len(scripts) >= 4
    for attrs, body in scripts:
        assert f'nonce="{nonce}"' in attrs
        assert 'src="/static/' in attrs
        assert body.strip() == ""
    assert 'style="' not in response.content.decode()


@pytest.mark.django_db
def test_home_service_cards_link_only_to_existing_urls(client, settings):
    from core.navigation import HOME_SERVICES

    html = client.get("/").content.decode()
    existing = {s.url() for s in HOME_SERVICES} - {None}
    card_links = set(re.findall(r'<a class="service-card card h-100" href="([^"]+)"', html))
    assert card_links == existing
    settings.ROOT_URLCONF = "tests.core.stub_urls"
    html = client.get("/").content.decode()
    assert html.count('class="service-card card h-100"') == 6
    assert 'href="/stub-dossiers/submit_start/"' in html
    assert 'action="/stub-procedures/list/"' in html  # the procedure search box
    assert "Xem tất cả tin tức" in html


@pytest.mark.django_db
def test_home_without_news_shows_a_neutral_line(client):
    html = client.get("/").content.decode()
    assert "Chưa có tin tức nào được đăng." in html
    assert "news-card" not in html


@pytest.mark.django_db
def test_404_page_is_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in html
    assert "Không tìm thấy trang bạn yêu cầu" in html
    assert "/khong-co-trang-nay/" in html


@pytest.mark.django_db
def test_403_page_is_vietnamese(rf):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = views.error_403(request)
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này" in response.content.decode()


def test_500_page_renders_without_database_or_context():
    request = RequestFactory().get("/")  # no user, no session, no DB access allowed here
    response = views.error_500(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "<script" not in html


@pytest.mark.django_db
def test_print_stylesheet_hides_navigation_and_shows_url():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    print_block = css[css.index("@media print") :]
    for selector in (".site-nav", ".site-footer", ".topbar", ".btn"):
        assert selector in print_block
    assert ".print-only" in print_block


@pytest.mark.django_db
def test_browser_language_does_not_override_vietnamese_default(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_vietnamese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi">' in client.get("/").content.decode()
