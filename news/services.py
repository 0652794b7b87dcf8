"""Writes of the news app. Every change goes through here and leaves a history row (who, when,
why) through django-simple-history."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.text import fold
from core.uploads import safe_filename

from . import counter, images, selectors
from .models import RESERVED_SLUGS, Article, Attachment

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "title",
    "slug",
    "category",
    "summary",
    "body",
    "cover_alt",
    "cover_caption",
    "source",
    "source_url",
    "publish_at",
)
FLUSH_CHUNK = 500


def slug_from_title(title: str, *, exclude_pk: int | None = None) -> str:
    """A free ASCII slug for `title` ("Đăng ký" → "dang-ky"), suffixed -2, -3… when taken."""
    base = slugify(fold(title))[:180].strip("-") or "bai-viet"
    if base in RESERVED_SLUGS:
        base = f"{base}-tin"
    taken = Article.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _record(article: Article, *, by, reason: str) -> None:
    article._history_user = by
    article._change_reason = reason


def _ensure_manager(by) -> None:
    if not selectors.can_manage(by):
        raise PermissionError("news: only editors and administrators manage articles")


def save_article(
    *,
    article: Article | None,
    data: dict,
    by,
    cover=None,
    remove_cover: bool = False,
    new_attachments: Iterable = (),
    remove_attachments: Iterable[Attachment] = (),
) -> Article:
    """Create or update an article from cleaned form data.

    `cover` is an `images.StoredCover` (already processed) or None; files are only deleted
    after the transaction commits.
    """
    _ensure_manager(by)
    creating = article is None
    old_files: list[str] = []
    with transaction.atomic():
        if creating:
            article = Article(author=by)
        else:
            article = Article.objects.select_for_update().get(pk=article.pk)
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(article, field, data[field])
        if not article.slug:
            article.slug = slug_from_title(article.title, exclude_pk=article.pk)
        if (remove_cover or cover is not None) and article.cover_image:
            old_files += [article.cover_image.name, article.cover_thumbnail.name]
            article.cover_image = article.cover_thumbnail = ""
            article.cover_width = article.cover_height = None
        if cover is not None:
            article.cover_image = cover.image
            article.cover_thumbnail = cover.thumbnail
            article.cover_width, article.cover_height = cover.width, cover.height
        _record(article, by=by, reason=_("Tạo bài viết") if creating else _("Sửa bài viết"))
        article.save()
        for attachment in remove_attachments:
            if attachment.article_id == article.pk:
                old_files.append(attachment.file.name)
                attachment.delete()
        start = article.attachments.count()
        for offset, upload in enumerate(new_attachments):
            add_attachment(article=article, upload=upload, order=start + offset)
        transaction.on_commit(lambda: images.delete_files(*old_files))
    return article


def add_attachment(*, article: Article, upload, order: int = 0) -> Attachment:
    """Store a checked upload (core.uploads.validate_upload first) as an attachment."""
    original = os.path.basename((getattr(upload, "name", "") or "").replace("\\", "/"))
    name = safe_filename(original)
    folder = f"news/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    upload.seek(0)
    stored = default_storage.save(f"{folder}/{name}", upload)
    return Attachment.objects.create(
        article=article,
        title=(os.path.splitext(original)[0].strip() or name)[:255],
        file=stored,
        content_type=getattr(upload, "checked_mime", "") or "application/octet-stream",
        size=getattr(upload, "size", 0) or 0,
        display_order=order,
    )


def publish(*, article: Article, by, publish_at=None) -> Article:
    """Publish now, or schedule when the publication time is in the future."""
    _ensure_manager(by)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if not article.body.strip():
            raise ValidationError(_("Bài viết cần có nội dung trước khi đăng."))
        now = timezone.now()
        # The editor's time wins: future = scheduled, past = back-dated (e.g. a reprint);
        # none = now. A re-published (withdrawn) article keeps its original date.
        when = publish_at or article.publish_at or now
        article.publish_at = when
        article.status = Article.Status.PUBLISHED
        reason = _("Lên lịch đăng") if when > now else _("Đăng bài")
        _record(article, by=by, reason=reason)
        article.save()
    return article


def withdraw(*, article: Article, by, reason: str = "") -> Article:
    """Hide an article from readers (it stays in the editors' list and in history)."""
    _ensure_manager(by)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == Article.Status.WITHDRAWN:
            return article
        article.status = Article.Status.WITHDRAWN
        note = _("Thu hồi bài viết")
        _record(article, by=by, reason=f"{note}: {reason}" if reason else note)
        article.save()
    return article


def flush_view_counts() -> int:
    """Move pending view counts from the cache into `Article.view_count`; returns views moved.

    Safe to run twice or concurrently: each run claims what it read with an atomic `decr`, so
    views counted meanwhile stay pending for the next run; a failed DB write gives them back.
    """
    moved = 0
    ids = list(selectors.flushable_article_ids())
    for start in range(0, len(ids), FLUSH_CHUNK):
        chunk = ids[start : start + FLUSH_CHUNK]
        for article_id, pending in counter.pending_many(chunk).items():
            if pending <= 0:
                continue
            key = counter.pending_key(article_id)
            try:
                cache.decr(key, pending)
            except ValueError:  # expired meanwhile: nothing left to claim
                continue
            try:
                Article.objects.filter(pk=article_id).update(view_count=F("view_count") + pending)
            except Exception:
                try:
                    cache.incr(key, pending)
                except ValueError:
                    cache.add(key, pending, counter.PENDING_TIMEOUT)
                raise
            moved += pending
    if moved:
        logger.info("flushed %s article views to the database", moved)
    return moved
