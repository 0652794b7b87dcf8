"""Report builders of the surveys app (autodiscovered by reports.apps):

- surveys.sampling.xlsx  — the drawn sample (personal data: appraisers / administrators)
- surveys.results.xlsx   — survey results (criteria, elements, SIPAS, general, expectations…)
- surveys.results.pdf    — the same as an official PDF report with server-side SVG charts
- surveys.knowledge.xlsx — knowledge / skills test results per agency and per person
"""

import io

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reports.pdf import render_pdf
from reports.registry import ReportBuilder, ReportError, register
from reports.xlsx import write_table

from . import results, sampling, selectors
from .models import SCALE5_CHOICES, TEST_KINDS, Survey
from .views_results import ResultsParamsForm, SamplingForm, compute


def _write_sheets(out, *, title: str, subtitle: str, sheets) -> None:
    """Several sheets (name, headers, rows) in one write-only workbook: title, subtitle, a bold
    header row, the rows. (reports.xlsx.write_table writes a single sheet.)"""
    workbook = Workbook(write_only=True)
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append([title])
        sheet.append([subtitle])
        sheet.append([])
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    out.write(buffer.getvalue())


def _pct(value):
    return round(value, 2) if value is not None else None


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


# --- sampling -----------------------------------------------------------------------------------
class SamplingParamsForm(SamplingForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seed"].required = True


@register
class SamplingXlsx(ReportBuilder):
    kind = "surveys.sampling.xlsx"
    label = _("Danh sách mẫu khảo sát SIPAS (Excel)")
    description = _(
        "Người nộp hồ sơ đã trả kết quả được chọn ngẫu nhiên để khảo sát qua điện thoại hoặc "
        "phiếu giấy. Có thông tin cá nhân: chỉ Sở Nội vụ và quản trị hệ thống được xuất."
    )
    file_extension = "xlsx"
    params_form = SamplingParamsForm

    def has_permission(self, user, params: dict) -> bool:
        return selectors.can_sample(user)

    def build(self, *, params: dict, out, progress, user) -> str:
        form = SamplingParamsForm(data=params)
        if not form.is_valid():
            raise ReportError(_t("Tham số không hợp lệ."))
        data = form.cleaned_data
        ids = selectors.descendant_ids([data["agency"].pk], include_children=data["children"])
        sample = sampling.build_sample(
            agency_ids=ids,
            date_from=data["date_from"],
            date_to=data["date_to"],
            margin=float(data["margin"]) / 100,
            seed=data["seed"],
        )
        progress(40)
        subtitle = _t(
            "%(agency)s · trả kết quả từ %(start)s đến %(end)s · N = %(N)s, e = %(e)s%%, "
            "n = %(n)s · hạt giống %(seed)s"
        ) % {
            "agency": data["agency"].name,
            "start": _date(data["date_from"]),
            "end": _date(data["date_to"]),
            "N": sample.population,
            "e": data["margin"],
            "n": sample.size,
            "seed": sample.seed,
        }
        write_table(
            out,
            title=_t("Danh sách mẫu khảo sát sự hài lòng"),
            subtitle=subtitle,
            headers=[
                _t("STT"),
                _t("Họ và tên"),
                _t("Điện thoại"),
                _t("Mã thủ tục"),
                _t("Tên thủ tục"),
                _t("Mã hồ sơ"),
                _t("Ngày trả kết quả"),
                _t("Cơ quan giải quyết"),
                _t("Kết quả liên hệ"),
            ],
            rows=(
                [
                    i,
                    r.name,
                    r.phone,
                    r.procedure_code,
                    r.procedure_name,
                    r.dossier_code,
                    timezone.localtime(r.returned_at).date() if r.returned_at else None,
                    r.agency,
                    "",
                ]
                for i, r in enumerate(sample.rows, start=1)
            ),
            column_formats=["int", None, "text", "text", None, "text", "date", None, None],
            column_widths=[6, 28, 14, 14, 48, 26, 12, 36, 24],
            sheet_name=_t("Mẫu khảo sát"),
        )
        return f"mau-khao-sat-{sample.seed}.xlsx"


# --- results -------------------------------------------------------------------------------------
class _ResultsBase(ReportBuilder):
    params_form = ResultsParamsForm

    def has_permission(self, user, params: dict) -> bool:
        if not selectors.can_see_results(user):
            return False
        if selectors.is_province_wide(user):
            return True
        agency_id = params.get("agency")
        allowed = selectors.result_agencies(user=user).values_list("pk", flat=True)
        return bool(agency_id) and int(agency_id) in set(allowed)

    def _compute(self, params: dict, user) -> dict:
        form = ResultsParamsForm(data=params)
        if not form.is_valid():
            raise ReportError(_t("Tham số không hợp lệ."))
        context = compute(form.cleaned_data, user=user)
        data = form.cleaned_data
        parts = [data["agency"].name if data.get("agency") else _t("Tất cả cơ quan")]
        if data.get("procedure_code"):
            parts.append(_t("thủ tục %(code)s") % {"code": data["procedure_code"]})
        if data.get("date_from") or data.get("date_to"):
            parts.append(
                _t("phiếu gửi từ %(start)s đến %(end)s")
                % {"start": _date(data.get("date_from")), "end": _date(data.get("date_to"))}
            )
        context["subtitle"] = " · ".join(parts)
        return context

    @staticmethod
    def _filename(survey: Survey, ext: str) -> str:
        return f"ket-qua-khao-sat-{survey.code or str(survey.public_id)[:8]}.{ext}"


def _results_sheets(context: dict) -> list[tuple[str, list[str], list[list]]]:
    """(sheet name, headers, rows) of a results context."""
    sheets = []
    if "rating" in context:
        rating = context["rating"]
        codes = [q.code for q in context["rating_questions"]]
        headers = [_t("Cơ quan / công chức"), _t("Số phiếu")]
        headers += [_t("Điểm TB %(code)s") % {"code": c} for c in codes]
        headers += [
            _t("Tỷ lệ đạt 2 điểm: %(label)s (%%)") % {"label": label}
            for _k, label in results.COMPUTED_INDICATORS
        ]

        def row(g, label):
            return [
                label,
                g.responses,
                *[_pct(g.averages.get(c)) for c in codes],
                *[_pct(g.indicators[k].value) for k, _l in results.COMPUTED_INDICATORS],
            ]

        rows = [row(rating["total"], _t("Tổng cộng"))]
        rows += [row(g, g.label) for g in rating["by_agency"]]
        sheets.append((_t("Theo cơ quan"), headers, rows))
        sheets.append(
            (_t("Theo công chức"), headers, [row(g, g.label) for g in rating["by_officer"]])
        )
        return sheets
    result: results.SipasResult = context["result"]
    rows = []
    for e in result.elements:
        for c in e.criteria:
            rows.append(
                [
                    e.label,
                    c.code,
                    c.text,
                    *[c.distribution[v] for v, _l in SCALE5_CHOICES],
                    c.share.total,
                    _pct(c.share.value),
                    _pct(c.share.moe),
                ]
            )
        rows.append(
            [
                e.label,
                "",
                _t("Chỉ số yếu tố"),
                "",
                "",
                "",
                "",
                "",
                e.respondents,
                _pct(e.index),
                _pct(e.moe),
            ]
        )
    rows.append(
        [
            "SIPAS",
            "",
            _t("Chỉ số hài lòng chung (SIPAS)"),
            "",
            "",
            "",
            "",
            "",
            result.responses,
            _pct(result.index),
            _pct(result.moe),
        ]
    )
    if result.general:
        g = result.general
        rows.append(
            [
                _t("Câu hỏi chung"),
                g.code,
                g.text,
                *[g.distribution[v] for v, _l in SCALE5_CHOICES],
                g.share.total,
                _pct(g.share.value),
                _pct(g.share.moe),
            ]
        )
    sheets.append(
        (
            _t("Tiêu chí"),
            [
                _t("Yếu tố"),
                _t("Mã"),
                _t("Tiêu chí"),
                *[str(label) for _v, label in SCALE5_CHOICES],
                _t("Số trả lời hợp lệ"),
                _t("Tỷ lệ hài lòng (%)"),
                _t("Sai số ±95% (điểm %)"),
            ],
            rows,
        )
    )
    exp_rows = []
    for q in result.expectations:
        for o in q.options:
            exp_rows.append(
                [
                    q.code,
                    q.text,
                    o.label,
                    q.respondents,
                    o.chosen.count,
                    _pct(o.chosen.value),
                    _pct(o.first.value) if o.first else None,
                    _pct(o.mean_rank),
                ]
            )
    sheets.append(
        (
            _t("Mong đợi"),
            [
                _t("Mã"),
                _t("Câu hỏi"),
                _t("Phương án"),
                _t("Số người trả lời"),
                _t("Số người chọn"),
                _t("Tỷ lệ chọn (%)"),
                _t("Tỷ lệ xếp thứ nhất (%)"),
                _t("Thứ hạng trung bình"),
            ],
            exp_rows,
        )
    )
    element_labels = [str(label) for _c, label in results.SipasElement.choices]
    for name, groups in (
        (_t("Theo cơ quan"), result.by_agency),
        (_t("Theo dịch vụ"), result.by_service),
    ):
        sheets.append(
            (
                name,
                [_t("Đơn vị / dịch vụ"), _t("Số phiếu"), "SIPAS (%)", *element_labels],
                [
                    [
                        g.label,
                        g.responses,
                        _pct(g.index),
                        *[_pct(g.elements.get(c)) for c in results.ELEMENT_ORDER],
                    ]
                    for g in groups
                ],
            )
        )
    if result.previous is not None:
        sheets.append(
            (
                _t("So sánh kỳ trước"),
                [_t("Chỉ số"), _t("Kỳ này (%)"), _t("Kỳ trước (%)"), _t("Chênh lệch (điểm %)")],
                [
                    [r["label"], _pct(r["now"]), _pct(r["before"]), _pct(r["delta"])]
                    for r in result.comparison
                ],
            )
        )
    return sheets


@register
class ResultsXlsx(_ResultsBase):
    kind = "surveys.results.xlsx"
    label = _("Kết quả khảo sát (Excel)")
    description = _("Tỷ lệ hài lòng theo tiêu chí, chỉ số yếu tố, SIPAS, câu hỏi chung, mong đợi.")
    file_extension = "xlsx"

    def build(self, *, params: dict, out, progress, user) -> str:
        context = self._compute(params, user)
        progress(50)
        survey = context["survey"]
        _write_sheets(
            out, title=survey.title, subtitle=context["subtitle"], sheets=_results_sheets(context)
        )
        return self._filename(survey, "xlsx")


def _bars(
    items: list[tuple[str, float | None]], *, width=460, bar_height=18, gap=8, label_width=200
):
    """Geometry of a horizontal SVG bar chart (0..100 %) for the PDF template."""
    scale = (width - label_width - 50) / 100
    bars = []
    for i, (label, value) in enumerate(items):
        y = i * (bar_height + gap)
        bars.append(
            {
                "label": label,
                "value": value,
                "y": y,
                "text_y": y + bar_height * 0.72,
                "width": round((value or 0) * scale, 2),
                "value_x": label_width + round((value or 0) * scale, 2) + 4,
            }
        )
    return {
        "bars": bars,
        "height": max(1, len(items)) * (bar_height + gap),
        "width": width,
        "bar_height": bar_height,
        "label_width": label_width,
        "axis_x": label_width,
    }


@register
class ResultsPdf(_ResultsBase):
    kind = "surveys.results.pdf"
    label = _("Báo cáo kết quả khảo sát (PDF)")
    description = _("Báo cáo có tiêu đề văn bản hành chính, các bảng và biểu đồ kết quả.")
    file_extension = "pdf"

    def build(self, *, params: dict, out, progress, user) -> str:
        context = self._compute(params, user)
        progress(50)
        survey = context["survey"]
        if "result" in context:
            result = context["result"]
            context["element_chart"] = _bars([(e.label, e.index) for e in result.elements])
            if result.general:
                total = result.general.share.total or 1
                context["general_chart"] = _bars(
                    [
                        (str(label), result.general.distribution[v] / total * 100)
                        for v, label in SCALE5_CHOICES
                    ]
                )
        context.update(
            {
                "title": _t("Báo cáo kết quả khảo sát"),
                "report_subtitle": context["subtitle"],
                "subtitle": survey.title,
            }
        )
        render_pdf("pdf/surveys/results.html", context, out)
        return self._filename(survey, "pdf")


# --- knowledge tests -------------------------------------------------------------------------------
class KnowledgeParamsForm(forms.Form):
    survey = forms.ModelChoiceField(
        label=_("Bài kiểm tra"),
        queryset=Survey.objects.filter(kind__in=TEST_KINDS),
    )


@register
class KnowledgeXlsx(ReportBuilder):
    kind = "surveys.knowledge.xlsx"
    label = _("Kết quả kiểm tra kiến thức, kỹ năng (Excel)")
    description = _("Điểm từng người và tổng hợp theo cơ quan: tỷ lệ tham gia, điểm trung bình.")
    file_extension = "xlsx"
    params_form = KnowledgeParamsForm

    def has_permission(self, user, params: dict) -> bool:
        return selectors.can_sample(user)

    def build(self, *, params: dict, out, progress, user) -> str:
        form = KnowledgeParamsForm(data=params)
        if not form.is_valid():
            raise ReportError(_t("Tham số không hợp lệ."))
        survey = form.cleaned_data["survey"]
        attempts = selectors.finished_attempts(surveys=[survey])
        agencies = selectors.knowledge_by_agency(attempts)
        progress(30)
        agency_rows = [
            [
                a["agency"],
                a["attempts"],
                a["staff"],
                _pct(a["participation_rate"]),
                _pct(a["mean_score"]),
                *[a["bands"][k] for k, *_r in selectors.SCORE_BANDS],
            ]
            for a in agencies
        ]
        people_rows = [
            [
                i,
                t.user.full_name,
                t.agency.name if t.agency_id else "",
                t.correct_count,
                len(t.question_ids),
                t.score,
                t.max_score,
                _pct(t.score10),
                str(t.get_status_display()),
                timezone.make_naive(timezone.localtime(t.submitted_at)) if t.submitted_at else None,
            ]
            for i, t in enumerate(selectors.knowledge_people(attempts), start=1)
        ]
        agency_headers = [
            _t("Cơ quan"),
            _t("Số người dự thi"),
            _t("Số cán bộ"),
            _t("Tỷ lệ tham gia (%)"),
            _t("Điểm trung bình (thang 10)"),
            *[str(label) for _k, label, *_r in selectors.SCORE_BANDS],
        ]
        people_headers = [
            _t("STT"),
            _t("Họ và tên"),
            _t("Cơ quan"),
            _t("Số câu đúng"),
            _t("Số câu hỏi"),
            _t("Điểm"),
            _t("Điểm tối đa"),
            _t("Điểm (thang 10)"),
            _t("Trạng thái"),
            _t("Nộp lúc"),
        ]
        _write_sheets(
            out,
            title=survey.title,
            subtitle=_t("Kết quả kiểm tra"),
            sheets=[
                (_t("Theo cơ quan"), agency_headers, agency_rows),
                (_t("Theo người"), people_headers, people_rows),
            ],
        )
        progress(90)
        return f"ket-qua-kiem-tra-{survey.code or str(survey.public_id)[:8]}.xlsx"
