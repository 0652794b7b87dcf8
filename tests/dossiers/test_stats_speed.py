"""Issue 7 (statistics at provincial scale): the figures the one-pass count derives instead of
filtering for, the month index it groups by, the statistics page's agency list rendered from
cached options, the agency rows in pages and the cached agency tree."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dossiers import statistics
from dossiers.forms.stats import Select, StatsForm, agency_choices, render_options
from dossiers.models import Outcome, Status
from dossiers.statistics import COUNTED, DERIVED, FIGURES, compute, derive
from tests.dossiers.factories import DossierFactory, ProcedureCaseFactory
from tests.dossiers.test_stats_figures import Q1, at, dataset, tree  # noqa: F401 (fixtures)
from tests.factories import AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PERIODS = [
    Q1,
    statistics.period_bounds("year", 2026),
    statistics.period_bounds("month", 2026, 2),
    statistics.Period(datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)),
    statistics.Period(datetime.date(2026, 3, 5), datetime.date(2026, 3, 12)),
]


@pytest.fixture
def edge_cases(dataset):  # noqa: F811
    """Dossiers at the edges of the derived identities: resolved without an outcome, a payment
    wait without its start, no due moment, due exactly at the period end."""
    parent, _child = dataset
    case = ProcedureCaseFactory()

    def make(name, status, **fields):
        return DossierFactory(applicant_name=name, applicant_user=None, case=case,
                              competent_agency=parent, status=status, **fields)  # fmt: skip

    make("E1", Status.FINISHED, at=at(1, 6), finished_at=at(1, 7), outcome="")
    make("E2", Status.WAITING_PAYMENT, at=at(2, 6), due_at=at(2, 8), paused_at=None)
    make("E3", Status.PROCESSING, at=at(2, 9), due_at=None)
    make("E4", Status.PROCESSING, at=at(2, 9), due_at=statistics._midnight(Q1.date_to))
    make("E5", Status.FINISHED, at=at(3, 1), finished_at=at(3, 2), outcome=Outcome.LATE)
    return parent


@pytest.mark.parametrize("period", PERIODS, ids=str)
@pytest.mark.parametrize("children", [True, False])
def test_derived_figures_equal_their_own_filters(edge_cases, period, children):
    """to_handle, resolved_on_time and in_progress_within, derived from the COUNTED figures
    as _count_in_one_pass does, equal what their figure_q filters count."""
    stats = compute(
        agency=edge_cases,
        date_from=period.date_from,
        date_to=period.date_to,
        include_children=children,
    )
    counted = {name: getattr(stats, name) for name in COUNTED}
    assert derive(counted) == {name: getattr(stats, name) for name in FIGURES}
    assert set(DERIVED) | set(COUNTED) == set(FIGURES) and not set(DERIVED) & set(COUNTED)


def test_derived_figures_on_the_hand_counted_data(dataset):  # noqa: F811
    parent, _child = dataset
    stats = compute(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    values = derive({name: getattr(stats, name) for name in COUNTED})
    assert (values["to_handle"], values["resolved_on_time"]) == (14, 2)
    assert values["in_progress_within"] == 5


def test_month_starts_cover_the_period_and_the_month_after():
    period = statistics.period_bounds("quarter", 2026, 1)  # 15/12/2025 – 14/03/2026
    starts = statistics._month_starts(period)
    assert [timezone.localtime(s).date() for s in starts] == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 1),
    ]
    assert all(timezone.localtime(s).time() == datetime.time.min for s in starts)
    one_day = statistics.Period(datetime.date(2026, 2, 28), datetime.date(2026, 2, 28))
    assert len(statistics._month_starts(one_day)) == 2


# ---------------------------------------------------------------------------------------------
# the agency list of the page
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def agencies():
    root = AgencyFactory(name="UBND thử <&> nghiệm")
    children = [AgencyFactory(name=f"Sở thử {i}", parent=root) for i in range(3)]
    return root, children


@pytest.mark.parametrize("chosen", [None, 0, 2])
def test_select_from_cached_options_is_the_plain_select(agencies, chosen):
    _root, children = agencies
    choices = agency_choices(None)
    value = None if chosen is None else children[chosen].pk
    plain = Select(choices=choices).render("agency", value, {"id": "id_agency"})
    cached = Select()
    cached.options_html = render_options(choices)
    assert cached.render("agency", value, {"id": "id_agency"}) == plain
    assert "&lt;&amp;&gt;" in plain and plain.count(" selected") == (chosen is not None)


def test_form_with_cached_options_checks_the_offered_agencies(agencies):
    _root, children = agencies
    choices = [(str(a.pk), a.name) for a in children[:2]]
    data = {"agency": str(children[0].pk), "children": "1", "kind": "year", "year": "2026"}
    form = StatsForm(data, choices=choices, options_html=render_options(choices))
    assert form.is_valid() and form.cleaned_data["agency"] == children[0].pk
    assert form.has_agencies
    other = StatsForm({**data, "agency": str(children[2].pk)}, choices=choices,
                      options_html=render_options(choices))  # fmt: skip
    assert not other.is_valid() and "agency" in other.errors
    assert not StatsForm(data, choices=[], options_html="").has_agencies


# ---------------------------------------------------------------------------------------------
# the page: agency rows in pages, the tree read once
# ---------------------------------------------------------------------------------------------

URL = reverse("dossiers:stats")


@pytest.fixture
def province():
    root = AgencyFactory(name="UBND tỉnh thử")
    units = [AgencyFactory(name=f"Đơn vị {i:02d}", parent=root) for i in range(30)]
    case = ProcedureCaseFactory()
    for index, unit in enumerate(units):
        DossierFactory(competent_agency=unit, case=case, applicant_user=None,
                       status=Status.PROCESSING, at=at(1, 5) + datetime.timedelta(hours=index))  # fmt: skip
    leader = MembershipFactory(agency=root, role=Role.AGENCY_LEADER).user
    return root, units, leader


def test_long_tables_are_paged_with_the_total_on_every_page(client, province):
    root, units, leader = province
    client.force_login(leader)
    query = {"agency": root.pk, "children": "1", "kind": "quarter", "year": "2026", "number": "1"}
    first = client.get(URL, query)
    html = first.content.decode()
    assert len(first.context["result"].rows) == 31  # the report keeps every row
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    assert "Đơn vị 23" in table and "Đơn vị 24" not in table  # own row + 24 units
    assert "Trang 1/2" in html and "trang=2" in html
    assert ">30</a>" in table.split("<tfoot", 1)[1]  # the province total
    second = client.get(URL, {**query, "trang": "2"}).content.decode()
    table = second.split("<table", 1)[1].split("</table>", 1)[0]
    assert "Đơn vị 24" in table and "Đơn vị 29" in table and "Đơn vị 23" not in table
    assert ">30</a>" in table.split("<tfoot", 1)[1]
    links = re.findall(r'href="(/thong-ke/ho-so/\?[^"]*)"', table)
    assert any(f"agency={units[29].pk}&amp;children=1" in link for link in links)
    assert "Xuất Excel" in second


def test_a_division_page_has_no_pager(client, province):
    _root, units, leader = province
    client.force_login(leader)
    html = client.get(URL, {"agency": units[0].pk, "children": "1", "kind": "year",
                            "year": "2026"}).content.decode()  # fmt: skip
    assert "Phân trang" not in html


def test_the_page_reads_the_agency_tree_once(client, province, settings,
                                            django_assert_max_num_queries):  # fmt: skip
    settings.STATS_CACHE_SECONDS = 3600
    statistics.bump_generation()
    root, _units, leader = province
    client.force_login(leader)
    query = {"agency": root.pk, "children": "1", "kind": "quarter", "year": "2026", "number": "1"}
    client.get(URL, query)
    with django_assert_max_num_queries(14) as queries:
        response = client.get(URL, query)
    assert response.context["result"].total.received == 30
    tree_reads = [q for q in queries.captured_queries
                  if '"parent_id" FROM "agencies_agency"' in q["sql"] and "WHERE" not in q["sql"]]  # fmt: skip
    assert tree_reads == []  # from the cache


def test_a_saved_agency_reaches_the_cached_tree_at_once(settings, province):
    settings.STATS_CACHE_SECONDS = 3600
    root, units, _leader = province
    before = statistics.agency_tree()
    assert units[0].pk in before[root.pk]
    units[0].parent = units[1]
    units[0].save()
    after = statistics.agency_tree()
    assert units[0].pk not in after[root.pk] and units[0].pk in after[units[1].pk]
    new = AgencyFactory(name="Đơn vị mới", parent=root)
    assert new.pk in statistics.agency_tree()[root.pk]


def test_cached_rows_keep_their_names_and_read_other_fields_on_demand(settings, province):
    settings.STATS_CACHE_SECONDS = 3600
    statistics.bump_generation()
    root, _units, _leader = province
    first = statistics.cached_report(agency=root, date_from=Q1.date_from, date_to=Q1.date_to)
    again = statistics.cached_report(agency=root, date_from=Q1.date_from, date_to=Q1.date_to)
    assert again.computed_at == first.computed_at  # from the cache
    assert [row.agency for row in again.rows] == [row.agency for row in first.rows]
    assert [row.agency.name for row in again.rows] == [row.agency.name for row in first.rows]
    assert again.rows[1].agency.parent_id == root.pk  # a deferred field, read when used
    assert list(itertools.islice((r.stats.received for r in again.rows[1:]), 3)) == [1, 1, 1]


@pytest.mark.django_db(transaction=True)
def test_the_process_keeps_the_tree_until_an_agency_changes(settings, django_assert_num_queries):
    settings.STATS_CACHE_SECONDS = 3600
    parent = AgencyFactory(name="Sở giữ cây")
    child = AgencyFactory(name="Phòng giữ cây", parent=parent)
    kept = statistics.agency_tree()
    with django_assert_num_queries(0):
        assert statistics.agency_tree() is kept
        first = statistics.subtree_ids(parent.pk, kept)
    assert first == {parent.pk, child.pk}
    first.add(-1)  # a caller's change never reaches the remembered subtree
    assert statistics.subtree_ids(parent.pk, kept) == {parent.pk, child.pk}
    grandchild = AgencyFactory(name="Tổ giữ cây", parent=child)  # a save replaces the generation
    fresh = statistics.agency_tree()
    assert fresh is not kept
    assert statistics.subtree_ids(parent.pk, fresh) == {parent.pk, child.pk, grandchild.pk}


def test_the_agency_list_is_held_by_the_process_until_an_agency_changes(
    client, province, settings, monkeypatch
):
    from django.core.cache import caches

    settings.STATS_CACHE_SECONDS = 3600
    root, units, leader = province
    client.force_login(leader)
    query = {"agency": root.pk, "children": "1", "kind": "year", "year": "2026"}
    client.get(URL, query)
    backend = caches["default"]
    read = []
    real_get = backend.get
    monkeypatch.setattr(
        backend, "get", lambda key, *a, **k: (read.append(str(key)), real_get(key, *a, **k))[1]
    )
    client.get(URL, query)
    assert not any("dossiers:stats:choices" in key for key in read)
    units[0].name = "Phòng Đổi Tên Mới"
    units[0].save()
    assert "Phòng Đổi Tên Mới" in client.get(URL, query).content.decode()
