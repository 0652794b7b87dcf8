from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from agencies.models import Agency
        from core import generations

        from . import models, ranking

        generations.watch(
            ranking.TABLE_GENERATION_KEY,
            [models.CriteriaSet, models.Band, models.Assessment, Agency],
            uid="scoring.ranking_table",
        )
