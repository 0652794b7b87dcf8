"""Ranking: totals, index, ties, bands, capped nodes, change against last year, publication."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from agencies.models import AgencySuccession
from scoring import ranking
from scoring.models import Assessment, Criterion, Score
from scoring.workflow import WorkflowError
from tests.factories import AgencyFactory, MembershipFactory
from tests.scoring.factories_b import make_set, make_tree

S = Assessment.Status


def test_competition_ranks_share_and_skip():
    values = [Decimal("95"), Decimal("90"), Decimal("90"), Decimal("80"), Decimal("80")]
    assert ranking.competition_ranks(values) == [1, 2, 2, 4, 4]
    assert ranking.competition_ranks([]) == []


def _scored(criteria_set, leaves, agency, points, status=S.APPROVED, auto=None):
    """points: appraised points per leaf (None = only self points given, equal to max)."""
    a = Assessment.objects.create(criteria_set=criteria_set, agency=agency, status=status)
    for i, leaf in enumerate(leaves):
        Score.objects.create(
            assessment=a,
            criterion=leaf,
            self_points=leaf.max_points,
            appraised_points=None if points[i] is None else Decimal(points[i]),
            auto_points=None if auto is None else auto[i],
        )
    return a


@pytest.mark.django_db
def test_totals_index_ties_bands_and_unranked():
    s = make_set(year=2025)
    # 2 areas × 1 criterion × 2 leaves of 5 points = 20 points
    _roots, leaves = make_tree(s, areas=2, criteria=1, leaves=2, leaf_max=Decimal("5"))
    names = ["A", "B", "C", "D", "E"]
    ag = {n: AgencyFactory(name=f"Sở {n}") for n in names}
    a = _scored(s, leaves, ag["A"], ["5", "5", "4", "4"])  # 18 → 90 % Xuất sắc
    b = _scored(s, leaves, ag["B"], ["5", "4", "5", "4"])  # 18 → 90 %, tie
    c = _scored(s, leaves, ag["C"], ["4", "4", "4", "3.9"])  # 15.9 → 79.5 % Khá
    d = _scored(s, leaves, ag["D"], ["2", "2", "2", "3.99"])  # 9.99 → 49.95 % Yếu
    draft = _scored(s, leaves, ag["E"], [None] * 4, status=S.DRAFT)  # self only: 20
    assert ranking.compute(criteria_set=s) == 5
    for x in (a, b, c, d, draft):
        x.refresh_from_db()
    assert (a.final_total, a.max_total, a.index_pct) == (
        Decimal("18.00"),
        Decimal("20.00"),
        Decimal("90.00"),
    )
    assert (a.rank, b.rank, c.rank, d.rank) == (1, 1, 3, 4)
    assert a.band.name == "Xuất sắc" and b.band.name == "Xuất sắc"
    assert c.index_pct == Decimal("79.50") and c.band.name == "Khá"
    assert d.index_pct == Decimal("49.95") and d.band.name == "Yếu"
    assert draft.rank is None and draft.band is None and draft.final_total == Decimal("20.00")
    assert a.self_total == Decimal("20.00")
    assert a.area_points["1"] == {
        "name": "Lĩnh vực thử nghiệm số 1",
        "max": "10.00",
        "self": "10.00",
        "final": "10.00",
        "bonus": False,
    }
    assert a.area_points["2"]["final"] == "8.00"
    s.refresh_from_db()
    assert s.ranking_computed_at is not None


@pytest.mark.django_db
def test_band_threshold_is_inclusive_and_configurable():
    s = make_set(year=2025)
    s.bands.filter(name="Tốt").update(min_index=Decimal("79.50"))
    _roots, leaves = make_tree(s, areas=1, criteria=1, leaves=2, leaf_max=Decimal("10"))
    x = _scored(s, leaves, AgencyFactory(), ["10", "5.9"])  # 79.5 %
    ranking.compute(criteria_set=s)
    x.refresh_from_db()
    assert x.band.name == "Tốt"


@pytest.mark.django_db
def test_final_points_prefer_appraised_then_auto_then_self_and_capped_nodes():
    s = make_set(year=2025)
    _roots, leaves = make_tree(s, areas=1, criteria=1, leaves=2, leaf_max=Decimal("5"))
    # the criterion 1.1 (sum of children 10) is capped at 8
    Criterion.objects.filter(code="1.1").update(max_points=8, max_differs_from_children=True)
    Criterion.objects.filter(code="1").update(max_points=8)
    x = _scored(s, leaves, AgencyFactory(), [None, "5"], auto=[Decimal("4.5"), Decimal("1")])
    ranking.compute(criteria_set=s)
    x.refresh_from_db()
    # leaf 1: auto 4.5 (no appraisal); leaf 2: appraised 5 wins over auto 1 → 9.5, capped at 8
    assert x.final_total == Decimal("8.00")
    assert x.max_total == Decimal("8.00")
    assert x.index_pct == Decimal("100.00")


@pytest.mark.django_db
def test_change_against_last_year_own_and_predecessor():
    old_set = make_set(year=2024, published=True)
    _r, old_leaves = make_tree(old_set, areas=1, criteria=1, leaves=1, leaf_max=Decimal("10"))
    kept = AgencyFactory(name="Sở Giữ nguyên")
    merged_away = AgencyFactory(name="Sở Cũ", valid_to=datetime.date(2025, 6, 30))
    third = AgencyFactory(name="Sở Thứ ba")
    _scored(old_set, old_leaves, kept, ["5"], status=S.PUBLISHED)  # rank 3 in 2024
    _scored(old_set, old_leaves, merged_away, ["9"], status=S.PUBLISHED)  # rank 1
    _scored(old_set, old_leaves, third, ["7"], status=S.PUBLISHED)  # rank 2
    ranking.compute(criteria_set=old_set)

    new = AgencyFactory(name="Sở Mới")
    AgencySuccession.objects.create(
        predecessor=merged_away,
        successor=new,
        reason=AgencySuccession.Reason.MERGE,
        effective_date=datetime.date(2025, 7, 1),
    )
    s = make_set(year=2025)
    _r, leaves = make_tree(s, areas=1, criteria=1, leaves=1, leaf_max=Decimal("10"))
    k = _scored(s, leaves, kept, ["10"])  # rank 1 (was 3): +2
    n = _scored(s, leaves, new, ["8"])  # rank 2 (predecessor was 1): −1
    t = _scored(s, leaves, AgencyFactory(name="Sở Không có năm trước"), ["1"])
    ranking.compute(criteria_set=s)
    for x in (k, n, t):
        x.refresh_from_db()
    assert (k.rank, k.previous_rank, ranking.change(k)) == (1, 3, 2)
    assert (n.rank, n.previous_rank, ranking.change(n)) == (2, 1, -1)
    assert t.previous_rank is None and ranking.change(t) is None


@pytest.mark.django_db
def test_publish_set_is_the_heads_act_and_ranks_only_published():
    from agencies.models import Agency

    home_affairs = Agency.objects.filter(electronic_id="000.10.00.H13").first() or AgencyFactory(
        name="Sở Nội vụ", electronic_id="000.10.00.H13"
    )
    head = MembershipFactory(agency=home_affairs, role=Role.AGENCY_LEADER).user
    appraiser = MembershipFactory(role=Role.APPRAISER).user
    s = make_set(year=2025)
    _r, leaves = make_tree(s, areas=1, criteria=1, leaves=1, leaf_max=Decimal("10"))
    approved = _scored(s, leaves, AgencyFactory(), ["6"])
    appraised = _scored(s, leaves, AgencyFactory(), ["9"], status=S.APPRAISED)
    with pytest.raises(WorkflowError):
        ranking.publish_set(criteria_set=s, by=appraiser)
    assert ranking.publish_set(criteria_set=s, by=head, publication_ref="QĐ 12/QĐ-UBND") == 1
    s.refresh_from_db()
    approved.refresh_from_db()
    appraised.refresh_from_db()
    assert s.is_published and s.published_by == head and s.publication_ref == "QĐ 12/QĐ-UBND"
    assert approved.status == S.PUBLISHED and approved.published_at is not None
    assert approved.events.filter(to_status=S.PUBLISHED, by=head).exists()
    # after publication only published results are ranked
    assert approved.rank == 1 and appraised.rank is None


@pytest.mark.django_db
def test_publish_without_approved_assessments_is_refused():
    from agencies.models import Agency

    home_affairs = Agency.objects.filter(electronic_id="000.10.00.H13").first() or AgencyFactory(
        name="Sở Nội vụ", electronic_id="000.10.00.H13"
    )
    head = MembershipFactory(agency=home_affairs, role=Role.AGENCY_LEADER).user
    s = make_set(year=2025)
    with pytest.raises(ValidationError):
        ranking.publish_set(criteria_set=s, by=head)
    s.refresh_from_db()
    assert not s.is_published
