"""Only editors and administrators manage news; readers never see unpublished work."""

import pytest
from django.urls import reverse

from accounts.models import Role
from news import selectors
from news.models import Article
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.news.factories import ArticleFactory, make_editor

pytestmark = pytest.mark.django_db


def _manage_urls(article):
    return [
        ("get", reverse("news:manage")),
        ("get", reverse("news:create")),
        ("get", reverse("news:edit", args=[article.public_id])),
        ("get", reverse("news:preview", args=[article.public_id])),
        ("get", reverse("news:history", args=[article.public_id])),
        ("post", reverse("news:publish", args=[article.public_id])),
        ("post", reverse("news:withdraw", args=[article.public_id])),
        ("post", reverse("news:preview_body")),
    ]


def test_anonymous_is_sent_to_login(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    for method, url in _manage_urls(article):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/tai-khoan/" in response["Location"]


@pytest.mark.parametrize(
    "role", [Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.AGENCY_LEADER, Role.CCHC_OFFICER]
)
def test_other_staff_roles_are_forbidden(client, role):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(MembershipFactory(role=role).user)
    for method, url in _manage_urls(article):
        assert getattr(client, method)(url).status_code == 403, url
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_citizen_is_forbidden(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(UserFactory())
    for method, url in _manage_urls(article):
        assert getattr(client, method)(url).status_code == 403, url


def test_editor_is_allowed(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(make_editor())
    for _method, url in _manage_urls(article)[:5]:
        assert client.get(url).status_code == 200, url


def test_inactive_editor_membership_does_not_count(client):
    membership = MembershipFactory(role=Role.EDITOR, is_active=False)
    client.force_login(membership.user)
    assert client.get(reverse("news:manage")).status_code == 403


def test_administrators_and_superusers_may_manage():
    admin = MembershipFactory(role=Role.ADMINISTRATOR).user
    superuser = StaffFactory(is_superuser=True)
    assert selectors.can_manage(admin)
    assert selectors.can_manage(superuser)
    assert not selectors.can_manage(StaffFactory())


def test_drafts_and_their_files_are_404_for_the_public_but_not_for_editors(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    scheduled = ArticleFactory(publish_at=draft.created_at.replace(year=2099))
    withdrawn = ArticleFactory(status=Article.Status.WITHDRAWN)
    for article in (draft, scheduled, withdrawn):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(reverse("news:print", args=[article.slug])).status_code == 404
        assert client.get(reverse("news:cover", args=[article.slug])).status_code == 404
    client.force_login(make_editor())
    assert client.get(reverse("news:preview", args=[draft.public_id])).status_code == 200
    # the public URL stays 404 even for editors: they use the preview
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_home_and_navigation_show_news_entries(client):
    ArticleFactory(title="Tin mới nhất trên trang chủ")
    html = client.get(reverse("home")).content.decode()
    assert "Tin mới nhất trên trang chủ" in html
    assert reverse("news:list") in html
    client.force_login(make_editor())
    html = client.get(reverse("home")).content.decode()
    assert reverse("news:manage") in html
