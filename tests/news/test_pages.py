"""Public pages: lists with pagination and constant queries, the article page laid out like the
source article's, the print version, the editors' workspace; and the demo seed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from news import demo
from news.models import Article, Category
from tests.news.factories import ArticleFactory, CategoryFactory, make_editor

pytestmark = pytest.mark.django_db


def test_list_paginates_newest_first(client):
    now = timezone.now()
    for n in range(12):
        ArticleFactory(title=f"Tin số {n:02d}", publish_at=now - datetime.timedelta(days=n))
    first = client.get(reverse("news:list")).content.decode()
    assert "Tin số 00" in first and "Tin số 09" in first and "Tin số 10" not in first
    assert first.index("Tin số 00") < first.index("Tin số 01")
    second = client.get(reverse("news:list"), {"trang": 2}).content.decode()
    assert "Tin số 10" in second and "Tin số 11" in second and "Tin số 00" not in second
    assert "Trang 2/2" in second


def test_category_page_lists_only_its_articles(client):
    cat = CategoryFactory(name="Gương điển hình", slug="guong-dien-hinh")
    ArticleFactory(title="Điển hình", category=cat)
    ArticleFactory(title="Khác")
    html = client.get(reverse("news:category", args=["guong-dien-hinh"])).content.decode()
    assert "Điển hình" in html and ">Khác<" not in html
    assert client.get(reverse("news:category", args=["khong-co"])).status_code == 404


@pytest.mark.parametrize("count", [3, 25])
def test_lists_run_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    cat = CategoryFactory(slug="thong-bao")
    editor = make_editor()
    for _ in range(count):
        ArticleFactory(category=cat, author=editor, cover_thumbnail="news/covers/x-400.jpg")
    for url in (
        reverse("news:list"),
        reverse("news:category", args=["thong-bao"]),
        reverse("news:search") + "?q=bai+viet",
        reverse("news:rss"),
        reverse("home"),
    ):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
    client.force_login(editor)
    client.get(reverse("news:manage"))  # warm the session/user caches
    with django_assert_max_num_queries(10):
        assert client.get(reverse("news:manage")).status_code == 200


def test_article_page_is_laid_out_like_the_source(client):
    cat = CategoryFactory(name="Bài viết về CCHC", slug="bai-viet-ve-cchc")
    article = ArticleFactory(
        title="Nâng cao chất lượng cải cách hành chính",
        category=cat,
        summary="Đoạn mở đầu.",
        body="<p>Đoạn thứ nhất.</p><p>Đoạn thứ hai.</p>",
        source="Báo Cần Thơ",
        publish_at=timezone.make_aware(datetime.datetime(2017, 2, 10, 8, 0)),
        cover_image="news/covers/x.jpg",
        cover_thumbnail="news/covers/x-400.jpg",
        cover_alt="Người dân làm thủ tục",
        cover_caption="Người dân thực hiện thủ tục hành chính.",
    )
    related = ArticleFactory(category=cat, title="Tin liên quan cùng chuyên mục")
    ArticleFactory(title="Tin chuyên mục khác")
    page = client.get(article.get_absolute_url()).content.decode()
    html = page[page.index('<article class="col-lg-8 news-article"') :]
    order = [
        "Bài viết về CCHC",
        "+A",
        "−A",
        "Bản in",
        "Nâng cao chất lượng cải cách hành chính</h1>",
        "Ngày đăng:",
        "10/02/2017",
        "Lượt xem: 1",
        "Đoạn mở đầu.",
        'alt="Người dân làm thủ tục"',
        "<figcaption>Người dân thực hiện thủ tục hành chính.</figcaption>",
        "<p>Đoạn thứ nhất.</p><p>Đoạn thứ hai.</p>",
        "Nguồn: Báo Cần Thơ",
        "Tin cùng chuyên mục",
        related.title,
    ]
    positions = [html.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert "Tin chuyên mục khác" not in html
    assert reverse("news:print", args=[article.slug]) in html
    assert 'data-font-size="up"' in html and 'data-font-size="down"' in html
    assert "style=" not in page and "<script>" not in page  # CSP: no inline styles or scripts


def test_print_version(client):
    article = ArticleFactory(title="Bài để in", source="Báo Cần Thơ")
    response = client.get(reverse("news:print", args=[article.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bài để in" in html and "Nguồn: Báo Cần Thơ" in html
    assert 'data-action="print"' in html
    assert "news/news.css" in html  # carries the print rules
    assert "Tin cùng chuyên mục" not in html


def test_editor_workspace_pages(client):
    client.force_login(make_editor())
    CategoryFactory()
    html = client.get(reverse("news:create")).content.decode()
    assert 'data-editor-for="id_body"' in html
    for cmd in ("bold", "italic", "heading", "ul", "ol", "link", "quote"):
        assert f'data-cmd="{cmd}"' in html
    assert f'hx-post="{reverse("news:preview_body")}"' in html
    assert "news/editor.js" in html and "nonce=" in html
    scheduled = ArticleFactory(publish_at=timezone.now() + datetime.timedelta(days=1))
    html = client.get(reverse("news:manage"), {"trang-thai": "scheduled"}).content.decode()
    assert scheduled.title in html and "Đã lên lịch" in html
    html = client.get(reverse("news:edit", args=[scheduled.public_id])).content.decode()
    assert "Bài viết sẽ tự hiển thị với bạn đọc lúc" in html


def test_demo_seed_is_idempotent_and_credits_the_source():
    demo.seed()
    counts = (Category.objects.count(), Article.objects.count(), Article.history.count())
    source = Article.objects.get(slug=demo.SOURCE_SLUG)
    cover = source.cover_image.name
    demo.seed()
    assert (Category.objects.count(), Article.objects.count(), Article.history.count()) == counts
    source.refresh_from_db()
    assert source.cover_image.name == cover
    assert set(Category.objects.values_list("name", flat=True)) == {
        "Bài viết về CCHC",
        "Thông báo",
        "Văn bản chỉ đạo",
        "Gương điển hình",
    }
    assert source.title == "Nâng cao chất lượng cải cách hành chính"
    assert source.source == "Báo Cần Thơ"
    assert source.category.name == "Bài viết về CCHC"
    assert timezone.localtime(source.publish_at).date() == datetime.date(2017, 2, 10)
    assert "Hồ Lâm Bạch Vân" in source.body and "515 hồ sơ" in source.body
    assert source.is_visible()
    notices = Article.objects.exclude(pk=source.pk)
    assert notices.count() == 5
    assert all("(Tin minh họa)" in n.title for n in notices)
    assert all(n.is_visible() for n in notices)


def test_home_news_list_is_cached_and_invalidated(client, django_assert_num_queries):
    from news import selectors

    article = ArticleFactory(title="Tin đầu tiên")
    assert selectors.latest_published(limit=6) == [article]
    with django_assert_num_queries(0):
        assert selectors.latest_published(limit=6) == [article]
    second = ArticleFactory(title="Tin thứ hai", publish_at=timezone.now())
    assert selectors.latest_published(limit=6) == [second, article]  # a save invalidates
    scheduled = ArticleFactory(publish_at=timezone.now() + datetime.timedelta(seconds=30))
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        # the cache never outlives the next scheduled publication
        assert selectors.latest_published(limit=6)[0] == scheduled
