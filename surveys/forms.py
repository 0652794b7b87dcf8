"""Builder forms (crispy) and the helpers that turn a questionnaire into form items and a POST
back into {question code: raw value}. Validation of answers is surveys.services.clean_value."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.text import parse_id

from .models import (
    SCALE5_CHOICES,
    YES_NO_CHOICES,
    CampaignLink,
    Option,
    Question,
    QuestionType,
    Section,
    Survey,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids a database column cannot hold ("9" * 20 overflows SQLite's `IN (...)`)
    before querying: only 1–18 ASCII digits reach the database."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "kind",
            "title",
            "title_en",
            "description",
            "period_start",
            "period_end",
            "target_agencies",
            "anonymous",
            "time_limit_minutes",
            "draw_count",
            "draw_mode",
        ]
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_agencies": forms.SelectMultiple(attrs={"size": 8}),
        }
        field_classes = {"target_agencies": IdMultipleChoiceField}
        help_texts = {
            "time_limit_minutes": _("Chỉ dùng cho bài kiểm tra kiến thức, kỹ năng."),
            "draw_count": _("Chỉ dùng cho bài kiểm tra kiến thức, kỹ năng."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_agencies"].queryset = Agency.objects.active_on().order_by(
            "display_order", "name"
        )
        self.fields["period_start"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.fields["period_end"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "title_en", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "code",
            "type",
            "text",
            "text_en",
            "help_text",
            "required",
            "purpose",
            "sipas_element",
            "sipas_criterion",
            "min_value",
            "max_value",
            "max_choices",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "text_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, survey: Survey, **kwargs):
        self.survey = survey
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", code):
            raise forms.ValidationError(
                _("Mã câu hỏi chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới.")
            )
        clash = Question.objects.filter(survey=self.survey, code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Mã câu hỏi này đã có trong khảo sát."))
        return code

    def clean(self):
        data = super().clean()
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and high < low:
            self.add_error("max_value", _("Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất."))
        return data


class OptionForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ["value", "label", "label_en"]

    def __init__(self, *args, question: Question, **kwargs):
        self.question = question
        super().__init__(*args, **kwargs)

    def clean_value(self):
        value = self.cleaned_data["value"].strip()
        if "," in value:
            raise forms.ValidationError(_("Giá trị không được chứa dấu phẩy."))
        clash = Option.objects.filter(question=self.question, value=value)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Giá trị này đã có trong câu hỏi."))
        return value


class CampaignLinkForm(forms.ModelForm):
    class Meta:
        model = CampaignLink
        fields = ["agency", "label"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.active_on().order_by(
            "display_order", "name"
        )


class TokenBatchForm(forms.Form):
    count = forms.IntegerField(label=_("Số mã cần tạo"), min_value=1, max_value=500, initial=10)
    agency = forms.ModelChoiceField(
        label=_("Cơ quan được đánh giá"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.active_on().order_by(
            "display_order", "name"
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel định dạng .xlsx."))
        return f


class RatingLookupForm(forms.Form):
    ma = forms.CharField(label=_("Mã hồ sơ"), max_length=60)
    k = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=20,
        help_text=_("Mã tra cứu in trên giấy hẹn, hoặc 4 số cuối điện thoại người nộp."),
    )


# --- respondent form helpers ---------------------------------------------------------------------
def field_name(question: Question) -> str:
    return f"q_{question.code}"


def ranking_slots(question: Question) -> int:
    n = len(question.options.all())
    return min(question.max_choices or n, n)


def values_from_post(questions, data) -> dict:
    """Read {code: raw} from a respondent POST (radio/checkbox/select widgets)."""
    values = {}
    for q in questions:
        name = field_name(q)
        if q.type == QuestionType.MULTIPLE:
            values[q.code] = data.getlist(name)
        elif q.type == QuestionType.RANKING:
            slots = ranking_slots(q)
            values[q.code] = [
                data.get(f"{name}_{i}", "") for i in range(1, slots + 1) if data.get(f"{name}_{i}")
            ]
        else:
            values[q.code] = data.get(name, "")
    return values


def values_from_entry(questions, data) -> dict:
    """Read {code: raw} from the paper data-entry screen, where every answer is a short text:
    multiple and ranking are option values separated by commas or spaces."""
    values = {}
    for q in questions:
        raw = (data.get(field_name(q)) or "").strip()
        if q.type in (QuestionType.MULTIPLE, QuestionType.RANKING):
            values[q.code] = split_choices(raw)
        else:
            values[q.code] = raw
    return values


def split_choices(raw) -> list[str]:
    if raw is None:
        return []
    return [v for v in re.split(r"[,;\s]+", str(raw).strip()) if v]


def form_sections(questions, values: dict | None = None, errors: dict | None = None) -> list:
    """Group questions by section into template-ready items."""
    values = values or {}
    errors = errors or {}
    sections: list[dict] = []
    for q in questions:
        if not sections or sections[-1]["section"].pk != q.section_id:
            sections.append({"section": q.section, "items": []})
        raw = values.get(q.code)
        item = {
            "q": q,
            "name": field_name(q),
            "error": errors.get(q.code),
            "raw": raw if isinstance(raw, str) else "",
        }
        if q.type == QuestionType.SCALE5:
            item["choices"] = [(str(v), label, str(raw) == str(v)) for v, label in SCALE5_CHOICES]
        elif q.type == QuestionType.YES_NO:
            item["choices"] = [(str(v), label, str(raw) == str(v)) for v, label in YES_NO_CHOICES]
        elif q.type == QuestionType.SINGLE:
            item["choices"] = [(o.value, o.label, raw == o.value) for o in q.options.all()]
        elif q.type == QuestionType.MULTIPLE:
            chosen = raw if isinstance(raw, list) else []
            item["choices"] = [(o.value, o.label, o.value in chosen) for o in q.options.all()]
        elif q.type == QuestionType.RANKING:
            chosen = raw if isinstance(raw, list) else []
            options = [(o.value, o.label) for o in q.options.all()]
            item["slots"] = [
                {
                    "n": i,
                    "name": f"{field_name(q)}_{i}",
                    "options": [
                        (v, label, i - 1 < len(chosen) and chosen[i - 1] == v)
                        for v, label in options
                    ],
                }
                for i in range(1, ranking_slots(q) + 1)
            ]
        if isinstance(raw, list):
            item["raw"] = ", ".join(raw)
        sections[-1]["items"].append(item)
    return sections
