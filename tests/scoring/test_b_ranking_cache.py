"""The public ranking table is cached (perf, issue 7) but never shows a stale ranking."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from scoring import ranking
from scoring.models import Assessment, Score
from tests.factories import AgencyFactory
from tests.scoring.factories_b import make_assessments, make_set, make_tree

S = Assessment.Status


@pytest.fixture
def published_set():
    s = make_set(year=2025)
    _roots, leaves = make_tree(s, areas=2, criteria=1, leaves=2, leaf_max=Decimal("5"))
    agencies = [
        AgencyFactory(name=n, electronic_id=f"000.8{i}.99.H13")
        for i, n in enumerate(["Sở Công Thương", "Sở Xây dựng"])
    ]
    make_assessments(s, agencies, leaves, status=S.PUBLISHED, seed=3)
    s.published_at = s.created_at
    s.save()
    ranking.compute(criteria_set=s)
    return s


def index_cells(body: str) -> list[str]:
    return [
        line.split(">")[1].split("<")[0]
        for line in body.splitlines()
        if 'class="text-end fw-bold"' in line
    ]


@pytest.mark.django_db
@time_machine.travel("2026-03-02 09:00 +07:00", tick=False)
def test_public_table_is_cached_and_follows_recompute_and_hiding(client, published_set):
    ranking.compute(criteria_set=published_set)  # inside the frozen instant, like the later one
    page = reverse("scoring:public_ranking")
    first = client.get(page).content.decode()
    assert "Sở Công Thương" in first and "Sở Xây dựng" in first
    # a direct edit that nothing announces is not seen: the table really is served from cache
    Assessment.objects.filter(criteria_set=published_set).update(index_pct=Decimal("1.23"))
    assert "1,23" not in client.get(page).content.decode()
    assert "1.23" not in client.get(page).content.decode()
    # new scores + recompute at the very same (frozen) instant: the new index is shown
    Score.objects.filter(assessment__criteria_set=published_set).update(
        appraised_points=Decimal("5")
    )
    ranking.compute(criteria_set=published_set)
    cells = index_cells(client.get(page).content.decode())
    assert len(cells) == 2 and all(c.startswith("100") for c in cells), cells
    # an assessment taken out of publication (saved, as every workflow step saves) disappears
    # at once
    hidden = published_set.assessments.get(agency__name="Sở Xây dựng")
    hidden.status = S.APPROVED
    hidden.save()
    body = client.get(page).content.decode()
    assert "Sở Công Thương" in body and "Sở Xây dựng" not in body
    # so does a renamed agency
    agency = published_set.assessments.get(agency__name="Sở Công Thương").agency
    agency.name = "Sở Công Thương (tên mới)"
    agency.save()
    assert "Sở Công Thương (tên mới)" in client.get(page).content.decode()


@pytest.mark.django_db
def test_a_cached_public_page_costs_one_query(client, published_set, django_assert_num_queries):
    page = reverse("scoring:public_ranking")
    client.get(page)
    with django_assert_num_queries(1):  # the published sets; table and count from the cache
        body = client.get(page).content.decode()
    assert "Sở Công Thương" in body and "Sở Xây dựng" in body


@pytest.mark.django_db
@time_machine.travel("2026-03-02 09:00 +07:00", tick=False)
def test_cache_key_changes_with_language_and_recompute(published_set):
    ranking.compute(criteria_set=published_set)
    key = ranking.public_table_cache_key(published_set, language="vi")
    assert key != ranking.public_table_cache_key(published_set, language="en")
    assert key == ranking.public_table_cache_key(published_set, language="vi")
    ranking.compute(criteria_set=published_set)
    assert key != ranking.public_table_cache_key(published_set, language="vi")


@pytest.mark.django_db
def test_long_tables_are_paged_and_each_page_is_cached_on_its_own(client, monkeypatch):
    from scoring import views_b

    monkeypatch.setattr(views_b, "RANKING_PER_PAGE", 2)
    s = make_set(year=2025)
    _roots, leaves = make_tree(s, areas=1, criteria=1, leaves=2, leaf_max=Decimal("5"))
    names = ["Sở Công Thương", "Sở Xây dựng", "Sở Tư pháp", "UBND phường Cái Khế", "Sở Y tế"]
    agencies = [
        AgencyFactory(name=n, electronic_id=f"000.9{i}.99.H13") for i, n in enumerate(names)
    ]
    make_assessments(s, agencies, leaves, status=S.PUBLISHED, seed=5)
    s.published_at = s.created_at
    s.save()
    ranking.compute(criteria_set=s)
    url = reverse("scoring:public_ranking")
    pages = [client.get(url, {"trang": n}).content.decode() for n in (1, 2, 3)]
    shown = [[n for n in names if n in page] for page in pages]
    assert [len(found) for found in shown] == [2, 2, 1]
    assert sorted(n for found in shown for n in found) == sorted(names)  # each agency once
    assert "Trang 1/3" in pages[0] and "?trang=2" in pages[0]
    assert "Trang 3/3" in pages[2] and "?trang=2" in pages[2]
    # out of range → the last page, never an error
    assert client.get(url, {"trang": "99"}).content.decode().count("Trang 3/3") == 1


@pytest.mark.django_db(transaction=True)
def test_published_sets_are_kept_by_the_process_until_a_set_changes(django_assert_num_queries):
    assert ranking.published_sets() == []
    with django_assert_num_queries(0):
        assert ranking.published_sets() == []
    s = make_set(year=2025)
    assert ranking.published_sets() == []  # saved but not published
    s.published_at = s.created_at
    s.save()
    assert ranking.published_sets() == [s]
    with django_assert_num_queries(0):
        assert ranking.published_sets() == [s]
