"""Forms of the statistics pages: choosing an agency and a period, the drill-down query and the
parameters of the XLSX export (validated by the report engine)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.widgets import Select as _Select

from .. import statistics

SCOPE_CHOICES = [
    ("1", _("Gồm các đơn vị trực thuộc")),
    ("0", _("Chỉ riêng cơ quan này")),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def agency_choices(visible: set[int] | None) -> list[tuple[str, str]]:
    """(pk, indented name) of the agencies in `visible` (None = all), in tree order."""
    agencies = list(
        Agency.objects.order_by("display_order", "name", "pk").only(
            "pk", "name", "parent_id", "valid_to", "display_order"
        )
    )
    by_parent: dict[int | None, list[Agency]] = {}
    ids = {agency.pk for agency in agencies}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in ids else None
        by_parent.setdefault(parent, []).append(agency)
    today = timezone.localdate()
    choices: list[tuple[str, str]] = []
    seen: set[int] = set()

    def walk(parent_id, depth):
        for agency in by_parent.get(parent_id, ()):
            if agency.pk in seen:
                continue
            seen.add(agency.pk)
            if visible is None or agency.pk in visible:
                label = "\u2003" * depth + agency.name
                if agency.valid_to and agency.valid_to < today:
                    label += " " + str(_("(đã hết hiệu lực)"))
                choices.append((str(agency.pk), label))
            walk(agency.pk, depth + 1)

    walk(None, 0)
    return choices


def render_options(choices: list[tuple[str, str]]) -> str:
    """The <option>s of `choices`, none selected, as core.widgets.Select renders them: built
    once per list and cached by the page (a province-wide list has 1,000 agencies)."""
    html = _Select(choices=choices).render("agency", None)
    return html[html.index(">") + 1 : html.rindex("\n</select>")]


class Select(_Select):  # named "Select": crispy derives the CSS class "form-select" from it
    """core.widgets.Select that may take its options pre-rendered (`options_html`, from
    render_options()): only the chosen option is marked, the list is not rebuilt."""

    options_html: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        if self.options_html is None:
            return super().render(name, value, attrs, renderer)
        options = self.options_html
        for chosen in {str(v) for v in self.format_value(value)}:
            mark = f'<option value="{escape(chosen)}">'
            options = options.replace(mark, mark[:-1] + " selected>", 1)
        self.choices = []
        empty = super().render(name, value, attrs, renderer)
        cut = empty.rindex("\n</select>")
        # options_html comes from render_options (escaped); `chosen` is escaped above
        return mark_safe(empty[:cut] + options + empty[cut:])  # noqa: S308  # nosec B308 B703


class AgencyField(forms.TypedChoiceField):
    """The agency of the statistics page. With pre-rendered options (StatsForm) the choice is
    checked against the set of offered values instead of the list Django would copy."""

    offered: frozenset[str] | None = None

    def valid_value(self, value) -> bool:
        if self.offered is not None:
            return str(value) in self.offered
        return super().valid_value(value)


class ScopeField(forms.TypedChoiceField):
    """ "1" / "0" in URLs; also accepts the JSON booleans the report engine stores."""

    def to_python(self, value):
        if value is True or value in ("true", "True"):
            return "1"
        if value is False or value in ("false", "False"):
            return "0"
        return super().to_python(value)


class ScopeForm(forms.Form):
    """agency + from + to + children: the scope of a figure (drill-down, export).

    The fields are named as in the URLs (`from` and `to` are Python keywords, hence __init__).
    """

    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.all())
    children = ScopeField(
        label=_("Phạm vi"),
        choices=SCOPE_CHOICES,
        coerce=lambda value: value == "1",
        required=False,
        empty_value=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
        self.fields["to"] = forms.DateField(label=_("Đến ngày"), widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("from"), data.get("to")
        if date_from and date_to and date_to < date_from:
            self.add_error("to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data

    @property
    def period(self) -> statistics.Period:
        """The period of a valid form (kept out of cleaned_data, which must stay JSON-able)."""
        return statistics.Period(self.cleaned_data["from"], self.cleaned_data["to"])


class DrilldownForm(ScopeForm):
    figure = forms.ChoiceField(label=_("Chỉ tiêu"), choices=list(statistics.FIGURES.items()))


class ExportParamsForm(ScopeForm):
    """Parameters of the "dossiers.statistics.xlsx" report (JSON: agency pk, ISO dates)."""


class StatsForm(forms.Form):
    """The statistics page: an agency (only those the user may see) and a reporting period."""

    agency = AgencyField(label=_("Cơ quan"), coerce=int, widget=Select)
    children = forms.ChoiceField(label=_("Phạm vi"), choices=SCOPE_CHOICES, initial="1")
    kind = forms.ChoiceField(
        label=_("Kỳ báo cáo"), choices=list(statistics.PERIOD_KINDS.items()), initial="year"
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    number = forms.IntegerField(
        label=_("Số thứ tự kỳ"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Tháng 1–12, quý 1–4 hoặc 6 tháng 1–2. Bỏ trống với kỳ năm."),
    )

    def __init__(
        self,
        *args,
        visible: set[int] | None = None,
        choices=None,
        options_html: str | None = None,
        **kwargs,
    ):
        """`choices`: agency_choices(visible) when not given; `options_html`: their
        render_options(), to render and validate the agency without copying the list."""
        super().__init__(*args, **kwargs)
        if choices is None:
            choices = agency_choices(visible)
        field = self.fields["agency"]
        if options_html is None:
            field.choices = choices
        else:
            field.widget.options_html = options_html
            field.offered = frozenset(value for value, _label in choices)
        self._has_agencies = bool(choices)
        self.fields["from"] = forms.DateField(
            label=_("Từ ngày"), widget=DATE_WIDGET, required=False
        )
        self.fields["to"] = forms.DateField(label=_("Đến ngày"), widget=DATE_WIDGET, required=False)
        self.fields["year"].initial = timezone.localdate().year

    @property
    def has_agencies(self) -> bool:
        return self._has_agencies

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "range":
            date_from, date_to = data.get("from"), data.get("to")
            if not date_from:
                self.add_error("from", _("Vui lòng chọn ngày bắt đầu."))
            if not date_to:
                self.add_error("to", _("Vui lòng chọn ngày kết thúc."))
            if date_from and date_to:
                if date_to < date_from:
                    self.add_error("to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
                elif date_to - date_from > datetime.timedelta(days=3660):
                    self.add_error("to", _("Khoảng ngày tối đa là 10 năm."))
                else:
                    data["period"] = statistics.Period(date_from, date_to)
        elif kind:
            year = data.get("year")
            number = data.get("number") or 1
            if year is None:
                self.add_error("year", _("Vui lòng nhập năm."))
                return data
            if number > statistics.PERIOD_NUMBERS[kind]:
                self.add_error(
                    "number",
                    _("Kỳ này chỉ có từ 1 đến %(max)s.") % {"max": statistics.PERIOD_NUMBERS[kind]},
                )
                return data
            data["period"] = statistics.period_bounds(kind, year, number)
        return data
