from django.contrib import admin

from accounts.models import Role
from accounts.permissions import has_role

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only list for administrators: rows are written only by core.audit.record."""

    list_display = ["at", "user_label", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["user_label", "object_id", "object_repr", "detail", "ip"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_view_permission(self, request, obj=None):
        user = request.user
        return bool(user.is_active and (user.is_superuser or has_role(user, Role.ADMINISTRATOR)))

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
