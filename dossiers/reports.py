"""Report builders of the dossiers app (autodiscovered by reports.apps).

Mẫu 06 — Sổ theo dõi hồ sơ: the dossiers a receiving unit received in a date range.
"""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.permissions import PROVINCE_WIDE_ROLES, has_role, roles_of
from agencies.models import Agency
from reports.registry import ReportBuilder, ReportError, register
from reports.xlsx import write_table

from .forms.staff import RegisterExportForm
from .models import Dossier, DossierEvent, Status


def register_headers() -> list[str]:
    return [
        gettext("STT"),
        gettext("Mã hồ sơ"),
        gettext("Tên thủ tục hành chính"),
        gettext("Số lượng hồ sơ (bộ)"),
        gettext("Tên cá nhân, tổ chức"),
        gettext("Địa chỉ, số điện thoại"),
        gettext("Cơ quan chủ trì giải quyết"),
        gettext("Ngày nhận hồ sơ"),
        gettext("Ngày hẹn trả kết quả"),
        gettext("Ngày chuyển hồ sơ đến cơ quan giải quyết"),
        gettext("Ngày nhận kết quả từ cơ quan giải quyết"),
        gettext("Ngày trả kết quả cho cá nhân, tổ chức"),
        gettext("Ký nhận"),
        gettext("Ghi chú"),
    ]


REGISTER_FORMATS = [
    "int", "text", None, "int", None, None, None,
    "datetime", "datetime", "datetime", "datetime", "datetime", None, None,
]  # fmt: skip


def _day(value, name: str) -> datetime.date:
    day = parse_date(str(value or "")) if value else None
    if day is None:
        raise ReportError(gettext("Ngày không hợp lệ: %(value)s") % {"value": value or name})
    return day


def register_queryset(*, unit: Agency, date_from: datetime.date, date_to: datetime.date):
    """Dossiers received by `unit` between the two dates (inclusive, local dates)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    handoffs = (
        DossierEvent.objects.filter(kind=DossierEvent.Kind.HANDOFF)
        .only("dossier_id", "at", "from_unit_id", "to_unit_id")
        .order_by("at", "pk")
    )
    return (
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version", "competent_agency")
        # only the register's columns: a version row carries long texts and the import JSON
        .only(*REGISTER_FIELDS)
        .prefetch_related(Prefetch("events", queryset=handoffs, to_attr="handoffs"))
        .order_by("received_at", "code")
    )


REGISTER_FIELDS = (
    "code",
    "copies",
    "owner_name",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "receiving_unit_id",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "resolved_on_spot",
    "status",
    "outcome",
    "procedure_version__name",
    "competent_agency__name",
)


def _note(dossier: Dossier) -> str:
    if dossier.resolved_on_spot:
        return gettext("Giải quyết ngay")
    if dossier.status == Status.RETURNED:
        return dossier.get_outcome_display() if dossier.outcome else ""
    return Status(dossier.status).label


def register_rows(queryset):
    for number, dossier in enumerate(queryset.iterator(chunk_size=1000), start=1):
        unit_id = dossier.receiving_unit_id
        sent = next((e.at for e in dossier.handoffs if e.from_unit_id == unit_id), None)
        back = next(
            (
                e.at
                for e in reversed(dossier.handoffs)
                if e.to_unit_id == unit_id and e.from_unit_id != unit_id
            ),
            None,
        )
        contact = ", ".join(p for p in (dossier.applicant_address, dossier.applicant_phone) if p)
        yield [
            number,
            dossier.code,
            dossier.procedure_version.name,
            dossier.copies,
            dossier.owner_name or dossier.applicant_name,
            contact,
            dossier.competent_agency.name,
            dossier.received_at,
            dossier.due_at,
            sent,
            back or (dossier.finished_at if dossier.resolved_on_spot else None),
            dossier.returned_at,
            "",
            _note(dossier),
        ]


@register
class DossierRegisterXlsx(ReportBuilder):
    kind = "dossiers.register.xlsx"
    label = _("Sổ theo dõi hồ sơ (Mẫu 06, Excel)")
    description = _("Các hồ sơ một bộ phận tiếp nhận đã nhận trong khoảng thời gian đã chọn.")
    file_extension = "xlsx"
    params_form = RegisterExportForm

    def has_permission(self, user, params: dict) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser or has_role(user, *PROVINCE_WIDE_ROLES):
            return True
        unit = Agency.objects.filter(pk=(params or {}).get("unit") or 0).first()
        return unit is not None and bool(roles_of(user, unit))

    def build(self, *, params: dict, out, progress, user) -> str:
        unit = Agency.objects.filter(pk=params.get("unit") or 0).first()
        if unit is None:
            raise ReportError(gettext("Không tìm thấy bộ phận tiếp nhận."))
        date_from = _day(params.get("date_from"), "date_from")
        date_to = _day(params.get("date_to"), "date_to")
        queryset = register_queryset(unit=unit, date_from=date_from, date_to=date_to)
        total = queryset.count()
        progress(1)
        write_table(
            out,
            title=gettext("SỔ THEO DÕI HỒ SƠ"),
            subtitle=gettext("%(unit)s — từ ngày %(start)s đến ngày %(end)s")
            % {
                "unit": unit.name,
                "start": date_from.strftime("%d/%m/%Y"),
                "end": date_to.strftime("%d/%m/%Y"),
            },
            headers=register_headers(),
            rows=register_rows(queryset),
            column_formats=REGISTER_FORMATS,
            sheet_name=gettext("Sổ theo dõi hồ sơ"),
            progress=progress,
            total=total,
        )
        electronic = (unit.electronic_id or str(unit.pk)).replace(".", "-")
        return f"so-theo-doi-ho-so-{electronic}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
