"""Root URLs. Public paths are Vietnamese slugs; every app owns its own urls module."""

import os

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("accounts.urls")),
    path("tai-khoan/", include("allauth.urls")),
    path("co-quan/", include("agencies.urls")),
    path("bao-cao/", include("reports.urls")),
    path("thu-tuc/", include("procedures.urls")),
    path("khao-sat/", include("surveys.urls")),
    path("cham-diem/", include("scoring.urls")),
    path("tin-tuc/", include("news.urls")),
    path("", include("dossiers.urls")),
    path("", include("core.urls")),
]

if os.environ.get("BENCH_MODE") == "1":  # `make bench` ceiling: a bare view (bench/views.py)
    from bench.views import hello

    urlpatterns.insert(0, path("__bench/hello/", hello))

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = "Quản trị hệ thống"
