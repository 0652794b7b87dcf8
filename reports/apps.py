from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app's `reports.py` registers its builders (reports.registry.register).
        autodiscover_modules("reports")
        from . import directory  # noqa: F401  (the agency directory builders)
