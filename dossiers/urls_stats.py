"""Statistics (staff): /thong-ke/ and the drill-down /thong-ke/ho-so/."""

from django.urls import path

from .views import stats

urlpatterns = [
    path("", stats.stats, name="stats"),
    path("ho-so/", stats.drilldown, name="stats_drilldown"),
]
