"""Export jobs: one row per requested report file, the outcome of a Celery run (DESIGN.md §2)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",
}


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    public_id = models.UUIDField(_("mã yêu cầu"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("loại báo cáo"), max_length=100)
    parameters = models.JSONField(_("tham số"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(_("tệp"), upload_to="reports/%Y/%m/", blank=True, max_length=255)
    filename = models.CharField(_("tên tệp tải về"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    celery_task_id = models.CharField(_("mã tác vụ Celery"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("yêu cầu xuất báo cáo")
        verbose_name_plural = _("yêu cầu xuất báo cáo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="exportjob_user_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="exportjob_progress_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} — {self.get_status_display()} ({self.public_id})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def content_type(self) -> str:
        extension = self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""
        return CONTENT_TYPES.get(extension, "application/octet-stream")

    @property
    def label(self) -> str:
        """The registered builder's label, or the raw kind when it is no longer registered."""
        from .registry import get_builder

        try:
            return str(get_builder(self.kind).label)
        except LookupError:
            return self.kind
