"""Input validation only; the rules and writes live in rules.py and services.py."""

import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_upload

from . import rules
from .criteria_io import format_tiers, loads_params, parse_tiers
from .models import CriteriaSet, Criterion, Metric, RuleType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NumberField(forms.DecimalField):
    """A decimal typed the Vietnamese way ("0,5") or the other ("0.5"); no thousands marks."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


class CriteriaSetForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = [
            "year",
            "target_group",
            "name",
            "decision_ref",
            "submission_deadline",
            "description",
            "is_illustrative",
        ]
        widgets = {"submission_deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2012 <= year <= 2100:
            raise ValidationError(_("Năm đánh giá không hợp lệ."))
        return year

    def clean(self):
        data = super().clean()
        group, year = data.get("target_group"), data.get("year")
        if group == "districts" and year and year > 2024:
            self.add_error(
                "target_group", _("Từ năm 2025 không còn cấp huyện; chọn nhóm sở hoặc cấp xã.")
            )
        return data

    def validate_unique(self):
        pass  # reported by the service with a Vietnamese message


class CriteriaSetUpdateForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = ["name", "decision_ref", "submission_deadline", "description", "is_illustrative"]
        widgets = {"submission_deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class CopySetForm(forms.Form):
    year = forms.IntegerField(label=_("Năm của bộ tiêu chí mới"), min_value=2012, max_value=2100)
    name = forms.CharField(label=_("Tên bộ tiêu chí mới"), max_length=255, required=False)


class CriterionForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã"),
        max_length=20,
        regex=r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$",
        error_messages={"invalid": _("Mã gồm chữ hoặc số, phân cấp bằng dấu chấm, ví dụ 3.2.1.")},
    )
    name = forms.CharField(label=_("Tên tiêu chí"), widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.ModelChoiceField(
        label=_("Thuộc tiêu chí"), queryset=Criterion.objects.none(), required=False
    )
    max_points = NumberField(label=_("Điểm tối đa"), min_value=0, max_digits=7, decimal_places=2)
    max_differs_from_children = forms.BooleanField(
        label=_("Điểm tối đa khác tổng điểm tiêu chí con"), required=False
    )
    is_bonus = forms.BooleanField(
        label=_("Nhóm điểm thưởng (không tính vào tổng điểm tối đa)"), required=False
    )
    rule_type = forms.ChoiceField(label=_("Cách tính điểm"), choices=RuleType.choices)
    tiers_text = forms.CharField(
        label=_("Các bậc tỷ lệ"),
        required=False,
        help_text=_("Ví dụ: 100%=6; 98%=4; 0%=0 (tỷ lệ từ … trở lên = số điểm)."),
    )
    unit_points = NumberField(
        label=_("Điểm mỗi đơn vị / mỗi lần trừ"), required=False, max_digits=7, decimal_places=2
    )
    floor_points = NumberField(
        label=_("Điểm sàn (trừ điểm)"), required=False, max_digits=7, decimal_places=2
    )
    evidence_required = forms.BooleanField(label=_("Bắt buộc tài liệu kiểm chứng"), required=False)
    guidance = forms.CharField(
        label=_("Hướng dẫn chấm điểm"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_guidance = forms.CharField(
        label=_("Yêu cầu tài liệu kiểm chứng"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    metric = forms.ChoiceField(
        label=_("Chỉ số tự động"), choices=[("", _("— Không —")), *Metric.choices], required=False
    )
    metric_params = forms.CharField(
        label=_("Tham số chỉ số (JSON)"), required=False, widget=forms.TextInput()
    )

    def __init__(self, *args, criteria_set, instance: Criterion | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "parent": instance.parent_id,
                "max_points": instance.max_points,
                "max_differs_from_children": instance.max_differs_from_children,
                "is_bonus": instance.is_bonus,
                "rule_type": instance.rule_type,
                "tiers_text": format_tiers(instance.tiers),
                "unit_points": instance.unit_points,
                "floor_points": instance.floor_points,
                "evidence_required": instance.evidence_required,
                "guidance": instance.guidance,
                "evidence_guidance": instance.evidence_guidance,
                "metric": instance.metric or "",
                "metric_params": json.dumps(instance.metric_params, ensure_ascii=False)
                if instance.metric_params
                else "",
            }
        super().__init__(*args, **kwargs)
        parents = Criterion.objects.filter(criteria_set=criteria_set).order_by("code")
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
        self.fields["parent"].queryset = parents

    def clean_tiers_text(self):
        try:
            return parse_tiers(self.cleaned_data["tiers_text"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_metric_params(self):
        text = (self.cleaned_data["metric_params"] or "").strip()
        if not text:
            return {}
        try:
            value = loads_params(text)
        except (ValueError, RecursionError) as exc:
            raise ValidationError(_("Tham số chỉ số phải là JSON hợp lệ.")) from exc
        if not isinstance(value, dict):
            raise ValidationError(_("Tham số chỉ số phải là một đối tượng JSON."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("rule_type") == RuleType.RATIO_TIERS and not data.get("tiers_text"):
            self.add_error("tiers_text", _("Cần ít nhất một bậc tỷ lệ."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["tiers"] = data.pop("tiers_text") or []
        data["metric"] = data.get("metric") or ""
        return data


# ----------------------------------------------------------------------------- self-assessment
class SelfScoreForm(forms.Form):
    """Only the input the leaf's rule asks for is shown and required."""

    points = NumberField(label=_("Điểm tự chấm"), required=False, max_digits=7, decimal_places=2)
    yes = forms.TypedChoiceField(
        label=_("Kết quả"),
        required=False,
        choices=[("", "—"), ("1", _("Có / Đạt")), ("0", _("Không / Không đạt"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    ratio_pct = NumberField(
        label=_("Tỷ lệ đạt (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    # the column is a PositiveIntegerField: a larger count would overflow the database
    count = forms.IntegerField(
        label=_("Số lượng"), required=False, min_value=0, max_value=2_147_483_647
    )
    explanation = forms.CharField(
        label=_("Giải thích, thuyết minh"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.kind = rules.input_kind(criterion)
        keep = {"points": "points", "yes": "yes", "ratio": "ratio_pct", "count": "count"}[self.kind]
        for name in ("points", "yes", "ratio_pct", "count"):
            if name != keep:
                del self.fields[name]
        self.fields[keep].required = True
        low, high = rules.allowed_range(criterion)
        if keep == "points":
            self.fields[keep].help_text = _("Từ %(low)s đến %(high)s điểm.") % {
                "low": rules.fmt(low),
                "high": rules.fmt(high),
            }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"explanation": data.get("explanation", "")}
        if self.kind == "points":
            kwargs["points"] = data["points"]
        elif self.kind == "yes":
            kwargs["yes"] = data["yes"]
        elif self.kind == "ratio":
            kwargs["ratio"] = (data["ratio_pct"] / Decimal(100)).quantize(Decimal("0.0001"))
        else:
            kwargs["count"] = data["count"]
        return kwargs


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Trích yếu tài liệu"), max_length=500)
    doc_number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    doc_date = forms.DateField(label=_("Ngày ban hành"), required=False, widget=DATE)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    file = forms.FileField(
        label=_("Tệp (PDF, DOCX, XLSX, JPEG, PNG; tối đa 10 MB)"), required=False
    )
    url = forms.URLField(
        label=_("Hoặc đường liên kết"), required=False, max_length=500, assume_scheme="https"
    )

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file:
            self.checked = validate_upload(file)
        return file

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and not self.errors.get("file"):
            raise ValidationError(_("Vui lòng chọn tệp hoặc nhập đường liên kết."))
        return data


# ----------------------------------------------------------------------------- appraisal
class AppraisalForm(forms.Form):
    points = NumberField(label=_("Điểm thẩm định"), max_digits=7, decimal_places=2)
    comment = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("Lý do điều chỉnh điểm tự động"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )


class ExplanationRequestForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Hạn giải trình"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    note = forms.CharField(
        label=_("Ghi chú chung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung giải trình"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel bộ tiêu chí (.xlsx)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        validate_upload(file, kinds={"xlsx"}, max_bytes=5 * 1024 * 1024)
        return file
