from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or the SQLite backup API) and the uploaded files "
        "into a folder with a manifest of SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="an empty or new folder (default: var/backups/<date-time>)",
        )

    def handle(self, *args, output=None, **options):
        if not output:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "var" / "backups" / stamp
        try:
            manifest = backup.create_backup(Path(output))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {output}: database ({manifest['database']['vendor']}), "
                f"{manifest['media']['count']} uploaded file(s)."
            )
        )
