"""Ranking reports built by Celery workers through the report engine (reports.registry).

- "scoring.ranking.pdf": the ranking as the appendix of the publication decision (official
  header; "Phụ lục: Kết quả xác định Chỉ số cải cách hành chính năm … của các …"), the table,
  server-side SVG charts (WeasyPrint runs no JavaScript), then one page per agency with the
  breakdown by area and the appraisers' comments. A fixed number of queries whatever the number
  of agencies (no per-row query); table-layout: fixed keeps WeasyPrint's layout linear. Laid out
  in parts (reports.pdf.render_pdf_in_parts) so that memory does not grow with the agencies.
- "scoring.ranking.xlsx": openpyxl write-only workbook: a summary sheet (one row per agency),
  then one sheet per area with one row per agency and leaf (self / auto / appraised / final
  points). Rows are streamed from database iterators, so 150,000 rows stay within memory limits.

Parameters: {"set": "<criteria set public_id>"}.
Permission: appraisers and administrators (and the head of Home Affairs) at any time; once the
set is published, any signed-in user (the results are public anyway; the engine needs a signed-in
requester). The report lists only what the requester may see (ranking.rows).
"""

import uuid
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from reports.pdf import render_pdf_in_parts
from reports.registry import ReportBuilder, ReportError, register

from . import ranking, tree
from .models import CriteriaSet, Score, TargetGroup

GROUP_PLURAL = {
    TargetGroup.DEPARTMENTS: "sở, ban, ngành",
    TargetGroup.COMMUNES: "UBND xã, phường, đặc khu",
    TargetGroup.DISTRICTS: "UBND cấp huyện",
}
CHART_AGENCY_LIMIT = 60  # above this, the per-agency bar chart becomes a distribution chart
PDF_AGENCIES_PER_PART = 100  # agency pages laid out together (≈ 2 MB of layout per page)


class RankingParamsForm(forms.Form):
    set = forms.UUIDField(label=_("Bộ tiêu chí"))


def _set_from(params: dict) -> CriteriaSet:
    try:
        public_id = uuid.UUID(str((params or {}).get("set")))
    except ValueError:
        raise ReportError(gettext("Không tìm thấy bộ tiêu chí.")) from None
    criteria_set = CriteriaSet.objects.filter(public_id=public_id).first()
    if criteria_set is None:
        raise ReportError(gettext("Không tìm thấy bộ tiêu chí."))
    return criteria_set


def may_download(user, criteria_set: CriteriaSet | None) -> bool:
    if criteria_set is None:
        return False
    if ranking.sees_unpublished(user):
        return True
    return criteria_set.is_published and bool(getattr(user, "is_authenticated", False))


class _RankingReport(ReportBuilder):
    params_form = RankingParamsForm

    def has_permission(self, user, params: dict) -> bool:
        try:
            criteria_set = _set_from(params)
        except ReportError:
            return False
        return may_download(user, criteria_set)


def _title(criteria_set: CriteriaSet) -> str:
    return gettext("Kết quả xác định Chỉ số cải cách hành chính năm %(year)s của các %(group)s") % {
        "year": criteria_set.year,
        "group": GROUP_PLURAL.get(criteria_set.target_group, criteria_set.target_group),
    }


def _filename(criteria_set: CriteriaSet, ext: str) -> str:
    return f"xep-hang-chi-so-cchc-{criteria_set.year}-{ranking.GROUP_SLUGS.get(criteria_set.target_group, criteria_set.target_group)}.{ext}"


def _comments(criteria_set: CriteriaSet, assessment_ids) -> dict[int, list[tuple[str, str]]]:
    """assessment id → [(criterion code, appraiser comment)] in one query."""
    result: dict[int, list[tuple[str, str]]] = defaultdict(list)
    qs = (
        Score.objects.filter(assessment__criteria_set=criteria_set)
        .exclude(appraisal_comment="")
        .values_list("assessment_id", "criterion__code", "appraisal_comment")
        .order_by("assessment_id", "criterion__position", "criterion_id")
    )
    wanted = set(assessment_ids)
    for assessment_id, code, comment in qs.iterator(chunk_size=2000):
        if assessment_id in wanted:
            result[assessment_id].append((code, comment))
    return result


def ranked_rows(criteria_set: CriteriaSet, user) -> list:
    """The assessments of the report: the ranked ones (published ones once the set is
    published; appraised, approved and published ones in a staff preview), best first."""
    return [a for a in ranking.rows(criteria_set=criteria_set, user=user) if a.rank is not None]


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}".replace(".", ",")


def svg_bars(items: list[tuple[str, Decimal]], *, maximum: Decimal, unit: str = "") -> dict:
    """Geometry for a horizontal SVG bar chart drawn by the PDF template."""
    bar, gap, label_w, chart_w = 12, 5, 300, 300
    bars = []
    top = Decimal(maximum) or Decimal("1")
    for i, (label, value) in enumerate(items):
        width = float(Decimal(value or 0) / top * chart_w) if value else 0.0
        bars.append(
            {
                "y": i * (bar + gap),
                "text_y": i * (bar + gap) + bar - 2,
                "label": label if len(label) <= 56 else label[:54] + "…",
                "width": round(max(width, 0.0), 1),
                "value": f"{_fmt(value)}{unit}",
                "value_x": label_w + round(max(width, 0.0), 1) + 4,
            }
        )
    return {
        "bars": bars,
        "height": len(items) * (bar + gap) + 4,
        "label_w": label_w,
        "chart_w": chart_w,
        "width": label_w + chart_w + 60,
        "bar_h": bar,
    }


def pdf_context(criteria_set: CriteriaSet, user, progress) -> dict:
    rows = ranked_rows(criteria_set, user)
    progress(10)
    order = ranking.area_order(criteria_set)
    codes = [code for code, _name in order]
    comments = _comments(criteria_set, [a.pk for a in rows])
    progress(20)
    table = []
    for a in rows:
        areas = ranking.areas_of(a, codes)
        table.append(
            {
                "a": a,
                "areas": areas,
                "change": ranking.change(a),
                "comments": comments.get(a.pk, []),
            }
        )
    ranked = [r for r in table if r["a"].index_pct is not None]
    if len(ranked) <= CHART_AGENCY_LIMIT:
        chart = svg_bars(
            [(r["a"].agency.name, r["a"].index_pct) for r in ranked],
            maximum=max([Decimal("100")] + [r["a"].index_pct for r in ranked]),
            unit="%",
        )
        chart_title = gettext("Chỉ số CCHC của từng cơ quan (%)")
    else:
        counts: dict[str, int] = defaultdict(int)
        for r in ranked:
            counts[r["a"].band.name if r["a"].band else gettext("Chưa xếp loại")] += 1
        bands = [b.name for b in criteria_set.bands.order_by("-min_index")]
        items = [(name, Decimal(counts.get(name, 0))) for name in bands]
        chart = svg_bars(items, maximum=max([Decimal("1")] + [v for _n, v in items]))
        chart_title = gettext("Số cơ quan theo xếp loại")
    area_avg = []
    if ranked:
        for code, name in order:
            values = [c.percent for r in ranked for c in r["areas"] if c.code == code]
            if values:
                area_avg.append((f"{code}. {name}", sum(values) / len(values)))
    return {
        "criteria_set": criteria_set,
        "title": gettext("Phụ lục"),
        "appendix_title": _title(criteria_set),
        "decision": criteria_set.publication_ref,
        "areas": order,
        "table": table,
        "chart": chart,
        "chart_title": chart_title,
        "area_chart": svg_bars(area_avg, maximum=Decimal("100"), unit="%") if area_avg else None,
        "page_size": "A4 landscape",
        "is_published": criteria_set.is_published,
    }


@register
class RankingPdf(_RankingReport):
    kind = "scoring.ranking.pdf"
    label = _("Kết quả xếp hạng chỉ số CCHC (PDF)")
    description = _("Phụ lục quyết định công bố: bảng xếp hạng, biểu đồ, trang từng cơ quan.")
    file_extension = "pdf"

    def build(self, *, params: dict, out, progress, user) -> str:
        criteria_set = _set_from(params)
        context = pdf_context(criteria_set, user, progress)
        progress(30)
        render_pdf_in_parts("pdf/scoring/ranking.html", _pdf_parts(context, progress), out)
        progress(100)
        return _filename(criteria_set, "pdf")


def _pdf_parts(context: dict, progress):
    """The contexts of the PDF's parts: the summary (header, table, charts), then the agency
    pages PDF_AGENCIES_PER_PART at a time (reports.pdf.render_pdf_in_parts keeps only one
    part's layout in memory)."""
    table = context["table"]
    yield {**context, "summary": True, "agencies": []}
    for start in range(0, len(table), PDF_AGENCIES_PER_PART):
        progress(30 + 65 * start // len(table))
        yield {
            **context,
            "summary": False,
            "agencies": table[start : start + PDF_AGENCIES_PER_PART],
        }


# ----------------------------------------------------------------------------- XLSX
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _header(sheet, headers):
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        cells.append(cell)
    sheet.append(cells)


def _title_row(sheet, text):
    cell = WriteOnlyCell(sheet, value=str(text))
    cell.font = Font(bold=True, size=13)
    sheet.append([cell])
    sheet.append([])


def _num(value):
    return None if value is None else Decimal(value)


def _sheet_name(code: str, name: str, used: set) -> str:
    base = f"{code}. {name}"
    for ch in "[]:*?/\\":
        base = base.replace(ch, " ")
    base = base[:31]
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base[:28]}~{n}"
        n += 1
    used.add(candidate)
    return candidate


def leaf_rows(assessment_ids: list[int], area_leaf_ids: list[int]):
    """Rows (assessment id, code, name, max, self, auto, appraised) of one area, in the order of
    `assessment_ids` then of `area_leaf_ids`. One query per area, streamed from the database;
    only the area's compact tuples are held to reorder them (at 1,000 agencies ≈ 15,000)."""
    # the leaves belong to one set, so this selects that set's scores; the requester's
    # visible assessments are kept in Python (no 1,000-item IN list)
    qs = Score.objects.filter(criterion_id__in=area_leaf_ids).values_list(
        "assessment_id",
        "criterion_id",
        "self_points",
        "auto_points",
        "appraised_points",
    )
    wanted = set(assessment_ids)
    buffer: dict[int, dict[int, tuple]] = defaultdict(dict)
    for aid, cid, self_p, auto_p, appr_p in qs.iterator(chunk_size=5000):
        if aid in wanted:
            buffer[aid][cid] = (self_p, auto_p, appr_p)
    for aid in assessment_ids:
        scores = buffer.pop(aid, {})
        for cid in area_leaf_ids:
            if cid in scores:
                yield (aid, cid, *scores[cid])


@register
class RankingXlsx(_RankingReport):
    kind = "scoring.ranking.xlsx"
    label = _("Kết quả xếp hạng chỉ số CCHC (Excel)")
    description = _("Bảng tổng hợp và một trang tính cho mỗi lĩnh vực, chi tiết từng tiêu chí.")
    file_extension = "xlsx"

    def build(self, *, params: dict, out, progress, user) -> str:
        criteria_set = _set_from(params)
        rows = ranked_rows(criteria_set, user)
        roots = tree.load(criteria_set)
        order = [(r.criterion.code, r.criterion.name) for r in roots]
        codes = [code for code, _n in order]
        wb = Workbook(write_only=True)

        summary = wb.create_sheet(title=gettext("Tổng hợp"))
        summary.freeze_panes = "C4"
        _title_row(summary, _title(criteria_set))
        _header(
            summary,
            [
                gettext("Xếp hạng"),
                gettext("Cơ quan"),
                gettext("Mã định danh"),
                gettext("Trạng thái"),
                gettext("Điểm tự đánh giá"),
                gettext("Tổng điểm đạt được"),
                gettext("Điểm tối đa"),
                gettext("Chỉ số (%)"),
                gettext("Xếp loại"),
                gettext("Xếp hạng năm trước"),
                gettext("Thay đổi"),
            ]
            + [f"{code}. {name}" for code, name in order],
        )
        for a in rows:
            areas = {c.code: c for c in ranking.areas_of(a, codes)}
            summary.append(
                [
                    a.rank,
                    a.agency.name,
                    a.agency.electronic_id,
                    str(a.get_status_display()),
                    _num(a.self_total),
                    _num(a.final_total),
                    _num(a.max_total),
                    _num(a.index_pct),
                    a.band.name if a.band else "",
                    a.previous_rank,
                    ranking.change(a),
                ]
                + [areas[c].final if c in areas else None for c in codes]
            )
        progress(5)

        names = {a.pk: a.agency.name for a in rows}
        assessment_ids = [a.pk for a in rows]
        used: set = {gettext("Tổng hợp")}
        headers = [
            gettext("Cơ quan"),
            gettext("Mã tiêu chí"),
            gettext("Tiêu chí"),
            gettext("Điểm tối đa"),
            gettext("Điểm tự đánh giá"),
            gettext("Điểm tự động"),
            gettext("Điểm thẩm định"),
            gettext("Điểm cuối cùng"),
        ]
        for index, root in enumerate(roots, start=1):
            sheet = wb.create_sheet(
                title=_sheet_name(root.criterion.code, root.criterion.name, used)
            )
            sheet.freeze_panes = "C4"
            _title_row(sheet, f"{root.criterion.code}. {root.criterion.name}")
            _header(sheet, headers)
            info = {n.criterion.pk: n.criterion for n in tree.leaves([root])}
            if assessment_ids and info:
                for aid, cid, self_p, auto_p, appr_p in leaf_rows(assessment_ids, list(info)):
                    c = info[cid]
                    final = (
                        appr_p if appr_p is not None else auto_p if auto_p is not None else self_p
                    )
                    sheet.append(
                        [names[aid], c.code, c.name, c.max_points, self_p, auto_p, appr_p, final]
                    )
            progress(5 + int(90 * index / max(len(roots), 1)))
        wb.save(out)
        progress(100)
        return _filename(criteria_set, "xlsx")
