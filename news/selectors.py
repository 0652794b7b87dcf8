"""Reads of the news app: what readers see (visible articles) and what editors manage."""

from __future__ import annotations

import math

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import has_role
from core.text import search_words

from . import counter
from .models import Article, Attachment, Category

MANAGER_ROLES = (Role.EDITOR, Role.ADMINISTRATOR)
LATEST_KEY = "news:latest"
LATEST_VERSION_KEY = "news:latest:version"
LATEST_CACHE_SECONDS = 60


def can_manage(user) -> bool:
    """Editors and administrators (and Django superusers) manage news."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or has_role(user, *MANAGER_ROLES))


# --- readers --------------------------------------------------------------------------------
def visible_articles() -> QuerySet[Article]:
    return Article.objects.visible().select_related("category").newest_first()


def latest_published(*, limit: int = 6) -> list[Article]:
    """For the home page: the newest visible articles.

    Cached (the home page is the busiest page and runs no query once warm) for at most
    LATEST_CACHE_SECONDS, never past the next scheduled publication; any article save or delete
    invalidates it (signals.py).
    """
    key = f"{LATEST_KEY}:{_latest_version()}:{limit}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    now = timezone.now()
    items = list(visible_articles().filter(publish_at__lte=now)[:limit])
    next_at = (
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    timeout = LATEST_CACHE_SECONDS
    if next_at is not None:
        timeout = max(1, min(timeout, math.ceil((next_at - now).total_seconds())))
    cache.set(key, items, timeout)
    return items


def _latest_version() -> int:
    return cache.get_or_set(LATEST_VERSION_KEY, 1, None)


def invalidate_latest() -> None:
    try:
        cache.incr(LATEST_VERSION_KEY)
    except ValueError:
        cache.set(LATEST_VERSION_KEY, 2, None)


def categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


def category_by_slug(*, slug: str) -> Category | None:
    return Category.objects.filter(slug=slug, is_active=True).first()


def articles_in(*, category: Category | None = None) -> QuerySet[Article]:
    qs = visible_articles()
    if category is not None:
        qs = qs.filter(category=category)
    return qs


def search(*, query: str | None, base: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """Every folded word must occur in search_text (accent-insensitive; trigram index on PG)."""
    qs = visible_articles() if base is None else base
    words = search_words(query)
    if not words:
        return qs.none()
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return qs


def article_for_reader(*, slug: str) -> Article | None:
    return (
        visible_articles()
        .select_related("author")
        .prefetch_related(_attachments_prefetch())
        .filter(slug=slug)
        .first()
    )


def related_articles(*, article: Article, limit: int = 5) -> list[Article]:
    return list(
        visible_articles().filter(category_id=article.category_id).exclude(pk=article.pk)[:limit]
    )


def view_count(*, article: Article) -> int:
    """Stored count plus the views not yet flushed from the cache."""
    return article.view_count + counter.pending(article.pk)


def article_for_media(*, user, slug: str) -> Article | None:
    """The article whose files `user` may fetch: visible to all, any state for managers."""
    qs = Article.objects.filter(slug=slug)
    if not can_manage(user):
        qs = qs.visible()
    return qs.first()


def attachment_for_media(*, user, slug: str, public_id) -> Attachment | None:
    article = article_for_media(user=user, slug=slug)
    if article is None:
        return None
    return article.attachments.filter(public_id=public_id).first()


def _attachments_prefetch() -> Prefetch:
    return Prefetch("attachments", queryset=Attachment.objects.order_by("display_order", "pk"))


# --- editors --------------------------------------------------------------------------------
STATUS_FILTERS = ("draft", "scheduled", "published", "withdrawn")


def manage_list(*, user, status: str = "", query: str = "") -> QuerySet[Article]:
    """All articles for an editor (none for anyone else), newest change first."""
    if not can_manage(user):
        return Article.objects.none()
    qs = Article.objects.select_related("category", "author").order_by("-updated_at", "-pk")
    now = timezone.now()
    if status == "draft":
        qs = qs.filter(status=Article.Status.DRAFT)
    elif status == "scheduled":
        qs = qs.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
    elif status == "published":
        qs = qs.visible(now)
    elif status == "withdrawn":
        qs = qs.filter(status=Article.Status.WITHDRAWN)
    if query:
        qs = search(query=query, base=qs)
    return qs


def article_for_editor(*, user, public_id) -> Article | None:
    if not can_manage(user):
        return None
    return (
        Article.objects.select_related("category", "author")
        .prefetch_related(_attachments_prefetch())
        .filter(public_id=public_id)
        .first()
    )


def history_of(*, article: Article):
    return article.history.select_related("history_user").order_by("-history_date")[:100]


def flushable_article_ids() -> QuerySet:
    """Articles that may have pending views: every article ever published."""
    return Article.objects.exclude(status=Article.Status.DRAFT).values_list("pk", flat=True)
