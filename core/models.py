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
