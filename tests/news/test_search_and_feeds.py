"""Accent-insensitive search; RSS/Atom feeds that parse as XML."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.urls import reverse

from news import selectors
from news.models import Article
from tests.news.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def articles():
    cat = CategoryFactory(name="Thông báo", slug="thong-bao")
    return {
        "dvc": ArticleFactory(
            title="Đẩy mạnh dịch vụ công trực tuyến toàn trình",
            category=cat,
            body="<p>Người dân <strong>nộp hồ sơ</strong> qua mạng.</p>",
        ),
        "dang": ArticleFactory(
            title="Đăng ký khai sinh tại phường",
            body="<p>Hướng dẫn thủ tục đăng ký.</p>",
            source="Báo Cần Thơ",
        ),
        "draft": ArticleFactory(
            title="Dịch vụ công bản nháp", status=Article.Status.DRAFT, publish_at=None
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dich vu cong", {"dvc"}),
        ("DỊCH VỤ CÔNG", {"dvc"}),
        ("dang ky", {"dang"}),  # đ → d
        ("Đăng Ký khai SINH", {"dang"}),
        ("nop ho so", {"dvc"}),  # words from the body, through the <strong> tag
        ("bao can tho", {"dang"}),  # the source
        ("thong bao", {"dvc"}),  # the category name
        ("truc tuyen dich", {"dvc"}),  # any order
        ("khong co tu nay", set()),
        ("", set()),
    ],
)
def test_search_without_diacritics(articles, query, expected):
    found = set(selectors.search(query=query).values_list("pk", flat=True))
    assert found == {articles[k].pk for k in expected}


def test_search_page(client, articles):
    response = client.get(reverse("news:search"), {"q": "dich vu cong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đẩy mạnh dịch vụ công trực tuyến toàn trình" in html
    assert "bản nháp" not in html
    assert "Tìm thấy 1 bài viết" in html


def test_search_text_is_maintained_on_save(articles):
    article = articles["dang"]
    article.title = "Chứng thực bản sao"
    article.save(update_fields=["title"])
    assert selectors.search(query="chung thuc").get() == article
    assert not selectors.search(query="khai sinh").exists()


@pytest.mark.postgres
def test_trigram_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'news_article_search_trgm'"
        )
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]


def _parse(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own feed, parsed in a test)


def test_rss_feed_is_valid_xml_with_visible_items_only(client, articles):
    root = _parse(client.get(reverse("news:rss")))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert set(titles) == {articles["dvc"].title, articles["dang"].title}
    item = channel.find("item")
    assert item.findtext("link").startswith("http://testserver/tin-tuc/")
    assert item.findtext("pubDate")
    assert item.findtext("guid").startswith("urn:uuid:")


def test_category_feeds_rss_and_atom(client, articles):
    root = _parse(client.get(reverse("news:category_rss", args=["thong-bao"])))
    titles = [i.findtext("title") for i in root.find("channel").findall("item")]
    assert titles == [articles["dvc"].title]
    assert "Thông báo" in root.find("channel").findtext("title")
    atom = _parse(client.get(reverse("news:category_atom", args=["thong-bao"])))
    assert atom.tag == f"{ATOM}feed"
    entries = atom.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [articles["dvc"].title]
    all_atom = _parse(client.get(reverse("news:atom")))
    assert len(all_atom.findall(f"{ATOM}entry")) == 2
    assert client.get(reverse("news:category_rss", args=["khong-co"])).status_code == 404


def test_feed_stays_valid_with_awkward_text(client):
    ArticleFactory(
        title='Tiêu đề có <thẻ> & "ngoặc" — ký tự đặc biệt',
        summary="Tóm tắt <script>alert(1)</script> & ]]> kết thúc",
    )
    root = _parse(client.get(reverse("news:rss")))
    item = root.find("channel").find("item")
    assert item.findtext("title") == 'Tiêu đề có <thẻ> & "ngoặc" — ký tự đặc biệt'


def test_control_characters_are_stripped_from_titles(client):
    from tests.news.factories import make_editor

    client.force_login(make_editor())
    category = CategoryFactory()
    client.post(
        reverse("news:create"),
        {
            "title": "Tiêu\x0bđề\x1f có ký tự lạ",
            "category": category.pk,
            "body": "<p>x</p>",
            "action": "publish",
        },
    )
    assert Article.objects.get().title == "Tiêu đề có ký tự lạ"
    _parse(client.get(reverse("news:rss")))
