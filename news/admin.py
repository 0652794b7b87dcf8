from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Attachment, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "display_order", "is_active")
    prepopulated_fields = {"slug": ("name",)}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("title", "file", "content_type", "size", "display_order")
    readonly_fields = ("file", "content_type", "size")


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ("title", "category", "status", "publish_at", "view_count")
    list_filter = ("status", "category")
    search_fields = ("title", "search_text")
    readonly_fields = ("public_id", "view_count", "cover_image", "cover_thumbnail")
    list_select_related = ("category",)
    inlines = [AttachmentInline]
