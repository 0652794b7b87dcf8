"""Drafts, scheduling, publishing, withdrawal, history — and what readers may see."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from news import selectors, services
from news.models import Article
from tests.factories import UserFactory
from tests.news.factories import ArticleFactory, CategoryFactory, make_editor

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=7))
T0 = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=TZ)


def test_draft_is_invisible_to_readers(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("news:print", args=[draft.slug])).status_code == 404
    assert draft not in selectors.latest_published(limit=10)
    assert client.get(reverse("news:list")).content.decode().count(draft.title) == 0


def test_editor_schedules_and_the_article_appears_when_its_time_comes(client):
    editor = make_editor()
    category = CategoryFactory()
    client.force_login(editor)
    with time_machine.travel(T0, tick=False):
        response = client.post(
            reverse("news:create"),
            {
                "title": "Lịch tiếp công dân tháng 12",
                "category": category.pk,
                "summary": "Tóm tắt",
                "body": "<p>Nội dung</p>",
                "publish_at": "2026-11-21T07:30",
                "action": "publish",
            },
        )
        assert response.status_code == 302
        article = Article.objects.get()
        assert article.status == Article.Status.PUBLISHED
        assert article.publish_at == datetime.datetime(2026, 11, 21, 7, 30, tzinfo=TZ)
        assert article.is_scheduled
        assert article.author == editor
        assert article.slug == "lich-tiep-cong-dan-thang-12"
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 404
        assert selectors.latest_published(limit=5) == []
    with time_machine.travel(datetime.datetime(2026, 11, 21, 7, 29, tzinfo=TZ), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime.datetime(2026, 11, 21, 7, 30, tzinfo=TZ), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert selectors.latest_published(limit=5) == [article]
        home = client.get(reverse("home")).content.decode()
        assert "Lịch tiếp công dân tháng 12" in home
        assert "21/11/2026" in home


def test_publish_without_time_means_now_and_withdraw_hides(client):
    editor = make_editor()
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    with time_machine.travel(T0, tick=False):
        article = services.publish(article=article, by=editor)
        assert article.publish_at == T0
        assert client.get(article.get_absolute_url()).status_code == 200
        article = services.withdraw(article=article, by=editor, reason="Sai số liệu")
        assert article.status == Article.Status.WITHDRAWN
        assert client.get(article.get_absolute_url()).status_code == 404
        assert selectors.latest_published(limit=5) == []
        # re-publishing keeps the original date
    with time_machine.travel(T0 + datetime.timedelta(days=3), tick=False):
        article = services.publish(article=article, by=editor)
        assert article.publish_at == T0
    reasons = list(
        Article.history.filter(id=article.pk)
        .order_by("history_id")
        .values_list("history_change_reason", "status", "history_user")
    )
    assert reasons[-3:] == [
        ("Đăng bài", "published", editor.pk),
        ("Thu hồi bài viết: Sai số liệu", "withdrawn", editor.pk),
        ("Đăng bài", "published", editor.pk),
    ]


def test_withdraw_through_the_ui(client):
    editor = make_editor()
    article = ArticleFactory()
    client.force_login(editor)
    response = client.post(
        reverse("news:withdraw", args=[article.public_id]), {"reason": "Trùng bài"}, follow=True
    )
    assert "Đã thu hồi bài viết" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_publishing_an_empty_article_is_refused():
    editor = make_editor()
    article = ArticleFactory(status=Article.Status.DRAFT, body="", publish_at=None)
    with pytest.raises(ValidationError):
        services.publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publish_action_with_empty_body_shows_the_error_and_keeps_input(client):
    client.force_login(make_editor())
    category = CategoryFactory()
    response = client.post(
        reverse("news:create"),
        {"title": "Tiêu đề đã gõ", "category": category.pk, "body": "", "action": "publish"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bài viết cần có nội dung trước khi đăng." in html
    assert 'value="Tiêu đề đã gõ"' in html
    assert not Article.objects.exists()


def test_edit_keeps_history_with_user_and_reason(client):
    editor = make_editor()
    client.force_login(editor)
    article = ArticleFactory(title="Tiêu đề cũ")
    response = client.post(
        reverse("news:edit", args=[article.public_id]),
        {
            "title": "Tiêu đề mới",
            "slug": article.slug,
            "category": article.category.pk,
            "body": "<p>Nội dung mới</p>",
            "publish_at": timezone.localtime(article.publish_at).strftime("%Y-%m-%dT%H:%M"),
            "action": "save",
        },
    )
    assert response.status_code == 302
    latest = article.history.latest()
    assert latest.title == "Tiêu đề mới"
    assert latest.history_user == editor
    assert latest.history_change_reason == "Sửa bài viết"
    assert latest.status == Article.Status.PUBLISHED  # editing a live article keeps it live
    page = client.get(reverse("news:history", args=[article.public_id])).content.decode()
    assert "Tiêu đề cũ" in page and "Tiêu đề mới" in page


def test_slug_already_taken_is_a_clear_error(client):
    client.force_login(make_editor())
    taken = ArticleFactory(slug="thong-bao-lich-tiep-dan")
    response = client.post(
        reverse("news:create"),
        {
            "title": "Bài khác",
            "slug": "thong-bao-lich-tiep-dan",
            "category": taken.category.pk,
            "body": "<p>x</p>",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "Đường dẫn này đã được dùng cho một bài viết khác." in response.content.decode()
    assert Article.objects.count() == 1


def test_reserved_and_automatic_slugs(client):
    client.force_login(make_editor())
    category = CategoryFactory()
    ArticleFactory(slug="dang-ky-khai-sinh")
    response = client.post(
        reverse("news:create"),
        {"title": "Đăng ký khai sinh", "category": category.pk, "body": "", "action": "save"},
    )
    assert response.status_code == 302
    assert Article.objects.filter(slug="dang-ky-khai-sinh-2").exists()
    response = client.post(
        reverse("news:create"),
        {"title": "x", "slug": "tim-kiem", "category": category.pk, "action": "save"},
    )
    assert response.status_code == 400
    assert "dành riêng" in response.content.decode()


def test_services_refuse_non_editors():
    citizen = UserFactory()
    article = ArticleFactory(status=Article.Status.DRAFT)
    with pytest.raises(PermissionError):
        services.publish(article=article, by=citizen)
    with pytest.raises(PermissionError):
        services.withdraw(article=article, by=citizen)
