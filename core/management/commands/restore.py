from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import backup, generations


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: checks every checksum first, then "
        "replaces the database and the uploaded files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", dest="source", required=True, help="the backup folder")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: the current data is replaced"
        )

    def handle(self, *args, source, yes=False, **options):
        source = Path(source)
        try:
            manifest = backup.verify_backup(source)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup of {manifest['created_at']} verified ({len(manifest['files'])} file(s), "
            f"checksums OK)."
        )
        if not yes:
            name = connection.settings_dict["NAME"]
            answer = _ask(
                f"This REPLACES database {name} and the uploaded files. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            backup.restore_backup(source)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        # what running processes built from the old data (catalogue fragments, the working
        # calendar) must not outlive it
        generations.replace_all()
        self.stdout.write(self.style.SUCCESS(f"Restored from {source}."))


def _ask(message: str) -> str:
    try:
        return input(message)
    except EOFError:  # no terminal: never restore without a "yes"
        return ""
