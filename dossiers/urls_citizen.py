"""Citizen area, mounted at /ho-so/ (URL names live in the "dossiers" namespace)."""

from django.urls import path

from .views import citizen

urlpatterns = [
    path("nop/<str:code>/", citizen.submit, name="submit"),
    path("nhap/<uuid:public_id>/thong-tin/", citizen.draft_details, name="citizen_draft_details"),
    path("nhap/<uuid:public_id>/giay-to/", citizen.draft_documents, name="citizen_draft_documents"),
    path(
        "nhap/<uuid:public_id>/giay-to/<int:pk>/xoa/",
        citizen.draft_remove_attachment,
        name="citizen_draft_remove_attachment",
    ),
    path("nhap/<uuid:public_id>/xem-lai/", citizen.draft_review, name="citizen_draft_review"),
    path("nhap/<uuid:public_id>/xoa/", citizen.draft_delete, name="citizen_draft_delete"),
    path("cua-toi/", citizen.my_dossiers, name="my_dossiers"),
    path("cua-toi/<uuid:public_id>/", citizen.detail, name="citizen_detail"),
    path("cua-toi/<uuid:public_id>/da-nop/", citizen.submitted, name="citizen_submitted"),
    path(
        "cua-toi/<uuid:public_id>/bo-sung/",
        citizen.answer_supplement,
        name="citizen_answer_supplement",
    ),
    path("cua-toi/<uuid:public_id>/rut/", citizen.withdraw, name="citizen_withdraw"),
    path("tep/<uuid:public_id>/<int:pk>/", citizen.attachment_download, name="attachment_download"),
]
