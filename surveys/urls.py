"""URLs of the surveys app (under /khao-sat/). SURVEYS-B's pages come from urls_b at the end."""

from django.urls import include, path

from . import views_builder as b
from . import views_collect as c

app_name = "surveys"

urlpatterns = [
    # collection (public)
    path("t/<str:token>/", c.token_respond, name="token"),
    path("t/<str:token>/qr/", c.token_qr, name="token_qr"),
    path("l/<slug:slug>/", c.link_respond, name="link"),
    path("cam-on/", c.done, name="done"),
    path("danh-gia/", c.rate_dossier, name="rate_dossier"),
    # collection (staff)
    path("<uuid:public_id>/nhap-phieu/", c.entry, name="entry"),
    path("<uuid:public_id>/nhap-excel/", c.import_xlsx, name="import"),
    path("<uuid:public_id>/nhap-excel/mau.xlsx", c.import_template, name="import_template"),
    # builder
    path("thiet-ke/", b.builder_list, name="builder_list"),
    path("thiet-ke/tao-moi/", b.builder_create, name="builder_create"),
    path("thiet-ke/<uuid:public_id>/", b.builder_detail, name="builder_detail"),
    path("thiet-ke/<uuid:public_id>/sua/", b.builder_edit, name="builder_edit"),
    path("thiet-ke/<uuid:public_id>/xem-truoc/", b.preview, name="preview"),
    path("thiet-ke/<uuid:public_id>/trang-thai/", b.set_status, name="set_status"),
    path("thiet-ke/<uuid:public_id>/phien-ban-moi/", b.copy_version, name="new_version"),
    path("thiet-ke/<uuid:public_id>/phan/them/", b.section_add, name="section_add"),
    path("thiet-ke/<uuid:public_id>/phan/<int:pk>/sua/", b.section_edit, name="section_edit"),
    path(
        "thiet-ke/<uuid:public_id>/phan/<int:section_pk>/cau-hoi/them/",
        b.question_add,
        name="question_add",
    ),
    path("thiet-ke/<uuid:public_id>/cau-hoi/<int:pk>/", b.question_edit, name="question_edit"),
    path(
        "thiet-ke/<uuid:public_id>/cau-hoi/<int:pk>/phuong-an/",
        b.option_add,
        name="option_add",
    ),
    path("thiet-ke/<uuid:public_id>/phuong-an/<int:pk>/", b.option_edit, name="option_edit"),
    path("thiet-ke/<uuid:public_id>/xoa/<str:kind>/<int:pk>/", b.item_delete, name="item_delete"),
    path(
        "thiet-ke/<uuid:public_id>/di-chuyen/<str:kind>/<int:pk>/<str:direction>/",
        b.item_move,
        name="item_move",
    ),
    path("thiet-ke/<uuid:public_id>/duong-dan/", b.link_add, name="link_add"),
    path("thiet-ke/<uuid:public_id>/ma-moi/", b.tokens_add, name="tokens_add"),
    path("thiet-ke/<uuid:public_id>/ma-moi/in/", b.tokens_print, name="tokens_print"),
    path("", include("surveys.urls_b")),
]
