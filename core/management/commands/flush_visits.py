from django.core.management.base import BaseCommand

from core import services


class Command(BaseCommand):
    help = "Fold the cached visit counters into the database (the beat task does it every 5 min)."

    def handle(self, *args, **options):
        moved = services.flush_visit_counters()
        self.stdout.write(f"{moved} visit(s) flushed.")
