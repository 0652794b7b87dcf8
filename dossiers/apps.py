from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self):
        from . import reports_stats  # noqa: F401  (registers the statistics XLSX report)
