from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Cơ quan và lịch làm việc")

    def ready(self) -> None:
        from core import generations

        from . import models, selectors, worktime

        generations.watch(selectors.GENERATION_KEY, [models.Agency], uid="agencies.agencies")
        generations.watch(
            worktime.GENERATION_KEY,
            [models.CalendarException, models.OfficeHours],
            uid="agencies.calendar",
        )
