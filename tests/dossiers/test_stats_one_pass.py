"""PostgreSQL counts the statistics page in one scan (GROUPING SETS over one boolean per figure);
it must give exactly what the separate grouped queries give, on the hand-built data set of
test_stats_figures."""

import datetime

import pytest
from django.db import connection

from dossiers import statistics
from tests.dossiers.test_stats_figures import Q1, dataset, tree  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PERIODS = [
    Q1,
    statistics.period_bounds("year", 2026),
    statistics.Period(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28)),
    statistics.Period(datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)),
]


@pytest.mark.parametrize("period", PERIODS, ids=str)
@pytest.mark.parametrize("children", [True, False])
def test_one_pass_equals_the_separate_queries(dataset, tree, period, children):  # noqa: F811
    parent = tree[0]
    ids = statistics.scope_ids(parent, include_children=children)
    with statistics._counting() as alias:
        one = statistics._count_in_one_pass(ids, period, alias)
        separate = statistics._count_separately(ids, period, alias, procedures=True, months=True)
    assert one is not None  # the one-pass query is what PostgreSQL runs
    assert one.per_agency == separate.per_agency
    assert one.per_procedure == separate.per_procedure
    assert statistics._monthly(period, one) == statistics._monthly(period, separate)


def test_report_counts_in_one_scan_with_jit_off(dataset, tree, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(6) as queries:
        result = statistics.report(agency=tree[0], date_from=Q1.date_from, date_to=Q1.date_to)
    scans = [q["sql"] for q in queries.captured_queries if "dossiers_dossier" in q["sql"]]
    assert len(scans) == 1 and "GROUPING SETS" in scans[0]
    assert any("set_config('jit', 'off', true)" in q["sql"] for q in queries.captured_queries)
    assert result.total == statistics.compute(
        agency=tree[0], date_from=Q1.date_from, date_to=Q1.date_to
    )
    assert connection.vendor == "postgresql"
