"""Dossier URLs: the citizen area (/ho-so/), the staff console (/can-bo/ho-so/), public
tracking (/tra-cuu/) and statistics (/thong-ke/). Mounted at the site root."""

from django.urls import include, path

app_name = "dossiers"

urlpatterns = [
    path("ho-so/", include("dossiers.urls_citizen")),
    path("can-bo/ho-so/", include("dossiers.urls_staff")),
    path("tra-cuu/", include("dossiers.urls_tracking")),
    path("thong-ke/", include("dossiers.urls_stats")),
]
