"""Forms of the news app (input validation only; writes happen in services)."""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.text import parse_id
from core.uploads import IMAGE_KINDS, validate_upload

from . import images
from .models import RESERVED_SLUGS, Article, Attachment, Category
from .sanitize import ALLOWED_TAGS, DROP_WITH_CONTENT, sanitize_html

COVER_MAX_BYTES = 8 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = frozenset({"pdf", "docx", "xlsx"})
MAX_NEW_ATTACHMENTS = 10
COVER_TOKEN_SALT = "news.cover"  # noqa: S105 (a signing salt, not a secret)
COVER_TOKEN_MAX_AGE = 24 * 3600
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids a database column cannot hold ("9" * 20 overflows SQLite's `IN (...)`)
    before querying: only 1–18 ASCII digits reach the database."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


_TAG_RE = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_HOSTILE_RE = re.compile(
    r"\son[a-z]+\s*=|\sstyle\s*=|(?:java|vb)script\s*:|data\s*:\s*text/html|<!--", re.I
)


def strip_controls(value: str) -> str:
    """Drop control/format characters (they break feeds and can hide text)."""
    return "".join(
        " " if unicodedata.category(ch)[0] == "C" and ch not in "\n\t" else ch for ch in value
    ).strip()


def has_unsafe_markup(raw: str) -> bool:
    """Whether the sanitiser will have to remove something unsafe or unsupported from `raw`."""
    text = html.unescape(raw or "")
    compact = re.sub(r"[\x00-\x20]+", "", text)
    if _HOSTILE_RE.search(text) or re.search(r"(?:java|vb)script:", compact, re.I):
        return True
    tags = {t.lower() for t in _TAG_RE.findall(text)}
    return bool(tags - ALLOWED_TAGS or tags & DROP_WITH_CONTENT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class ArticleForm(forms.ModelForm):
    cover_upload = forms.FileField(
        label=_("Ảnh đại diện"),
        required=False,
        help_text=_("Ảnh JPEG hoặc PNG, tối đa 8 MB; ảnh được thu về rộng tối đa 1600 điểm ảnh."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    cover_token = forms.CharField(required=False, widget=forms.HiddenInput)
    remove_cover = forms.BooleanField(label=_("Gỡ ảnh đại diện hiện tại"), required=False)
    new_attachments = MultipleFileField(
        label=_("Thêm tệp đính kèm"),
        required=False,
        help_text=_("PDF, DOCX hoặc XLSX, mỗi tệp tối đa 20 MB; chọn được nhiều tệp."),
    )
    remove_attachments = IdMultipleChoiceField(
        label=_("Gỡ tệp đính kèm"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Article
        formfield_callback = _formfield
        fields = [
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
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18, "class": "news-editor-textarea"}),
            "publish_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
        }
        help_texts = {
            "slug": _("Để trống để tạo tự động từ tiêu đề (không dấu)."),
            "publish_at": _(
                "Để trống khi đăng ngay. Chọn thời điểm trong tương lai để lên lịch đăng."
            ),
            "source": _("Ví dụ: Báo Cần Thơ"),
        }

    def __init__(self, *args, action: str = "save", **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.body_was_cleaned = False
        self.stored_cover: images.StoredCover | None = None
        self.fields["slug"].required = False
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = _("— Chọn chuyên mục —")
        self.fields["publish_at"].input_formats = [DATETIME_LOCAL, "%d/%m/%Y %H:%M", "%d/%m/%Y"]
        self.fields["body"].label = ""  # the template labels it above the toolbar
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": reverse("news:preview_body"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#body-preview",
                "hx-swap": "innerHTML",
                "hx-params": "body",
                "hx-sync": "this:replace",
            }
        )
        if self.instance.pk:
            self.fields["remove_attachments"].queryset = self.instance.attachments.all()
        else:
            del self.fields["remove_attachments"]
            del self.fields["remove_cover"]

    # --- fields ---------------------------------------------------------------------------
    def clean_title(self):
        return " ".join(strip_controls(self.cleaned_data["title"]).split())

    def clean_summary(self):
        return strip_controls(self.cleaned_data.get("summary") or "")

    def clean_slug(self):
        slug = (self.cleaned_data.get("slug") or "").strip().lower()
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                _("Đường dẫn “%(slug)s” được hệ thống dành riêng; hãy chọn đường dẫn khác."),
                params={"slug": slug},
            )
        return slug

    def clean_body(self):
        raw = self.cleaned_data.get("body") or ""
        self.body_was_cleaned = has_unsafe_markup(raw)
        return sanitize_html(raw)

    def clean_cover_upload(self):
        upload = self.cleaned_data.get("cover_upload")
        if not upload:
            return None
        validate_upload(upload, kinds=IMAGE_KINDS, max_bytes=COVER_MAX_BYTES)
        return upload

    def clean_cover_token(self):
        token = self.cleaned_data.get("cover_token") or ""
        if not token:
            return None
        try:
            data = signing.loads(token, salt=COVER_TOKEN_SALT, max_age=COVER_TOKEN_MAX_AGE)
            return images.StoredCover(**data)
        except (signing.BadSignature, TypeError):
            return None

    def clean_new_attachments(self):
        uploads = self.cleaned_data.get("new_attachments") or []
        if len(uploads) > MAX_NEW_ATTACHMENTS:
            raise ValidationError(
                _("Mỗi lần chỉ thêm được tối đa %(n)s tệp."), params={"n": MAX_NEW_ATTACHMENTS}
            )
        errors = []
        for upload in uploads:
            try:
                checked = validate_upload(
                    upload, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES
                )
            except ValidationError as exc:
                errors.extend(f"{upload.name}: {m}" for m in exc.messages)
                continue
            upload.checked_mime = checked.mime
        if errors:
            raise ValidationError(errors)
        return uploads

    # --- whole form -----------------------------------------------------------------------
    def clean(self):
        cleaned = super().clean()
        has_new_cover = bool(cleaned.get("cover_upload") or cleaned.get("cover_token"))
        keeps_old = bool(self.instance.cover_image) and not cleaned.get("remove_cover")
        if (has_new_cover or keeps_old) and not cleaned.get("cover_alt"):
            self.add_error(
                "cover_alt",
                _(
                    "Hãy nhập mô tả ảnh (cho người dùng trình đọc màn hình và khi ảnh không tải được)."
                ),
            )
        empty_body = not (cleaned.get("body") or "").strip()
        if self.action == "publish" and empty_body and "body" not in self.errors:
            self.add_error("body", _("Bài viết cần có nội dung trước khi đăng."))
        return cleaned

    def cover_to_store(self) -> images.StoredCover | None:
        """The processed cover of this submission (new upload first, else the kept one)."""
        if self.stored_cover is None:
            upload = self.cleaned_data.get("cover_upload")
            if upload:
                self.stored_cover = images.store_cover(upload)
            else:
                self.stored_cover = self.cleaned_data.get("cover_token")
        return self.stored_cover

    def keep_cover_for_retry(self) -> None:
        """After a failed submission: keep a valid uploaded cover so it need not be re-sent."""
        if "cover_upload" in self.errors or not hasattr(self, "cleaned_data"):
            return
        stored = self.cover_to_store()
        if stored is None:
            return
        token = signing.dumps(dataclasses.asdict(stored), salt=COVER_TOKEN_SALT)
        data = self.data.copy()
        data["cover_token"] = token
        self.data = data
        self.kept_cover = stored


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"), max_length=300, required=False, widget=forms.TextInput
    )


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=500_000)
