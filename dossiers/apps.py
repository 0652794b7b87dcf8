from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self):
        from agencies.models import Agency
        from core import generations

        from . import (
            reports_stats,  # noqa: F401  (registers the statistics XLSX report)
            statistics,
        )

        generations.watch(statistics.AGENCIES_GENERATION_KEY, [Agency], uid="dossiers.stats")
