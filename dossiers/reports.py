"""Report builders of the dossiers app (autodiscovered by reports.apps).

Mẫu 06 — Sổ theo dõi hồ sơ: the dossiers a receiving unit received in a date range.
"""

import datetime

from django.db.models import OuterRef, Subquery
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
    """Dossiers received by `unit` between the two dates (inclusive, local dates), as tuples of
    REGISTER_FIELDS: only the register's columns, the two hand-off times computed by the
    database (one indexed look-up per dossier instead of loading its events)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    handoffs = DossierEvent.objects.filter(
        dossier=OuterRef("pk"), kind=DossierEvent.Kind.HANDOFF
    ).values("at")
    return (
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)
        .annotate(
            # first hand-off out of the unit to the competent agency
            sent_at=Subquery(handoffs.filter(from_unit=unit).order_by("at", "pk")[:1]),
            # last hand-off back to the unit from elsewhere (the result)
            back_at=Subquery(
                handoffs.filter(to_unit=unit).exclude(from_unit=unit).order_by("-at", "-pk")[:1]
            ),
        )
        .order_by("received_at", "code")
        .values_list(*REGISTER_FIELDS)
    )


REGISTER_FIELDS = (
    "code",
    "procedure_version__name",
    "copies",
    "owner_name",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "competent_agency__name",
    "received_at",
    "due_at",
    "sent_at",
    "back_at",
    "finished_at",
    "returned_at",
    "resolved_on_spot",
    "status",
    "outcome",
)


def _note_labels():
    """(status → label, outcome → label) for the Ghi chú column, translated once per export."""
    statuses = {value: str(label) for value, label in Status.choices}
    outcomes = {
        value: str(label)
        for value, label in Dossier._meta.get_field("outcome").flatchoices
        if value
    }
    return statuses, outcomes


def register_rows(queryset):
    """Rows of the Mẫu 06 register from register_queryset(), streamed from the database."""
    on_spot = gettext("Giải quyết ngay")
    statuses, outcomes = _note_labels()
    returned = Status.RETURNED
    for number, (
        code,
        procedure,
        copies,
        owner_name,
        applicant_name,
        address,
        phone,
        agency,
        received_at,
        due_at,
        sent_at,
        back_at,
        finished_at,
        returned_at,
        resolved_on_spot,
        status,
        outcome,
    ) in enumerate(queryset.iterator(chunk_size=2000), start=1):
        if resolved_on_spot:
            note = on_spot
        elif status == returned:
            note = outcomes.get(outcome, outcome) if outcome else None
        else:
            note = statuses.get(status)
        yield (
            number,
            code,
            procedure,
            copies,
            owner_name or applicant_name,
            f"{address}, {phone}" if address and phone else (address or phone),
            agency,
            received_at,
            due_at,
            sent_at,
            back_at or (finished_at if resolved_on_spot else None),
            returned_at,
            None,  # Ký nhận: signed on paper
            note,
        )


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
