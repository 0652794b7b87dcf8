"""Celery tasks of the scoring app (ids in, safe to run twice)."""

from celery import shared_task

from . import metrics, ranking
from .models import CriteriaSet


@shared_task(name="scoring.tasks.recompute_metrics")
def recompute_metrics(set_id: int | None = None) -> int:
    """Recompute the metric-bound leaves and then the ranking of one set, or (nightly, Celery
    beat) of every set that still has assessments not yet approved. Returns the number of
    leaves recomputed."""
    if set_id is not None:
        sets = CriteriaSet.objects.filter(pk=set_id)
    else:
        sets = CriteriaSet.objects.filter(assessments__status__in=metrics.RECOMPUTABLE).distinct()
    total = 0
    for criteria_set in sets:
        total += metrics.recompute_set(criteria_set=criteria_set)
        ranking.compute(criteria_set=criteria_set)
    return total


@shared_task(name="scoring.tasks.recompute_ranking")
def recompute_ranking(set_id: int) -> int:
    criteria_set = CriteriaSet.objects.filter(pk=set_id).first()
    if criteria_set is None:
        return 0
    return ranking.compute(criteria_set=criteria_set)
