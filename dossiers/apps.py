from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import queue_cache, reports_stats  # noqa: F401  (registers the statistics report)
        from .models import Dossier

        for signal in (post_save, post_delete):
            signal.connect(
                queue_cache.dossier_changed,
                sender=Dossier,
                dispatch_uid=f"dossiers.queue_cache.{signal is post_save}",
            )
