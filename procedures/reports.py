"""Excel export of the catalogue through the report engine (reports.registry)."""

import datetime

from django.utils.translation import gettext_lazy as _

from reports.registry import ReportBuilder, register

from . import exporter, selectors


@register
class CatalogueWorkbook(ReportBuilder):
    kind = "procedures.catalogue.xlsx"
    label = _("Danh mục thủ tục hành chính (Excel)")
    description = _("Cùng định dạng với tệp nhập; có thể sửa rồi nhập lại.")
    file_extension = "xlsx"

    def has_permission(self, user, params: dict) -> bool:
        # The catalogue is public information; an account is needed only to own the job.
        return bool(getattr(user, "is_authenticated", False))

    def build(self, *, params: dict, out, progress, user) -> str:
        day, _ok = selectors.parse_day(params.get("ngay"))
        versions = selectors.export_versions(day=day, params=params)
        total = versions.count()
        exporter.write_catalogue(
            out, versions.iterator(chunk_size=200), total=total, progress=progress
        )
        progress(100)
        return f"danh-muc-tthc-{day:%Y%m%d}-{datetime.datetime.now():%H%M%S}.xlsx"
