from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"

    def ready(self):
        from . import signals  # noqa: F401 (registers the receivers)
