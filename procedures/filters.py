import django_filters
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from . import selectors
from .models import Field, OnlineLevel, ProcedureVersion

LEVEL_CHOICES = [
    ("tinh", _("Cấp tỉnh")),
    ("huyen", _("Cấp huyện")),
    ("xa", _("Cấp xã")),
]
LEVEL_FIELDS = {"tinh": "at_province", "huyen": "at_district", "xa": "at_commune"}


class ProcedureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"), method="filter_search", max_length=1000, strip=True
    )
    linh_vuc = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"),
        field_name="field",
        queryset=Field.objects.all(),
        empty_label=_("Tất cả"),
    )
    cap = django_filters.ChoiceFilter(
        label=_("Cấp thực hiện"),
        choices=LEVEL_CHOICES,
        method="filter_level",
        empty_label=_("Tất cả"),
    )
    co_quan = django_filters.ModelChoiceFilter(
        label=_("Cơ quan thực hiện"),
        field_name="agency_links__agency",
        queryset=Agency.objects.filter(procedure_links__isnull=False).distinct(),
        empty_label=_("Tất cả"),
    )
    muc_do = django_filters.ChoiceFilter(
        label=_("Mức độ dịch vụ công"),
        field_name="online_level",
        choices=[c for c in OnlineLevel.choices if c[0]],
        empty_label=_("Tất cả"),
    )

    class Meta:
        model = ProcedureVersion
        fields: list = []

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_level(self, queryset, name, value):
        return queryset.filter(**{LEVEL_FIELDS[value]: True})
