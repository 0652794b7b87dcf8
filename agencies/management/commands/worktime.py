"""`manage.py worktime due|days` — the working-time calculator for administrators and scripts.

    worktime due --start "2026-02-13 16:30" --amount 5 --unit working_days [--agency 000.10.00.H13]
        prints only the due moment, ISO 8601 with offset (2026-02-27T16:30:00+07:00)
    worktime days --year 2026 [--agency ...]
        lists the year's holidays, days off and make-up working days with their source

Bad input prints one Vietnamese line on stderr and exits with code 2.
"""

import datetime
import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies import worktime
from agencies.models import Agency

INPUT_ERROR = 2
START_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
WEEKDAYS = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)


def _fail(message) -> CommandError:
    return CommandError(message, returncode=INPUT_ERROR)


def parse_start(value: str) -> datetime.datetime:
    for fmt in START_FORMATS:
        try:
            naive = datetime.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=worktime.tz())
    raise _fail(
        _("Thời điểm bắt đầu không hợp lệ: “%(value)s” (định dạng YYYY-MM-DD HH:MM).")
        % {"value": value}
    )


def parse_amount(value: str, unit: str) -> Decimal:
    try:
        amount = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        amount = None
    if amount is None or not amount.is_finite():
        raise _fail(_("Số lượng không hợp lệ: “%(value)s” (phải là một số).") % {"value": value})
    if amount < 0:
        raise _fail(_("Số lượng không được âm: “%(value)s”.") % {"value": value})
    if unit == worktime.CALENDAR_DAYS and amount != amount.to_integral_value():
        raise _fail(_("Số ngày theo lịch phải là số nguyên: “%(value)s”.") % {"value": value})
    return amount


def parse_unit(value: str) -> str:
    if value not in worktime.UNITS:
        raise _fail(
            _("Đơn vị không hợp lệ: “%(value)s” (chọn một trong: %(units)s).")
            % {"value": value, "units": ", ".join(worktime.UNITS)}
        )
    return value


def find_agency(electronic_id: str | None) -> Agency | None:
    if not electronic_id:
        return None
    agency = Agency.objects.filter(electronic_id=electronic_id.strip()).first()
    if agency is None:
        raise _fail(
            _("Không tìm thấy cơ quan có mã định danh “%(value)s”.") % {"value": electronic_id}
        )
    return agency


class Command(BaseCommand):
    help = _("Tính thời hạn theo ngày làm việc / giờ làm việc / ngày theo lịch.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help=_("In ra thời điểm đến hạn (ISO 8601)."))
        due.add_argument("--start", required=True, help="YYYY-MM-DD HH:MM")
        due.add_argument("--amount", required=True)
        due.add_argument("--unit", required=True, help=", ".join(worktime.UNITS))
        due.add_argument("--agency", default=None, help=_("Mã định danh điện tử của cơ quan."))
        days = sub.add_parser("days", help=_("Liệt kê ngày nghỉ và ngày làm bù trong năm."))
        days.add_argument("--year", required=True)
        days.add_argument("--agency", default=None, help=_("Mã định danh điện tử của cơ quan."))

    def execute(self, *args, **options):
        # From the shell, print the Vietnamese message alone (no "CommandError:" prefix).
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args, **options):
        if options["action"] == "due":
            self.handle_due(options)
        else:
            self.handle_days(options)

    def handle_due(self, options):
        unit = parse_unit(options["unit"])
        start = parse_start(options["start"])
        amount = parse_amount(options["amount"], unit)
        agency = find_agency(options["agency"])
        due = worktime.due_at(start, amount, unit, agency=agency)
        self.stdout.write(due.isoformat())

    def handle_days(self, options):
        try:
            year = int(options["year"])
        except (TypeError, ValueError):
            year = 0
        if not 1900 <= year <= 2200:
            raise _fail(_("Năm không hợp lệ: “%(value)s”.") % {"value": options["year"]})
        agency = find_agency(options["agency"])
        calendar = worktime.WorkCalendar(agency)
        source_labels = {
            worktime.SOURCE_LIBRARY: _("thư viện holidays"),
            worktime.SOURCE_EXCEPTION: _("ngoại lệ"),
        }
        for info in calendar.non_working_days(year):
            status = _("Làm việc") if info.is_working else _("Nghỉ")
            source = source_labels[info.source]
            if info.decision:
                source = f"{source}: {info.decision}"
            self.stdout.write(
                f"{info.date:%d/%m/%Y}\t{WEEKDAYS[info.date.weekday()]}\t{status}\t"
                f"{info.name}\t({source})"
            )
