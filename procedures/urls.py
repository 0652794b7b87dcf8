from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("xuat-excel/", views.export, name="export"),
    path("quan-tri/nhap-excel/", views.import_upload, name="import"),
    path("quan-tri/nhap-excel/mau.xlsx", views.import_template, name="import_template"),
    path(
        "quan-tri/nhap-excel/xem-truoc/<str:token>/",
        views.import_preview,
        name="import_preview",
    ),
    path("<str:code>/ban-in/", views.print_view, name="print"),
    path("<str:code>/", views.detail, name="detail"),
]
