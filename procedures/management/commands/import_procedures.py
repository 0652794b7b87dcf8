"""python manage.py import_procedures FILE.xlsx [--decision N] [--decision-date D] [--dry-run]
[--skip-invalid] [--user EMAIL] — ends with `new=N amended=N unchanged=N abolished=N invalid=N`."""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from procedures import importer, services


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính từ tệp Excel (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--decision", default="", help="Số quyết định công bố, ví dụ 1234/QĐ-UBND"
        )
        parser.add_argument("--decision-date", default="", help="Ngày hiệu lực, YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--skip-invalid", action="store_true")
        parser.add_argument("--user", default="", help="Thư điện tử của người thực hiện (lịch sử)")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}", returncode=1)
        decision_date = None
        if opts["decision_date"]:
            try:
                decision_date = datetime.date.fromisoformat(opts["decision_date"])
            except ValueError as exc:
                raise CommandError("--decision-date phải có dạng YYYY-MM-DD", returncode=1) from exc
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(email__iexact=opts["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng {opts['user']}", returncode=1)
        max_bytes = getattr(settings, "PROCEDURES_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
        try:
            with path.open("rb") as fh:
                importer.check_upload(
                    fh, name=path.name, size=path.stat().st_size, max_bytes=max_bytes
                )
                parsed = importer.read_workbook(fh)
        except importer.ImportFileError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        try:
            plan = services.apply_import(
                parsed=parsed,
                user=user,
                decision_number=opts["decision"],
                decision_date=decision_date,
                skip_invalid=opts["skip_invalid"],
                dry_run=opts["dry_run"],
                reason=f"import_procedures {path.name}",
            )
            rejected = None
        except services.ImportRejected as exc:
            plan, rejected = exc.plan, exc
        for error in plan.errors:
            self.stderr.write(str(error))
        self.stdout.write(plan.summary_line)
        if rejected is not None:
            raise CommandError(str(rejected), returncode=1)
