"""Portal-wide data that belongs to no domain app: the visit history behind the footer counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyVisits(models.Model):
    """Visits of one local day, folded in from the cache by `core.tasks.flush_visit_counters`."""

    date = models.DateField(_("ngày"), unique=True)
    count = models.PositiveBigIntegerField(_("số lượt truy cập"), default=0)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("lượt truy cập trong ngày")
        verbose_name_plural = _("lượt truy cập theo ngày")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.count}"


class OutboxMessage(models.Model):
    """A Celery task to publish, written in the same transaction as the change that wants it.

    `core.outbox.enqueue` writes the row and publishes it after commit; when the broker is down
    the row stays pending and `core.tasks.sweep_outbox` publishes it later (with backoff, then
    a dead-letter state). Nothing the user was told succeeded is lost with the broker.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("chờ gửi")
        SENT = "sent", _("đã gửi")
        DEAD = "dead", _("gửi không thành công")

    task_name = models.CharField(_("tác vụ"), max_length=200)
    kwargs = models.JSONField(_("tham số"), default=dict, blank=True)
    task_id = models.CharField(_("mã tác vụ"), max_length=64, blank=True)
    dedupe_key = models.CharField(
        _("khóa chống trùng"), max_length=200, null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), db_index=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due")]
        verbose_name = _("tác vụ chờ gửi")
        verbose_name_plural = _("hộp thư đi của tác vụ")

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk} ({self.get_status_display()})"
