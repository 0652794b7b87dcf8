from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("yeu-cau/<str:kind>/", views.request_report, name="request"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<uuid:public_id>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:public_id>/tai-ve/", views.download, name="download"),
]
