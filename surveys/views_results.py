"""Results of surveys (SIPAS and similar, post-dossier ratings) and the sampling frame.

Thin views: authentication, permission, form validation; the figures come from
surveys.results / surveys.selectors / surveys.sampling.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from agencies.models import Agency

from . import results, sampling, selectors
from .models import Survey, SurveyKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PeriodMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data


class SamplingForm(_PeriodMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan"), queryset=Agency.objects.order_by("display_order", "name")
    )
    children = forms.BooleanField(label=_("Gồm các đơn vị trực thuộc"), required=False)
    date_from = forms.DateField(label=_("Trả kết quả từ ngày"), widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("đến ngày"), widget=DATE_WIDGET)
    margin = forms.DecimalField(
        label=_("Sai số cho phép e (%)"),
        min_value=1,
        max_value=20,
        decimal_places=1,
        initial=5,
        help_text=_("Cỡ mẫu n = N / (1 + N·e²); mặc định e = 5%."),
    )
    seed = forms.IntegerField(
        label=_("Hạt giống ngẫu nhiên"),
        min_value=1,
        max_value=sampling.SEED_MAX,
        required=False,
        help_text=_("Để trống để tạo mới; nhập lại cùng số để lấy lại đúng mẫu đã chọn."),
    )


class ResultsParamsForm(_PeriodMixin, forms.Form):
    survey = forms.ModelChoiceField(
        label=_("Khảo sát"),
        queryset=Survey.objects.filter(kind__in=selectors.RESULT_KINDS),
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan được đánh giá"),
        queryset=Agency.objects.order_by("display_order", "name"),
        required=False,
        empty_label=_("Tất cả cơ quan"),
    )
    children = forms.BooleanField(label=_("Gồm các đơn vị trực thuộc"), required=False)
    procedure_code = forms.CharField(label=_("Mã thủ tục"), max_length=30, required=False)
    date_from = forms.DateField(label=_("Phiếu gửi từ ngày"), widget=DATE_WIDGET, required=False)
    date_to = forms.DateField(label=_("đến ngày"), widget=DATE_WIDGET, required=False)


class ResultsForm(ResultsParamsForm):
    """The page's form: choices limited to what the user may read."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = selectors.result_surveys(user=user)
        self.fields["survey"].to_field_name = "public_id"  # no sequential ids in page URLs
        self.fields["agency"].queryset = selectors.result_agencies(user=user).order_by(
            "display_order", "name"
        )
        if not selectors.is_province_wide(user):
            self.fields["agency"].required = True
            self.fields["agency"].empty_label = None


def compute(params: dict, *, user) -> dict:
    """Figures for the page and the exports from cleaned ResultsParamsForm data."""
    survey: Survey = params["survey"]
    try:
        ids = selectors.scoped_agency_ids(
            user=user, agency=params.get("agency"), include_children=bool(params.get("children"))
        )
    except PermissionError:
        raise PermissionDenied from None
    context = {"survey": survey, "params": params}
    if survey.kind == SurveyKind.DOSSIER_RATING:
        context["rating"] = results.rating_results(
            surveys=[survey],
            agency_ids=ids,
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )
        context["rating_questions"] = results.rating_questions(survey)
        context["indicator_labels"] = results.COMPUTED_INDICATORS
        codes = [q.code for q in context["rating_questions"]]
        context["rating_tables"] = {
            "agency": rating_rows(context["rating"]["by_agency"], codes),
            "officer": rating_rows(context["rating"]["by_officer"], codes),
            "total": rating_rows([context["rating"]["total"]], codes),
        }
    else:
        context["result"] = results.survey_results(
            survey=survey,
            agency_ids=ids,
            procedure_code=params.get("procedure_code") or "",
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )
    return context


def rating_rows(groups, codes: list[str]) -> list[dict]:
    """Template-ready rows: averages and indicator shares in column order."""
    return [
        {
            "label": g.label,
            "responses": g.responses,
            "averages": [g.averages.get(code) for code in codes],
            "indicators": [g.indicators[key].value for key, _l in results.COMPUTED_INDICATORS],
        }
        for g in groups
    ]


def chart_data(result: results.SipasResult) -> dict:
    return {
        "elements": {
            "labels": [e.label for e in result.elements],
            "values": [round(e.index, 2) if e.index is not None else None for e in result.elements],
            "previous": [
                round(v, 2) if (v := result.previous.element_map.get(e.code)) is not None else None
                for e in result.elements
            ]
            if result.previous
            else [],
            "title": _t("Chỉ số hài lòng (%)"),
            "previous_title": _t("Kỳ trước (%)"),
        },
        "general": {
            "labels": [str(label) for _v, label in results.SCALE5_CHOICES],
            "values": list(result.general.distribution.values()) if result.general else [],
            "title": _t("Số phiếu"),
        },
    }


def export_params(params: dict) -> dict:
    """Hidden fields of the export forms (the report engine's params forms take pks)."""
    out = {}
    for key, value in params.items():
        if value in (None, "", False):
            continue
        if hasattr(value, "pk"):
            out[key] = value.pk
        elif value is True:
            out[key] = "on"
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


@login_required
@require_GET
def results_view(request):
    if not selectors.can_see_results(request.user):
        raise PermissionDenied
    data = request.GET if "survey" in request.GET else None
    form = ResultsForm(data, user=request.user)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        context.update(compute(form.cleaned_data, user=request.user))
        context["export"] = export_params(form.cleaned_data)
        if "result" in context:
            context["chart_data"] = chart_data(context["result"])
    return render(request, "surveys/results/index.html", context)


@login_required
@require_GET
def sampling_view(request):
    if not selectors.can_sample(request.user):
        raise PermissionDenied
    data = request.GET.copy() if "agency" in request.GET else None
    if data is not None and not data.get("seed"):
        data["seed"] = str(sampling.new_seed())
    form = SamplingForm(data, initial={"margin": 5, "children": True})
    context = {"form": form}
    if form.is_bound and form.is_valid():
        params = form.cleaned_data
        ids = selectors.descendant_ids([params["agency"].pk], include_children=params["children"])
        context["sample"] = sampling.build_sample(
            agency_ids=ids,
            date_from=params["date_from"],
            date_to=params["date_to"],
            margin=float(params["margin"]) / 100,
            seed=params["seed"],
        )
        context["export"] = export_params(params)
    return render(request, "surveys/results/sampling.html", context)
