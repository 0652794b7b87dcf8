"""Staff side, mounted at /can-bo/ho-so/ (URL names live in the "dossiers" namespace)."""

from django.urls import path

from .views import staff

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("mot-cua/", staff.desk, name="desk"),
    path("mot-cua/thu-tuc/", staff.desk_suggest, name="desk_suggest"),
    path("mot-cua/thanh-phan/", staff.desk_documents, name="desk_documents"),
    path("mot-cua/so-theo-doi/", staff.register_export, name="register_export"),
    path("phieu/<uuid:public_id>/<int:number>/", staff.citizen_form_pdf, name="citizen_form_pdf"),
    path("<str:code>/", staff.staff_detail, name="staff_detail"),
    path("<str:code>/tiep-nhan-xong/", staff.desk_done, name="desk_done"),
    path("<str:code>/thao-tac/<slug:action>/", staff.staff_action, name="staff_action"),
    path("<str:code>/tep/<int:pk>/", staff.staff_attachment, name="staff_attachment"),
    path("<str:code>/mau/<int:number>/", staff.form_pdf, name="form_pdf"),
]
