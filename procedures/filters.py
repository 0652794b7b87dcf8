import django_filters
from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.widgets import Select

from . import selectors
from .models import Field, OnlineLevel, ProcedureVersion

LEVEL_CHOICES = [
    ("tinh", _("Cấp tỉnh")),
    ("huyen", _("Cấp huyện")),
    ("xa", _("Cấp xã")),
]
LEVEL_FIELDS = {"tinh": "at_province", "huyen": "at_district", "xa": "at_commune"}
# The dropdowns' options (fields; agencies linked to a procedure: a DISTINCT over the links)
# are cached briefly instead of rebuilt on every request; choosing still validates against
# the live queryset, so an option added meanwhile is accepted, only listed a little later.
CHOICES_CACHE_SECONDS = 300
CACHED_CHOICE_FILTERS = ("linh_vuc", "co_quan")


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CACHED_CHOICE_FILTERS:
            field = self.form.fields[name]
            key = f"procedures:filter-choices:{name}:{selectors.catalogue_generation()}"
            options = cache.get(key)
            if options is None:
                options = [(obj.pk, str(obj)) for obj in field.queryset]
                cache.set(key, options, CHOICES_CACHE_SECONDS)
            # plain (value, label) pairs: bypass django-filter's iterator wrapping of the setter
            field.widget = Select(attrs=field.widget.attrs)
            forms.ChoiceField.choices.fset(field, [("", field.empty_label), *options])

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_level(self, queryset, name, value):
        return queryset.filter(**{LEVEL_FIELDS[value]: True})
