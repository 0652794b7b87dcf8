"""XLSX export of the dossier statistics (06a-style table) through the report engine.

Imported by DossiersConfig.ready() (dossiers/reports.py belongs to the desk console part).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from agencies.models import Agency
from reports.registry import ReportBuilder, ReportError, register
from reports.xlsx import write_table

from . import statistics
from .forms.stats import ExportParamsForm

KIND = "dossiers.statistics.xlsx"

# (figure, column header) in the order of form 06a, then the other figures
COLUMNS = [
    ("to_handle", _("Tổng số hồ sơ nhận giải quyết")),
    ("received_online", _("Nhận trong kỳ: trực tuyến")),
    ("received_in_person", _("Nhận trong kỳ: trực tiếp")),
    ("received_post", _("Nhận trong kỳ: bưu chính")),
    ("carried_over", _("Từ kỳ trước chuyển sang")),
    ("resolved", _("Đã giải quyết: tổng số")),
    ("resolved_early", _("Đã giải quyết: trước hạn")),
    ("resolved_on_time", _("Đã giải quyết: đúng hạn")),
    ("resolved_late", _("Đã giải quyết: quá hạn")),
    ("in_progress", _("Đang giải quyết: tổng số")),
    ("in_progress_within", _("Đang giải quyết: trong hạn")),
    ("in_progress_overdue", _("Đang giải quyết: quá hạn")),
    ("waiting_supplement", _("Chờ bổ sung")),
    ("stopped", _("Dừng xử lý")),
    ("withdrawn", _("Rút hồ sơ")),
    ("refused", _("Từ chối tiếp nhận")),
    ("resolved_on_spot", _("Giải quyết ngay")),
    ("returned", _("Đã trả kết quả")),
]


def _row(number, name: str, stats: statistics.Stats) -> list:
    return [
        number,
        name,
        *(getattr(stats, figure) for figure, _label in COLUMNS),
        stats.on_time_rate,
        stats.online_rate,
    ]


@register
class DossierStatisticsXlsx(ReportBuilder):
    kind = KIND
    label = _("Thống kê tình hình giải quyết hồ sơ (Excel)")
    description = _(
        "Số hồ sơ tiếp nhận, đã giải quyết (trước hạn, đúng hạn, quá hạn), đang giải quyết của "
        "một cơ quan và các đơn vị trực thuộc trong khoảng ngày đã chọn (mẫu 06a)."
    )
    file_extension = "xlsx"
    params_form = ExportParamsForm

    def has_permission(self, user, params: dict) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if not (user.is_superuser or roles_of(user)):
            return False
        agency_id = (params or {}).get("agency")
        if agency_id in (None, ""):
            return True  # the catalogue asks with empty parameters
        visible = statistics.visible_agency_ids(user)
        try:
            return visible is None or int(agency_id) in visible
        except (TypeError, ValueError):
            return False

    def build(self, *, params: dict, out, progress, user) -> str:
        form = ExportParamsForm(data=params)
        if not form.is_valid():
            raise ReportError(gettext("Tham số báo cáo không hợp lệ."))
        agency: Agency = form.cleaned_data["agency"]
        period = form.period
        include_children = form.cleaned_data["children"]
        progress(5)
        result = statistics.report(
            agency=agency,
            date_from=period.date_from,
            date_to=period.date_to,
            include_children=include_children,
            top_procedures=0,
            with_months=False,
        )
        progress(60)
        rows = []
        for number, row in enumerate(result.rows, start=1):
            name = row.agency.name
            if row.agency.pk == agency.pk and include_children and len(result.rows) > 1:
                name = gettext("%(name)s (trực tiếp giải quyết)") % {"name": name}
            rows.append(_row(number, name, row.stats))
        rows.append(_row(None, gettext("Tổng cộng"), result.total))
        scope = (
            gettext("gồm các đơn vị trực thuộc")
            if include_children
            else gettext("chỉ riêng cơ quan này")
        )
        write_table(
            out,
            title=gettext("Tình hình giải quyết hồ sơ thủ tục hành chính"),
            subtitle=gettext("%(agency)s (%(scope)s) — kỳ số liệu từ %(start)s đến %(end)s")
            % {
                "agency": agency.name,
                "scope": scope,
                "start": period.date_from.strftime("%d/%m/%Y"),
                "end": period.date_to.strftime("%d/%m/%Y"),
            },
            headers=[
                gettext("STT"),
                gettext("Cơ quan, đơn vị"),
                *(str(label) for _figure, label in COLUMNS),
                gettext("Tỷ lệ đúng hạn (%)"),
                gettext("Tỷ lệ trực tuyến (%)"),
            ],
            rows=rows,
            column_formats=["int", None, *(["int"] * len(COLUMNS)), "decimal", "decimal"],
            column_widths=[6, 48, *([12] * len(COLUMNS)), 12, 12],
            sheet_name=gettext("Thống kê hồ sơ"),
        )
        progress(95)
        code = agency.electronic_id or str(agency.pk)
        return f"thong-ke-ho-so-{code}-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.xlsx"
