"""Django admin for the agency registry and the working calendar, all with change history.

Agencies are never deleted: the delete action and permission are removed, and the "close"
action sets the last day in force (valid_to) through agencies.services.close_agency.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .forms import CloseAgencyForm
from .models import Agency, AgencySuccession, CalendarException, OfficeHours
from .services import close_agency


class ActiveFilter(admin.SimpleListFilter):
    title = _("tình trạng hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request, model_admin):
        return [("active", _("Đang hoạt động")), ("closed", _("Đã đóng / chưa có hiệu lực"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "active":
            return queryset.active_on(today)
        if self.value() == "closed":
            return queryset.exclude(pk__in=Agency.objects.active_on(today).values("pk"))
        return queryset


class SuccessorInline(admin.TabularInline):
    model = AgencySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    fields = ["successor", "reason", "is_partial", "decision", "effective_date", "note"]
    verbose_name = _("cơ quan kế thừa")
    verbose_name_plural = _("cơ quan kế thừa (sau khi hợp nhất, chia tách, đổi tên)")


class PredecessorInline(admin.TabularInline):
    model = AgencySuccession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    fields = ["predecessor", "reason", "is_partial", "decision", "effective_date", "note"]
    verbose_name = _("cơ quan tiền thân")
    verbose_name_plural = _("cơ quan tiền thân")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "short_name",
        "level",
        "kind",
        "electronic_id",
        "valid_from",
        "valid_to",
        "is_active_today",
    ]
    list_filter = [ActiveFilter, "level", "kind", "unit_type", "is_demo_code"]
    search_fields = ["name", "short_name", "electronic_id", "admin_unit_code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [SuccessorInline, PredecessorInline]
    actions = ["close_agencies"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "level", "kind", "unit_type", "parent"]}),
        (
            _("Mã định danh"),
            {"fields": ["electronic_id", "admin_unit_code", "is_demo_code"]},
        ),
        (_("Liên hệ"), {"fields": ["address", "phone", "email"]}),
        (_("Hiệu lực"), {"fields": ["valid_from", "valid_to", "display_order"]}),
    ]

    @admin.display(boolean=True, description=_("đang hoạt động"))
    def is_active_today(self, obj: Agency) -> bool:
        return obj.is_active_on()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        description=_("Đóng cơ quan đã chọn (đặt ngày hết hiệu lực)"), permissions=["change"]
    )
    def close_agencies(self, request, queryset):
        if "apply" in request.POST:
            form = CloseAgencyForm(request.POST)
            if form.is_valid():
                closed, failed = 0, []
                for agency in queryset:
                    try:
                        close_agency(
                            agency=agency,
                            valid_to=form.cleaned_data["valid_to"],
                            by=request.user,
                            reason=form.cleaned_data["reason"],
                        )
                        closed += 1
                    except ValidationError:
                        failed.append(agency.name)
                if closed:
                    self.message_user(
                        request,
                        _("Đã đóng %(count)d cơ quan.") % {"count": closed},
                        messages.SUCCESS,
                    )
                if failed:
                    self.message_user(
                        request,
                        _("Không đóng được (ngày hết hiệu lực trước ngày bắt đầu): %(names)s")
                        % {"names": ", ".join(failed)},
                        messages.ERROR,
                    )
                return None
        else:
            form = CloseAgencyForm(initial={"valid_to": timezone.localdate()})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Đóng cơ quan"),
            "opts": self.model._meta,
            "agencies": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "agencies/admin/close_agencies.html", context)


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(SimpleHistoryAdmin):
    list_display = [
        "predecessor",
        "successor",
        "reason",
        "is_partial",
        "decision",
        "effective_date",
    ]
    list_filter = ["reason", "is_partial"]
    search_fields = ["predecessor__name", "successor__name", "decision"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
    date_hierarchy = "effective_date"


@admin.register(CalendarException)
class CalendarExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name", "decision", "scope"]
    list_filter = ["kind", ("agency", admin.EmptyFieldListFilter)]
    search_fields = ["name", "decision", "agency__name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]
    date_hierarchy = "date"

    @admin.display(description=_("phạm vi áp dụng"), ordering="agency__name")
    def scope(self, obj: CalendarException) -> str:
        return obj.agency.name if obj.agency_id else _("Toàn quốc")


@admin.register(OfficeHours)
class OfficeHoursAdmin(SimpleHistoryAdmin):
    list_display = [
        "scope",
        "valid_from",
        "valid_to",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "day_length",
    ]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]

    @admin.display(description=_("áp dụng cho"), ordering="agency__name")
    def scope(self, obj: OfficeHours) -> str:
        return obj.agency.name if obj.agency_id else _("Mặc định (mọi cơ quan)")

    @admin.display(description=_("số giờ một ngày làm việc"))
    def day_length(self, obj: OfficeHours) -> str:
        hours = obj.working_day_length.total_seconds() / 3600
        return f"{hours:g} giờ".replace(".", ",")

    def has_delete_permission(self, request, obj=None):
        # The default row is what every due date falls back on: change it, do not delete it.
        if obj is not None and obj.agency_id is None:
            return False
        return super().has_delete_permission(request, obj)
