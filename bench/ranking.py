"""Ranking recompute and report build times at provincial scale (1,000 agencies × 150 leaves).

A fresh test database (SQLite in memory, or PostgreSQL when DATABASE_URL is set) is filled with
generated data (tests/scoring/factories_b.py), then:
  - scoring.ranking.compute (the ceiling: the raw grouped SUM over the same scores),
  - the "scoring.ranking.xlsx" builder (150,000 leaf rows),
  - the "scoring.ranking.pdf" builder (table, charts, one page per agency).

    .venv/bin/python bench/ranking.py [--agencies 1000] [--no-pdf]
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--no-xlsx", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args) -> None:
    from django.db import connection

    from accounts.models import Role, StaffMembership
    from reports.registry import get_builder
    from scoring import ranking
    from scoring.models import Score
    from tests.factories import StaffFactory
    from tests.scoring.factories_b import make_agencies, make_assessments, make_set, make_tree

    t0 = time.perf_counter()
    criteria_set = make_set(year=2025)
    _roots, leaves = make_tree(criteria_set)
    agencies = make_agencies(args.agencies)
    make_assessments(criteria_set, agencies, leaves)
    n_scores = Score.objects.count()
    print(
        f"{connection.vendor}: generated {len(agencies)} agencies × {len(leaves)} leaves = "
        f"{n_scores} scores in {time.perf_counter() - t0:.1f} s"
    )

    # ceiling: the bare grouped aggregate over the same rows
    assert Score._meta.db_table == "scoring_score"
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT assessment_id, SUM(COALESCE(appraised_points, auto_points, self_points)), "
            "SUM(self_points) FROM scoring_score GROUP BY assessment_id"
        )
        cursor.fetchall()
    ceiling = time.perf_counter() - start
    best = None
    for _ in range(3):
        start = time.perf_counter()
        ranking.compute(criteria_set=criteria_set)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(
        f"ranking recompute: {best:.2f} s (best of 3; limit 2 s)   raw grouped SUM ceiling: "
        f"{ceiling:.3f} s   ratio {best / ceiling:.1f}×"
    )

    user = StaffFactory()
    StaffMembership.objects.create(user=user, agency=agencies[0], role=Role.APPRAISER)
    params = {"set": str(criteria_set.public_id)}
    for kind, skip in (
        ("scoring.ranking.xlsx", args.no_xlsx),
        ("scoring.ranking.pdf", args.no_pdf),
    ):
        if skip:
            continue
        out = io.BytesIO()
        marks = []
        start = time.perf_counter()
        get_builder(kind).build(params=params, out=out, progress=marks.append, user=user)
        elapsed = time.perf_counter() - start
        print(
            f"{kind}: {elapsed:.1f} s, {len(out.getvalue()) / 1e6:.1f} MB, progress {marks[:3]}…{marks[-1:]}"
        )


if __name__ == "__main__":
    main()
