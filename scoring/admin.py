from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assessment, AssessmentEvent, Band, CriteriaSet, Criterion, Evidence, Score


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "year", "target_group", "status", "submission_deadline", "frozen_at")
    list_filter = ("year", "target_group", "status", "is_illustrative")
    search_fields = ("name", "decision_ref")
    readonly_fields = ("public_id", "frozen_at", "opened_at", "published_at", "published_by")
    inlines = [BandInline]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "criteria_set", "max_points", "rule_type", "metric")
    list_filter = ("criteria_set", "rule_type", "metric")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ("criterion", "self_points", "auto_points", "appraised_points")
    readonly_fields = fields
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through scoring.services (with events)."""

    list_display = ("agency", "criteria_set", "status", "final_total", "index_pct", "rank")
    list_filter = ("criteria_set", "status")
    search_fields = ("agency__name",)
    readonly_fields = ("public_id", "status", "revision")
    inlines = [ScoreInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("title", "doc_number", "doc_date", "issuer", "stage", "uploaded_at")
    raw_id_fields = ("score",)


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(admin.ModelAdmin):
    list_display = ("assessment", "at", "by", "from_status", "to_status")
    list_filter = ("to_status",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
