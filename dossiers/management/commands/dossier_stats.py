"""`manage.py dossier_stats --agency 000.11.00.H13 --from 2025-12-15 --to 2026-03-14 [--no-children]`

Prints the figures of dossiers.statistics.compute as JSON (UTF-8, not ASCII-escaped, keys in a
stable order: the query first, then the figures in the order of statistics.FIGURES, then the
two rates in percent). Bad input prints one Vietnamese line on stderr and exits with code 2.
"""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agencies.models import Agency
from dossiers import statistics

INPUT_ERROR = 2


def _fail(message) -> CommandError:
    return CommandError(message, returncode=INPUT_ERROR)


def parse_day(value: str | None, label: str) -> datetime.date:
    if not value:
        raise _fail(_("Thiếu %(label)s (định dạng YYYY-MM-DD).") % {"label": label})
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise _fail(
            _("%(label)s không hợp lệ: “%(value)s” (định dạng YYYY-MM-DD).")
            % {"label": label, "value": value}
        ) from None


def find_agency(electronic_id: str | None) -> Agency:
    if not electronic_id or not electronic_id.strip():
        raise _fail(_("Thiếu mã định danh điện tử của cơ quan (--agency)."))
    agency = Agency.objects.filter(electronic_id__iexact=electronic_id.strip()).first()
    if agency is None:
        raise _fail(
            _("Không tìm thấy cơ quan có mã định danh “%(code)s”.") % {"code": electronic_id}
        )
    return agency


class Command(BaseCommand):
    help = _("In số liệu thống kê hồ sơ của một cơ quan trong một khoảng ngày (JSON).")

    def add_arguments(self, parser):
        # Not `required=True`: argparse would answer in English; we check and say it ourselves.
        parser.add_argument("--agency", help=_("Mã định danh điện tử của cơ quan."))
        parser.add_argument("--from", dest="date_from", help=_("Từ ngày (YYYY-MM-DD)."))
        parser.add_argument("--to", dest="date_to", help=_("Đến ngày (YYYY-MM-DD)."))
        parser.add_argument(
            "--no-children",
            action="store_true",
            help=_("Chỉ tính hồ sơ của chính cơ quan, không gồm các đơn vị trực thuộc."),
        )

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
        date_from = parse_day(options.get("date_from"), _("ngày bắt đầu (--from)"))
        date_to = parse_day(options.get("date_to"), _("ngày kết thúc (--to)"))
        if date_to < date_from:
            raise _fail(_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        agency = find_agency(options.get("agency"))
        include_children = not options.get("no_children")
        stats = statistics.compute(
            agency=agency, date_from=date_from, date_to=date_to, include_children=include_children
        )
        payload = {
            "agency": agency.electronic_id,
            "agency_name": agency.name,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "include_children": include_children,
            **stats.as_dict(),
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
