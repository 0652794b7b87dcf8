from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("tim-kiem/", views.search, name="search"),
    path("rss/", feeds.LatestNewsFeed(), name="rss"),
    path("atom/", feeds.LatestNewsAtomFeed(), name="atom"),
    path("chuyen-muc/<slug:slug>/", views.category, name="category"),
    path("chuyen-muc/<slug:slug>/rss/", feeds.LatestNewsFeed(), name="category_rss"),
    path("chuyen-muc/<slug:slug>/atom/", feeds.LatestNewsAtomFeed(), name="category_atom"),
    # editors
    path("quan-ly/", views.manage, name="manage"),
    path("quan-ly/viet-bai/", views.create, name="create"),
    path("quan-ly/xem-truoc-noi-dung/", views.preview_body, name="preview_body"),
    path("quan-ly/<uuid:public_id>/", views.edit, name="edit"),
    path("quan-ly/<uuid:public_id>/xem-truoc/", views.preview, name="preview"),
    path("quan-ly/<uuid:public_id>/dang/", views.publish, name="publish"),
    path("quan-ly/<uuid:public_id>/thu-hoi/", views.withdraw, name="withdraw"),
    path("quan-ly/<uuid:public_id>/lich-su/", views.history, name="history"),
    # readers
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/ban-in/", views.print_view, name="print"),
    path("<slug:slug>/anh-bia/", views.cover, name="cover"),
    path("<slug:slug>/anh-bia/nho/", views.cover, {"size": "thumb"}, name="cover_thumb"),
    path("<slug:slug>/tep/<uuid:public_id>/", views.attachment, name="attachment"),
]
