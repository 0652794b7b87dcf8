"""Access log: who read personal data of a dossier or requested / downloaded an export.

Rows are written only through `core.audit.record` and are append-only (no update, no delete).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    class Action(models.TextChoices):
        DOSSIER_VIEW = "dossier.view", _("Xem hồ sơ (cán bộ)")
        ATTACHMENT_DOWNLOAD = "dossier.attachment", _("Tải tệp đính kèm của hồ sơ")
        FORM_PDF = "dossier.form_pdf", _("Xem/in biểu mẫu của hồ sơ")
        EXPORT_REQUEST = "export.request", _("Yêu cầu xuất báo cáo")
        EXPORT_DOWNLOAD = "export.download", _("Tải tệp báo cáo")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người truy cập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_label = models.CharField(_("tài khoản"), max_length=255, blank=True)
    action = models.CharField(_("thao tác"), max_length=40, choices=Action.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = _("nhật ký truy cập")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="accesslog_object")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} · {self.user_label} · {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("AccessLog is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("AccessLog is append-only.")
