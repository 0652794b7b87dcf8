"""The statistics page caches the computed report (dossiers.statistics.cached_report): figures
are reused within the cache time, the key follows the scope, the period and the data
generation, a period that includes today is cached briefly, and a cache outage just computes."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dossiers import statistics
from dossiers.models import Status
from tests.dossiers.factories import DossierFactory, ProcedureCaseFactory
from tests.factories import AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("dossiers:stats")
Q1 = statistics.period_bounds("quarter", 2026, 1)  # 15/12/2025 – 14/03/2026, in the past
Q1_QUERY = {"kind": "quarter", "year": "2026", "number": "1"}


def at(month, day, year=2026):
    return timezone.make_aware(datetime.datetime(year, month, day, 9))


@pytest.fixture
def cached(settings):
    settings.STATS_CACHE_SECONDS = 3600
    statistics.bump_generation()  # nothing cached by an earlier test (ids may be reused)


@pytest.fixture
def world():
    parent = AgencyFactory(name="Sở Tư pháp bộ nhớ đệm")
    child = AgencyFactory(name="Phòng Hộ tịch bộ nhớ đệm", parent=parent)
    case = ProcedureCaseFactory()

    def receive(agency, when):
        return DossierFactory(competent_agency=agency, case=case, applicant_user=None,
                              status=Status.PROCESSING, at=when)  # fmt: skip

    receive(parent, at(1, 5))
    receive(child, at(1, 6))
    officer = MembershipFactory(agency=parent, role=Role.PROCESSING_OFFICER).user
    return {"parent": parent, "child": child, "receive": receive, "officer": officer}


def received(agency, *, children=True, period=Q1):
    return statistics.cached_report(
        agency=agency, date_from=period.date_from, date_to=period.date_to,
        include_children=children,
    ).total.received  # fmt: skip


def test_a_report_is_reused_until_the_generation_changes(cached, world):
    parent = world["parent"]
    first = statistics.cached_report(
        agency=parent, date_from=Q1.date_from, date_to=Q1.date_to, include_children=True
    )
    assert first.total.received == 2
    world["receive"](world["child"], at(2, 1))
    again = statistics.cached_report(
        agency=parent, date_from=Q1.date_from, date_to=Q1.date_to, include_children=True
    )
    assert again.total.received == 2  # the cached figures
    assert again.computed_at == first.computed_at
    assert [row.agency for row in again.rows] == [parent, world["child"]]
    assert again.months == first.months and again.procedures == first.procedures
    assert statistics.report(
        agency=parent, date_from=Q1.date_from, date_to=Q1.date_to
    ).total.received == 3  # report() itself never caches (exports, tests)  # fmt: skip
    statistics.bump_generation()  # e.g. after a correction
    assert received(parent) == 3


def test_the_key_follows_scope_and_period(cached, world):
    parent, child = world["parent"], world["child"]
    assert received(parent) == 2
    world["receive"](child, at(2, 1))
    world["receive"](parent, at(12, 20, 2025))
    assert received(parent) == 2  # cached
    assert received(parent, children=False) == 2  # another scope: counted now (own + new)
    assert received(child) == 2  # another agency
    other = statistics.Period(datetime.date(2025, 12, 15), datetime.date(2026, 3, 13))
    assert received(parent, period=other) == 4  # another period
    # an agency moved into the scope changes the scope's ids, hence the key
    moved = AgencyFactory(name="Phòng chuyển về")
    world["receive"](moved, at(2, 2))
    moved.parent = parent
    moved.save()
    assert received(parent) == 5


def test_a_period_that_includes_today_is_cached_briefly(cached, world):
    today = timezone.localdate()
    current = statistics.Period(today - datetime.timedelta(days=30), today)
    with mock.patch.object(statistics.cache, "set", wraps=statistics.cache.set) as cache_set:
        received(world["parent"], period=current)
        received(world["parent"])
    timeouts = [call.args[2] for call in cache_set.call_args_list]
    assert timeouts == [statistics.CURRENT_PERIOD_CACHE_SECONDS, 3600]


def test_a_cache_outage_just_computes(cached, world):
    broken = mock.Mock(side_effect=ConnectionError("cache down"))
    with (
        mock.patch.object(statistics.cache, "get", broken),
        mock.patch.object(statistics.cache, "set", broken),
        mock.patch.object(statistics.cache, "add", broken),
    ):
        assert received(world["parent"]) == 2
        world["receive"](world["child"], at(2, 1))
        assert received(world["parent"]) == 3
        statistics.bump_generation()  # logged, not raised


def test_a_cached_entry_naming_a_deleted_agency_is_recounted(cached, world):
    parent = world["parent"]
    gone = AgencyFactory(name="Phòng đã giải thể", parent=parent)
    world["receive"](gone, at(2, 1))
    assert received(parent) == 3
    key = next(k for k in _keys() if f":{parent.pk}:1:" in k)
    data = cache.get(key)
    data["rows"].append((10**9, True, data["rows"][0][2]))  # an agency that does not exist
    cache.set(key, data, 60)
    assert received(parent) == 3


def _keys():
    """The statistics keys this test wrote (locmem or Redis)."""
    generation = statistics._generation()
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # LocMemCache: {versioned key: pickled value}
        keys = [k.split(":", 2)[-1] for k in backend]
    else:
        keys = [k.decode().split(":", 2)[-1] for k in cache._cache.get_client().keys("*")]
    return [k for k in keys if k.startswith(f"{statistics.CACHE_PREFIX}:v1:{generation}:")]


def test_the_page_says_when_the_figures_were_computed(client, cached, world):
    client.force_login(world["officer"])
    params = {**Q1_QUERY, "agency": world["parent"].pk, "children": "1"}
    first = client.get(URL, params)
    computed = first.context["result"].computed_at
    moment = timezone.localtime(computed).strftime("%H:%M %d/%m/%Y")
    assert f"Số liệu tổng hợp lúc {moment}" in first.content.decode()
    world["receive"](world["child"], at(2, 1))
    second = client.get(URL, params)
    assert second.context["result"].total.received == 2  # served from the cache
    assert second.context["result"].computed_at == computed


def test_tests_see_exact_figures_by_default(client, world):
    """conftest turns the cache off: every request counts again."""
    client.force_login(world["officer"])
    params = {**Q1_QUERY, "agency": world["parent"].pk, "children": "1"}
    assert client.get(URL, params).context["result"].total.received == 2
    world["receive"](world["child"], at(2, 1))
    assert client.get(URL, params).context["result"].total.received == 3


def test_the_page_tables_follow_the_figures_they_show(cached, client, world):
    """The rendered 06a tables are cached with the figures' computing moment: a recount shows
    new tables at once, a cached report reuses them."""
    client.force_login(world["officer"])
    query = {"agency": world["parent"].pk, "children": "1", **Q1_QUERY}

    def total_row(html: str) -> str:
        return html.split("<tfoot", 1)[1].split("</tfoot>", 1)[0]

    first = client.get(URL, query).content.decode()
    assert ">2</a>" in total_row(first)
    world["receive"](world["child"], at(2, 2))
    assert total_row(client.get(URL, query).content.decode()) == total_row(first)
    statistics.bump_generation()
    assert ">3</a>" in total_row(client.get(URL, query).content.decode())


def test_the_form_is_rendered_once_per_query_and_shows_each_querys_choice(cached, world, client):
    def form_fragments():
        return [k for k in cache._cache if "stats-form" in k]

    client.force_login(world["officer"])
    child = {"agency": world["child"].pk, "children": "0", **Q1_QUERY}
    parent = {"agency": world["parent"].pk, "children": "1", **Q1_QUERY}
    first = client.get(URL, child).content.decode()
    assert len(form_fragments()) == 1
    again = client.get(URL, child).content.decode()
    assert len(form_fragments()) == 1  # reused
    other = client.get(URL, parent).content.decode()
    assert len(form_fragments()) == 2
    for page, chosen in (
        (first, world["child"]),
        (again, world["child"]),
        (other, world["parent"]),
    ):
        assert f'<option value="{chosen.pk}" selected>' in page
    assert f'<option value="{world["parent"].pk}" selected>' not in first


def test_a_report_from_the_cache_has_the_same_rows_and_procedures(cached, world):
    def report():
        return statistics.cached_report(
            agency=world["parent"], date_from=Q1.date_from, date_to=Q1.date_to
        )

    def shape(result):
        rows = [(r.agency.pk, r.agency.name, r.include_children, r.stats) for r in result.rows]
        page = [(r.agency.pk, r.stats) for r in result.rows[0:1]]
        return rows, page, len(result.rows), list(result.procedures), result.total

    computed = report()
    from_cache = report()
    assert from_cache.computed_at == computed.computed_at  # really served from the cache
    assert shape(from_cache) == shape(computed)
    assert len(computed.rows) == 2 and len(computed.procedures) == 1
