from django.contrib import admin
from django.utils.translation import gettext as _

from .models import DailyVisits, OutboxMessage


@admin.register(DailyVisits)
class DailyVisitsAdmin(admin.ModelAdmin):
    list_display = ("date", "count")
    date_hierarchy = "date"
    readonly_fields = ("date", "count")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Tasks the broker missed: pending ones are swept every minute; dead ones wait for a person."""

    list_display = ("task_name", "status", "attempts", "created_at", "next_attempt_at", "sent_at")
    list_filter = ("status", "task_name")
    search_fields = ("task_name", "dedupe_key", "task_id")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_again"]

    @admin.action(description=_("Gửi lại ngay"))
    def send_again(self, request, queryset):
        from . import outbox

        count = outbox.requeue(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request, _("Đã đưa %(count)d tác vụ vào hàng chờ gửi lại.") % {"count": count}
        )

    def has_add_permission(self, request):
        return False
