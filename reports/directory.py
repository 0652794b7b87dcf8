"""The agency directory report (XLSX and PDF).

It lives in `reports` rather than in `agencies` because it checks staff roles (accounts), and
`agencies` sits below `accounts` in the dependency order (DESIGN.md §3).
"""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from agencies.models import Agency
from reports.pdf import render_pdf
from reports.registry import ReportBuilder, ReportError, register
from reports.xlsx import write_table


class DirectoryParamsForm(forms.Form):
    ngay = forms.DateField(
        label=_("Cơ quan còn hiệu lực vào ngày"),
        required=False,
        help_text=_("Để trống để liệt kê mọi cơ quan, kể cả cơ quan đã hết hiệu lực."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _headers() -> list[str]:
    return [
        gettext("STT"),
        gettext("Tên cơ quan"),
        gettext("Cấp"),
        gettext("Loại"),
        gettext("Mã định danh"),
        gettext("Mã ĐVHC"),
        gettext("Cơ quan cấp trên"),
        gettext("Hiệu lực từ"),
        gettext("Hiệu lực đến"),
    ]


def _on_date(params: dict) -> datetime.date | None:
    value = (params or {}).get("ngay")
    if not value:
        return None
    try:
        day = parse_date(str(value))
    except ValueError:
        day = None
    if day is None:
        raise ReportError(gettext("Ngày không hợp lệ: %(value)s") % {"value": value})
    return day


def _queryset(day: datetime.date | None):
    qs = Agency.objects.select_related("parent").order_by("display_order", "name", "pk")
    if day is not None:
        qs = qs.active_on(day)
    return qs


def _rows(day: datetime.date | None):
    level_labels = dict(Agency.Level.choices)
    kind_labels = dict(Agency.Kind.choices)
    for number, agency in enumerate(_queryset(day).iterator(chunk_size=2000), start=1):
        yield [
            number,
            agency.name,
            str(level_labels.get(agency.level, agency.level)),
            str(kind_labels.get(agency.kind, agency.kind)),
            agency.electronic_id,
            agency.admin_unit_code,
            agency.parent.name if agency.parent_id else "",
            agency.valid_from,
            agency.valid_to,
        ]


def _title() -> str:
    return gettext("Danh bạ cơ quan, đơn vị")


def _subtitle(day: datetime.date | None) -> str:
    if day is None:
        return gettext("Tất cả cơ quan, kể cả cơ quan đã hết hiệu lực")
    return gettext("Các cơ quan có hiệu lực vào ngày %(day)s") % {"day": day.strftime("%d/%m/%Y")}


def _filename(day: datetime.date | None, extension: str) -> str:
    stamp = (day or timezone.localdate()).isoformat()
    return f"danh-ba-co-quan-{stamp}.{extension}"


class _DirectoryBase(ReportBuilder):
    params_form = DirectoryParamsForm
    description = _("Danh sách cơ quan, đơn vị với cấp, loại, mã định danh và thời gian hiệu lực.")

    def has_permission(self, user, params: dict) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return bool(user.is_superuser or roles_of(user))


@register
class AgencyDirectoryXlsx(_DirectoryBase):
    kind = "agencies.directory.xlsx"
    label = _("Danh bạ cơ quan (Excel)")
    file_extension = "xlsx"

    def build(self, *, params: dict, out, progress, user) -> str:
        day = _on_date(params)
        total = _queryset(day).count()
        progress(1)
        write_table(
            out,
            title=_title(),
            subtitle=_subtitle(day),
            headers=_headers(),
            rows=_rows(day),
            column_formats=["int", None, None, None, "text", "text", None, "date", "date"],
            column_widths=[6, 48, 14, 26, 18, 10, 40, 12, 12],
            sheet_name=gettext("Danh bạ cơ quan"),
            progress=progress,
            total=total,
        )
        return _filename(day, self.file_extension)


@register
class AgencyDirectoryPdf(_DirectoryBase):
    kind = "agencies.directory.pdf"
    label = _("Danh bạ cơ quan (PDF)")
    file_extension = "pdf"

    def build(self, *, params: dict, out, progress, user) -> str:
        day = _on_date(params)
        rows = list(_rows(day))
        progress(30)
        render_pdf(
            "pdf/agencies_directory.html",
            {
                "title": _title(),
                "subtitle": _subtitle(day),
                "headers": _headers(),
                "rows": rows,
                "unit_name": settings.PORTAL_OWNER,
                "page_size": "A4 landscape",
            },
            out,
        )
        return _filename(day, self.file_extension)
