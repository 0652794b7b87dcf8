"""Fill a dedicated PostgreSQL database with provincial-scale benchmark data (issue 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench \\
        python manage.py bench_data --dossiers 1000000 --procedures 5000 --agencies 1000 \\
        --responses 100000 --seed 1

Refuses a database that holds other data: it must be empty, or made by bench_data before
(the `bench_marker` table). The generator itself lives in bench/datagen.py.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Benchmark data at provincial scale (PostgreSQL only; empty or bench database only)."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=1_000_000)
        parser.add_argument("--procedures", type=int, default=5000)
        parser.add_argument("--agencies", type=int, default=1000)
        parser.add_argument("--responses", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **opts):
        from bench import datagen

        try:
            state = datagen.check_database()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"database: {state}; migrating")
        call_command("migrate", verbosity=0, interactive=False)
        datagen.mark_and_wipe(self.stdout)
        datagen.Generator(
            dossiers=opts["dossiers"],
            procedures=opts["procedures"],
            agencies=opts["agencies"],
            responses=opts["responses"],
            seed=opts["seed"],
            stdout=self.stdout,
        ).run()
