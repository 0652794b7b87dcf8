from django.urls import include, path

from . import views

app_name = "scoring"

urlpatterns = [
    # criteria-set builder (Home Affairs)
    path("bo-tieu-chi/", views.set_list, name="set_list"),
    path("bo-tieu-chi/tao-moi/", views.set_create, name="set_create"),
    path("bo-tieu-chi/<uuid:public_id>/", views.set_detail, name="set_detail"),
    path("bo-tieu-chi/<uuid:public_id>/cap-nhat/", views.set_update, name="set_update"),
    path("bo-tieu-chi/<uuid:public_id>/sao-chep/", views.set_copy, name="set_copy"),
    path("bo-tieu-chi/<uuid:public_id>/mo/", views.set_open, name="set_open"),
    path("bo-tieu-chi/<uuid:public_id>/xuat-excel/", views.set_export, name="set_export"),
    path("bo-tieu-chi/<uuid:public_id>/nhap-excel/", views.set_import, name="set_import"),
    path("bo-tieu-chi/<uuid:public_id>/them/", views.criterion_add, name="criterion_add"),
    path("tieu-chi/<int:pk>/sua/", views.criterion_edit, name="criterion_edit"),
    path(
        "tieu-chi/<int:pk>/chuyen/<str:direction>/",
        views.criterion_move,
        name="criterion_move",
    ),
    path("tieu-chi/<int:pk>/xoa/", views.criterion_delete, name="criterion_delete"),
    # assessments
    path("danh-gia/", views.assessment_list, name="assessment_list"),
    path("bo-tieu-chi/<uuid:public_id>/bat-dau/", views.assessment_start, name="assessment_start"),
    path("danh-gia/<uuid:public_id>/", views.assessment_detail, name="assessment_detail"),
    path("danh-gia/<uuid:public_id>/chuyen/", views.transition, name="transition"),
    path(
        "danh-gia/<uuid:public_id>/yeu-cau-giai-trinh/",
        views.explanation_request,
        name="appraisal_request_explanation",
    ),
    path("diem/<int:pk>/tu-cham/", views.score_save, name="score_save"),
    path("diem/<int:pk>/tham-dinh/", views.appraisal_save, name="appraisal_save"),
    path("diem/<int:pk>/giai-trinh/", views.explanation_answer, name="score_answer"),
    path("diem/<int:pk>/tai-lieu/", views.evidence_add, name="evidence_add"),
    path("tai-lieu/<uuid:public_id>/xoa/", views.evidence_delete, name="evidence_delete"),
    path("tai-lieu/<uuid:public_id>/", views.evidence_download, name="evidence_download"),
    path("", include("scoring.urls_b")),
]
