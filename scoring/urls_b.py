"""Routes of SCORING-B (ranking, publication, reports); included at the end of scoring.urls."""

from django.urls import path

from . import views_b

urlpatterns = [
    path("xep-hang/", views_b.public_ranking, name="public_ranking"),
    path(
        "xep-hang/<int:year>/<slug:group>/",
        views_b.public_ranking_year,
        name="public_ranking_year",
    ),
    path(
        "xep-hang/<int:year>/<slug:group>/tinh-lai/",
        views_b.ranking_recompute,
        name="ranking_recompute",
    ),
    path(
        "xep-hang/<int:year>/<slug:group>/tinh-diem-tu-dong/",
        views_b.ranking_metrics,
        name="ranking_metrics",
    ),
    path(
        "xep-hang/<int:year>/<slug:group>/cong-bo/",
        views_b.ranking_publish,
        name="ranking_publish",
    ),
    path(
        "xep-hang/<int:year>/<slug:group>/bao-cao/<str:fmt>/",
        views_b.ranking_export,
        name="ranking_export",
    ),
    path(
        "xep-hang/<int:year>/<slug:group>/<str:key>/",
        views_b.public_ranking_agency,
        name="public_ranking_agency",
    ),
    path(
        "danh-gia/<uuid:public_id>/tinh-diem-tu-dong/",
        views_b.metrics_recompute,
        name="metrics_recompute",
    ),
]
