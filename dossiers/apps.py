from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self):
        from . import reports_stats, signals  # noqa: F401  (reports_stats registers a report)

        signals.connect()
