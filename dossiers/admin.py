"""Read-only admin for dossiers: the record and its timeline are changed only by services."""

from django.contrib import admin

from .models import Dossier, DossierEvent


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DossierEventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "from_status", "to_status", "from_unit", "to_unit", "by", "note")
    readonly_fields = fields
    ordering = ("at", "pk")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "procedure_version",
        "applicant_name",
        "status",
        "channel",
        "competent_agency",
        "received_at",
        "due_at",
        "outcome",
    )
    list_filter = ("status", "channel", "outcome", "resolved_on_spot")
    search_fields = ("code", "applicant_name", "applicant_id_number")
    list_select_related = ("procedure_version__procedure", "competent_agency")
    date_hierarchy = "received_at"
    inlines = [DossierEventInline]
    show_full_result_count = False
