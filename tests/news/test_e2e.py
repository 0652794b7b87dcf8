"""Browser journey: an editor writes and schedules an article with a photo; once its time comes
a reader finds it on the home page, enlarges the font and opens the print version."""

import datetime
import os

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from tests.news.factories import CategoryFactory, make_editor, png_bytes

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR")


@pytest.fixture
def browser_context_args(browser_context_args):
    """A Vietnamese browser: date inputs show dd/mm/yyyy, file inputs speak Vietnamese."""
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def login(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_editor_schedules_an_article_and_a_reader_finds_it(live_server, page, browser):
    editor = make_editor()
    category = CategoryFactory(name="Bài viết về CCHC", slug="bai-viet-ve-cchc")
    login(page.context, live_server, editor)

    # 1. the editor writes, formats with the toolbar, sees the live preview
    page.goto(live_server.url + reverse("news:create"))
    page.locator("#id_title").fill("Nâng cao chất lượng phục vụ tại Bộ phận Một cửa")
    page.locator("#id_category").select_option(str(category.pk))
    page.locator("#id_summary").fill("Người dân được hướng dẫn một lần, đầy đủ.")
    body = page.locator("#id_body")
    body.fill("Kết quả nổi bật trong năm")
    body.evaluate("el => el.setSelectionRange(0, el.value.length)")
    page.get_by_role("button", name="Tiêu đề mục").click()
    body.press("End")
    body.press_sequentially("\nTỷ lệ hồ sơ đúng hẹn đạt 100%.")
    body.evaluate("el => el.setSelectionRange(el.value.indexOf('100%'), el.value.length - 1)")
    page.get_by_role("button", name="In đậm").click()
    page.wait_for_selector("#body-preview h2:has-text('Kết quả nổi bật trong năm')")
    page.wait_for_selector("#body-preview strong:has-text('100%')")

    # a photo (generated PNG), its alt text and caption; a source; a time tomorrow
    page.set_input_files(
        "#id_cover_upload",
        files=[{"name": "mot-cua.png", "mimeType": "image/png", "buffer": png_bytes(2000, 1000)}],
    )
    page.locator("#id_cover_alt").fill("Quầy tiếp nhận hồ sơ")
    page.locator("#id_cover_caption").fill("Người dân làm thủ tục tại Bộ phận Một cửa.")
    page.locator("#id_source").fill("Báo Cần Thơ")
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    page.locator("#id_publish_at").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    shot(page, "news-editor.png")
    page.get_by_role("button", name="Đăng / Lên lịch đăng").click()
    page.wait_for_selector("#article-status:has-text('Đã lên lịch')")
    assert "Đã lên lịch đăng bài lúc" in page.content()
    article = Article.objects.get()
    assert article.is_scheduled and article.cover_width == 1600
    assert "<h2>Kết quả nổi bật trong năm</h2>" in article.body
    assert "<strong>100%</strong>" in article.body
    shot(page, "news-editor-saved.png")

    # 2. a reader, before the time: nothing on the home page
    reader_context = browser.new_context(locale="vi-VN")
    reader = reader_context.new_page()
    reader.goto(live_server.url + reverse("home"))
    assert "Nâng cao chất lượng phục vụ" not in reader.content()

    # 3. its time comes (moved into the past rather than waiting a day)
    article.publish_at = timezone.now() - datetime.timedelta(minutes=1)
    article.save()
    reader.goto(live_server.url + reverse("home"))
    reader.get_by_role("link", name="Nâng cao chất lượng phục vụ tại Bộ phận Một cửa").click()
    reader.wait_for_url(f"**{article.get_absolute_url()}")
    assert reader.locator("#view-count").inner_text() == "Lượt xem: 1"
    assert reader.locator("figure.news-figure figcaption").inner_text() == (
        "Người dân làm thủ tục tại Bộ phận Một cửa."
    )
    assert reader.locator("figure.news-figure img").evaluate("img => img.naturalWidth") == 1600
    assert "Nguồn: Báo Cần Thơ" in reader.locator(".news-source").inner_text()

    # 4. larger font
    reader.locator("[data-font-size=up]").first.click()
    assert "font-step-2" in (reader.locator("html").get_attribute("class") or "")
    shot(reader, "news-article.png")
    reader.reload()
    assert reader.locator("#view-count").inner_text() == "Lượt xem: 1"  # same session

    # 5. the print version
    reader.locator(".news-tools").get_by_role("link", name="Bản in").click()
    reader.wait_for_url("**/ban-in/")
    assert reader.locator("h1").inner_text() == "Nâng cao chất lượng phục vụ tại Bộ phận Một cửa"
    assert reader.get_by_role("button", name="In trang này").is_visible()
    reader.emulate_media(media="print")
    assert not reader.get_by_role("button", name="In trang này").is_visible()
    assert reader.locator("figure.news-figure img").is_visible()
    shot(reader, "news-print.png")
    reader_context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_seeded_source_article_reads_like_the_original(live_server, page):
    from news import demo

    demo.seed()
    page.goto(live_server.url + reverse("home"))
    shot(page, "news-home.png")
    page.get_by_role("link", name="Nâng cao chất lượng cải cách hành chính").click()
    page.wait_for_url(f"**/tin-tuc/{demo.SOURCE_SLUG}/")
    article = page.locator("article.news-article")
    assert article.locator(".news-category-label").inner_text().lower() == "bài viết về cchc"
    assert "Ngày đăng: 10/02/2017" in article.inner_text()
    assert page.locator("#view-count").inner_text() == "Lượt xem: 1"
    assert article.locator(".news-source").inner_text() == "Nguồn: Báo Cần Thơ"
    assert article.locator(".news-body p").count() == 6
    shot(page, "news-source-article.png")
