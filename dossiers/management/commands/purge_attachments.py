"""Delete the attachment files of dossiers returned more than N days ago.

    python manage.py purge_attachments --returned-before-days 1825 [--dry-run]

The dossier record, its timeline and the attachment rows stay (rows are marked `purged_at`);
each dossier gets one internal event. Default N: settings.DOSSIER_ATTACHMENT_RETENTION_DAYS.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dossiers import services
from dossiers.models import DossierAttachment


class Command(BaseCommand):
    help = "Xóa tệp đính kèm của hồ sơ đã trả kết quả quá thời hạn lưu trữ (giữ lại hồ sơ)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--returned-before-days",
            type=int,
            default=None,
            help="Số ngày kể từ khi trả kết quả (mặc định DOSSIER_ATTACHMENT_RETENTION_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không xóa.")

    def handle(self, *args, **options):
        days = options["returned_before_days"]
        if days is None:
            days = settings.DOSSIER_ATTACHMENT_RETENTION_DAYS
        if days < 1:
            raise CommandError("--returned-before-days phải là số nguyên dương.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        dossiers = list(services.purgeable_dossiers(returned_before=cutoff))
        files = 0
        for dossier in dossiers:
            if options["dry_run"]:
                count = (
                    DossierAttachment.objects.filter(dossier=dossier, purged_at__isnull=True)
                    .exclude(file="")
                    .count()
                )
            else:
                count = services.purge_attachments(dossier=dossier, retention_days=days)
            files += count
            self.stdout.write(f"{dossier.code}: {count}")
        verb = "Sẽ xóa" if options["dry_run"] else "Đã xóa"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {files} tệp của {len(dossiers)} hồ sơ (trả trước {days} ngày)."
            )
        )
