from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnnouncementDecision,
    AnnouncementItem,
    Field,
    LegalBasis,
    Procedure,
    ProcedureAgency,
    ProcedureCase,
    ProcedureVersion,
    RequiredDocument,
    Sector,
)


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Field)
class FieldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "sector"]
    list_filter = ["sector"]
    search_fields = ["name", "code"]


class AnnouncementItemInline(admin.TabularInline):
    model = AnnouncementItem
    extra = 0
    raw_id_fields = ["version"]


@admin.register(AnnouncementDecision)
class AnnouncementDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "date", "issuer"]
    search_fields = ["number", "title"]
    inlines = [AnnouncementItemInline]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["number", "name", "valid_from", "valid_to", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "legacy_code", "created_at"]
    search_fields = ["code", "legacy_code", "versions__name"]
    inlines = [VersionInline]

    def has_delete_permission(self, request, obj=None):
        return False


class CaseInline(admin.StackedInline):
    model = ProcedureCase
    extra = 0
    show_change_link = True


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


class AgencyInline(admin.TabularInline):
    model = ProcedureAgency
    extra = 0
    autocomplete_fields = []
    raw_id_fields = ["agency"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(SimpleHistoryAdmin):
    list_display = ["procedure", "number", "name", "field", "valid_from", "valid_to", "status"]
    list_filter = ["status", "online_level", "at_province", "at_commune", "field"]
    search_fields = ["procedure__code", "name", "search_text"]
    list_select_related = ["procedure", "field"]
    raw_id_fields = ["procedure", "replaced_by", "announcement"]
    readonly_fields = ["search_text", "raw", "created_at"]
    inlines = [CaseInline, LegalBasisInline, AgencyInline]

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


@admin.register(ProcedureCase)
class ProcedureCaseAdmin(SimpleHistoryAdmin):
    list_display = ["version", "name", "time_value", "time_unit", "fee_amount", "online_level"]
    raw_id_fields = ["version"]
    search_fields = ["version__procedure__code", "name"]
    inlines = [DocumentInline]
