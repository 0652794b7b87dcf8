"""One in-process benchmark task per run, so that its peak memory (VmHWM) is its own.

    .venv/bin/python bench/inproc.py ranking
    .venv/bin/python bench/inproc.py ranking_xlsx | ranking_pdf
    .venv/bin/python bench/inproc.py register UNIT_ID DATE_FROM DATE_TO
    .venv/bin/python bench/inproc.py stats_sql AGENCY_ID CHILDREN(0/1) YEAR
    .venv/bin/python bench/inproc.py stats_report AGENCY_ID CHILDREN(0/1) YEAR

Prints one line: JSON {"seconds": ..., "peak_mb": ..., ...}. Runs against DATABASE_URL (the
bench database made by `manage.py bench_data`).
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_user():
    from accounts.models import User

    user, _ = User.objects.get_or_create(
        email="bench-admin@bench.cchc.vn",
        defaults={"full_name": "Quản trị benchmark", "kind": "staff", "is_superuser": True},
    )
    return user


def published_set():
    from scoring.models import CriteriaSet

    return CriteriaSet.objects.filter(published_at__isnull=False).order_by("-year").first()


def task_ranking(_args):
    from scoring import ranking

    criteria_set = published_set()
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        ranking.compute(criteria_set=criteria_set)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return {"seconds": best}


def _build(kind, params, suffix):
    from reports.registry import get_builder

    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as out:
        t0 = time.perf_counter()
        get_builder(kind).build(params=params, out=out, progress=lambda p: None, user=bench_user())
        elapsed = time.perf_counter() - t0
    size = os.path.getsize(out.name)
    return out.name, elapsed, size


def task_ranking_xlsx(_args):
    name, elapsed, size = _build(
        "scoring.ranking.xlsx", {"set": str(published_set().public_id)}, ".xlsx"
    )
    os.unlink(name)
    return {"seconds": elapsed, "peak_mb": peak_mb(), "bytes": size}


def task_ranking_pdf(_args):
    name, elapsed, size = _build(
        "scoring.ranking.pdf", {"set": str(published_set().public_id)}, ".pdf"
    )
    os.unlink(name)
    return {"seconds": elapsed, "peak_mb": peak_mb(), "bytes": size}


def task_register(args):
    """The Mẫu 06 register, then the ceiling: openpyxl write-only writing the same rows alone."""
    unit, date_from, date_to = args
    name, elapsed, size = _build(
        "dossiers.register.xlsx",
        {"unit": int(unit), "date_from": date_from, "date_to": date_to},
        ".xlsx",
    )
    peak = peak_mb()
    from openpyxl import Workbook, load_workbook

    rows = [
        list(r)
        for r in load_workbook(name, read_only=True).worksheets[0].iter_rows(values_only=True)
    ]
    os.unlink(name)
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for row in rows:
            ws.append(row)
        wb.save(out)
        ceiling = time.perf_counter() - t0
    return {
        "seconds": elapsed,
        "peak_mb": peak,
        "rows": len(rows),
        "ceiling_seconds": ceiling,
        "bytes": size,
    }


STATS_SQL = """
SELECT
  count(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s) AS received,
  count(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s AND channel = 1),
  count(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s AND channel = 2),
  count(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s AND channel = 3),
  count(*) FILTER (WHERE received_at < %(s)s AND (finished_at IS NULL OR finished_at >= %(s)s)
                   AND (closed_at IS NULL OR closed_at >= %(s)s)) AS carried_over,
  count(*) FILTER (WHERE status IN (9, 10) AND finished_at >= %(s)s AND finished_at < %(e)s),
  count(*) FILTER (WHERE status IN (9, 10) AND finished_at >= %(s)s AND finished_at < %(e)s
                   AND outcome = 'early'),
  count(*) FILTER (WHERE status IN (9, 10) AND finished_at >= %(s)s AND finished_at < %(e)s
                   AND outcome = 'late'),
  count(*) FILTER (WHERE received_at < %(e)s AND (finished_at IS NULL OR finished_at >= %(e)s)
                   AND (closed_at IS NULL OR closed_at >= %(e)s)) AS in_progress,
  count(*) FILTER (WHERE received_at < %(e)s AND (finished_at IS NULL OR finished_at >= %(e)s)
                   AND (closed_at IS NULL OR closed_at >= %(e)s) AND due_at < %(e)s),
  count(*) FILTER (WHERE status = 8 AND closed_at >= %(s)s AND closed_at < %(e)s),
  count(*) FILTER (WHERE status = 7 AND closed_at >= %(s)s AND closed_at < %(e)s),
  count(*) FILTER (WHERE status = 3 AND refused_at >= %(s)s AND refused_at < %(e)s),
  count(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s AND resolved_on_spot)
FROM dossiers_dossier
WHERE competent_agency_id = ANY(%(ids)s) AND step <> 'draft'
  AND submitted_at < %(e)s
  AND (closed_at IS NULL OR closed_at >= %(s)s) AND (finished_at IS NULL OR finished_at >= %(s)s
       OR status IN (9, 10))
"""


def task_stats_sql(args):
    """One hand-written SQL query computing the statistics page's figures (median of 5)."""
    from django.db import connection

    from agencies.models import Agency
    from dossiers import statistics

    agency_id, children, year = int(args[0]), args[1] == "1", int(args[2])
    period = statistics.period_bounds("year", year)  # the page's period: 15/12 – 14/12
    start, end = period.start, period.end
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        ids = list(
            statistics.scope_ids(Agency.objects.get(pk=agency_id), include_children=children)
        )
        with connection.cursor() as cur:
            cur.execute(STATS_SQL, {"s": start, "e": end, "ids": ids})
            figures = cur.fetchone()
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"seconds": times[2], "received": figures[0]}


def task_stats_report(args):
    """The statistics page's figures computed cold, without the report cache: report() for the
    same scope and period (median of 5)."""
    from agencies.models import Agency
    from dossiers import statistics

    agency_id, children, year = int(args[0]), args[1] == "1", int(args[2])
    period = statistics.period_bounds("year", year)
    agency = Agency.objects.get(pk=agency_id)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        result = statistics.report(
            agency=agency,
            date_from=period.date_from,
            date_to=period.date_to,
            include_children=children,
        )
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"seconds": times[2], "received": result.total.received}


def main():
    import django

    django.setup()
    task = sys.argv[1]
    result = globals()[f"task_{task}"](sys.argv[2:])
    result.setdefault("peak_mb", peak_mb())
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
