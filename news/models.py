"""News: categories, articles (sanitised rich text, scheduled publishing) and their attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import fold

from .sanitize import html_to_text, sanitize_html

# Article slugs share the URL space of "tin-tuc/" with these fixed paths.
RESERVED_SLUGS = frozenset({"quan-ly", "tim-kiem", "rss", "atom", "chuyen-muc", "anh", "tep"})


class Category(models.Model):
    name = models.CharField(_("tên chuyên mục"), max_length=120, unique=True)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    display_order = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chuyên mục tin")
        verbose_name_plural = _("chuyên mục tin")
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("news:category", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def visible(self, now=None):
        """What readers see: published, and its publication time has come."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now)

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã đăng")
        WITHDRAWN = "withdrawn", _("Đã thu hồi")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("Đường dẫn này đã được dùng cho một bài viết khác.")},
    )
    category = models.ForeignKey(
        Category, verbose_name=_("chuyên mục"), on_delete=models.PROTECT, related_name="articles"
    )
    summary = models.TextField(_("tóm tắt"), max_length=1000, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    cover_image = models.FileField(_("ảnh đại diện"), max_length=255, blank=True)
    cover_thumbnail = models.FileField(_("ảnh thu nhỏ"), max_length=255, blank=True)
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(_("mô tả ảnh (văn bản thay thế)"), max_length=300, blank=True)
    cover_caption = models.CharField(_("chú thích ảnh"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người viết"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_articles",
    )
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    source_url = models.URLField(_("địa chỉ nguồn"), blank=True)
    publish_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    view_count = models.PositiveBigIntegerField(_("lượt xem"), default=0, editable=False)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["view_count", "search_text"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"], name="news_article_visible")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The guarantee: whatever path writes an article, its body is sanitised and searchable.
        self.body = sanitize_html(self.body)
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = list({*update_fields, "body", "search_text"})
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    def build_search_text(self) -> str:
        category = self.category.name if self.category_id else ""
        parts = [self.title, self.summary, category, self.source, html_to_text(self.body)]
        return fold(" ".join(p for p in parts if p))

    @property
    def published_at(self):
        """When readers see it as posted (the scheduled time)."""
        return self.publish_at if self.status == self.Status.PUBLISHED else None

    def is_visible(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def display_status(self) -> str:
        if self.is_scheduled:
            return str(_("Đã lên lịch"))
        return self.get_status_display()

    @property
    def plain_summary(self) -> str:
        return self.summary or strip_tags(self.body)[:300]


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(
        Article, verbose_name=_("bài viết"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(default=0)
    display_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["display_order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "news:attachment",
            kwargs={"slug": self.article.slug, "public_id": self.public_id},
        )

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""
