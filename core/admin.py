from django.contrib import admin

from .models import DailyVisits


@admin.register(DailyVisits)
class DailyVisitsAdmin(admin.ModelAdmin):
    list_display = ("date", "count")
    date_hierarchy = "date"
    readonly_fields = ("date", "count")
