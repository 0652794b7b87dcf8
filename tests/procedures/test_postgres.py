"""PostgreSQL: the trigram index exists, the planner can use it, and search results match the
portable behaviour tested on SQLite (test_views.test_search_ignores_diacritics_case_and_order)."""

import datetime

import pytest
from django.db import connection

from procedures import selectors
from procedures.models import ProcedureVersion

from .helpers import generated_rows, make_xlsx, row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_trigram_index_exists():
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'proc_version_search_trgm'")
        (indexdef,) = cur.fetchone()
    assert "gin" in indexdef.lower() and "gin_trgm_ops" in indexdef


def test_search_uses_trigram_index_and_matches_examples(run_import):
    run_import(
        make_xlsx([*generated_rows(400), row(), row("1.000894", name="Đăng ký kết hôn")]),
        decision_date=datetime.date(2026, 1, 1),
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE procedures_procedureversion")
    qs = selectors.search(ProcedureVersion.objects.all(), "dang ky ket hon")
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "proc_version_search_trgm" in plan
    assert [v.procedure.code for v in qs] == ["1.000894"]
    for query, expected in [
        ("ĐĂNG KÝ", {"1.001193", "1.000894"}),
        ("dang ky kết hôn", {"1.000894"}),
        ("khai sinh dang ky", {"1.001193"}),
    ]:
        found = {v.procedure.code for v in selectors.search(ProcedureVersion.objects.all(), query)}
        assert found == expected
