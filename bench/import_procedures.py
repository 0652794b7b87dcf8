"""Import speed of the procedure catalogue: a generated 5,000-row workbook, imported into a
fresh test database (SQLite in memory, or PostgreSQL when DATABASE_URL is set), then re-imported
unchanged. Prints rows per second for both passes.

    .venv/bin/python bench/import_procedures.py [--rows 5000]
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from tests.procedures.helpers import generated_rows, make_xlsx

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big.xlsx"
            path.write_bytes(make_xlsx(generated_rows(args.rows)))
            for label, decision_date in (
                ("first import", "2026-01-01"),
                ("re-import", "2026-02-01"),
            ):
                out = io.StringIO()
                start = time.perf_counter()
                call_command(
                    "import_procedures", str(path), "--decision-date", decision_date, stdout=out
                )
                elapsed = time.perf_counter() - start
                summary = out.getvalue().strip().splitlines()[-1]
                print(
                    f"{connection.vendor:<10} {label:<13} {args.rows} rows in {elapsed:6.2f} s = "
                    f"{args.rows / elapsed:6.0f} rows/s   {summary}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
