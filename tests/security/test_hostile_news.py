"""Item 2 for news: the reader pages (list, search ?q=, categories, feeds, pagination ?trang=)
and the editors' forms (write / edit with files, preview_body, withdraw, publish, the manage
filters) take hostile input without a 500 and never reflect it unescaped."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from news.models import Article, Attachment
from tests.news.factories import ArticleFactory, CategoryFactory, make_editor

from .helpers import XSS, XSS_ATTR, assert_safe, hostile
from .hostile_helpers import budget, fuzz, fuzz_paths, sweep, targets_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(db):
    category = CategoryFactory(slug="tin-cchc", name="Tin CCHC")
    published = ArticleFactory.create_batch(3, category=category)
    draft = ArticleFactory(category=category, status=Article.Status.DRAFT, slug="ban-nhap")
    # an attachment, so the edit page offers its "remove" checkbox (pk values)
    Attachment.objects.create(
        article=draft, title="Quyết định", file="news/qd.pdf", content_type="application/pdf"
    )
    return category, published, draft


def test_reader_pages_and_parameters(client, news):
    category, published, _draft = news
    targets = targets_of(client, reverse("news:list"), ("trang",))
    targets += targets_of(client, reverse("news:search"), ("q", "trang"))
    targets += targets_of(client, reverse("news:category", args=[category.slug]), ("trang",))
    targets += targets_of(client, reverse("news:detail", args=[published[0].slug]))
    targets += targets_of(client, reverse("news:print", args=[published[0].slug]))
    for name in ("news:rss", "news:atom"):
        targets.append(("get", reverse(name), {"trang": "", "q": ""}, []))
    for name in ("news:category_rss", "news:category_atom"):
        targets.append(("get", reverse(name, args=[category.slug]), {"trang": ""}, []))
    sweep(client, targets)
    fuzz(client, targets, examples=30)


def test_search_never_reflects_the_query_raw(client, news):
    for q in (XSS, XSS_ATTR, "a\x00b", "%", "_", "'", "\\", "Đ" * 5000):
        response = client.get(reverse("news:search"), {"q": q, "trang": q})
        assert_safe(response)
        assert response.status_code == 200


def test_odd_slugs_and_pages(client, news):
    fuzz_paths(
        client,
        [
            "/tin-tuc/chuyen-muc/{}/",
            "/tin-tuc/chuyen-muc/{}/rss/",
            "/tin-tuc/chuyen-muc/{}/atom/",
            "/tin-tuc/{}/",
            "/tin-tuc/{}/ban-in/",
            "/tin-tuc/{}/anh-bia/",
            "/tin-tuc/{}/anh-bia/nho/",
            "/tin-tuc/?trang={}",
            "/tin-tuc/tim-kiem/?q={0}&trang={0}",
            "/tin-tuc/chuyen-muc/tin-cchc/?trang={}",
        ],
        examples=30,
    )
    for page in ("0", "-1", "9" * 40, "1e309", "NaN", "²", "last", "%00"):
        response = client.get(reverse("news:list"), {"trang": page})
        assert response.status_code == 200, page


def test_editor_forms(client, login, news):
    _category, published, draft = news
    editor = make_editor()
    login(editor)
    targets = targets_of(client, reverse("news:manage"), ("trang-thai", "q", "trang"))
    targets += targets_of(client, reverse("news:create"))
    targets += targets_of(client, reverse("news:edit", args=[draft.public_id]))
    targets += targets_of(client, reverse("news:edit", args=[published[0].public_id]))
    targets += targets_of(client, reverse("news:preview", args=[draft.public_id]))
    targets += targets_of(client, reverse("news:history", args=[published[0].public_id]))
    targets.append(("post", reverse("news:preview_body"), {"body": ""}, []))
    targets.append(
        ("post", reverse("news:withdraw", args=[published[1].public_id]), {"reason": ""}, [])
    )
    assert any(files for _m, _a, _f, files in targets)
    assert any("action" in fields for _m, _a, fields, _f in targets)
    assert any("remove_attachments" in fields for _m, _a, fields, _f in targets)
    sweep(client, targets)
    fuzz(client, targets, examples=40, htmx=True)


def test_preview_body_sanitises(client, login, news):
    login(make_editor())
    url = reverse("news:preview_body")

    @budget(20)
    @given(
        body=st.one_of(
            hostile,
            st.builds(
                lambda a, b: f"<p>{a}</p><img src=x onerror=alert(1)>{b}<script>x</script>",
                st.text(max_size=20),
                st.text(max_size=20),
            ),
        )
    )
    def run(body):
        response = client.post(url, {"body": body}, headers={"HX-Request": "true"})
        assert_safe(response)
        assert "<script" not in response.content.decode().lower()

    run()
