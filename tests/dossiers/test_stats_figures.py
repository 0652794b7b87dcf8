"""Statistics on a hand-built data set: every figure below is counted by hand from the table
in `dataset()` (period Q1/2026 = 15/12/2025 – 14/03/2026)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from dossiers import statistics
from dossiers.models import Channel, Outcome, Status, SupplementRequest
from dossiers.statistics import FIGURES, Period, compute, dossiers_behind, period_bounds, report
from tests.dossiers.factories import DossierFactory, ProcedureCaseFactory
from tests.factories import AgencyFactory, StaffFactory

pytestmark = pytest.mark.django_db

Q1 = period_bounds("quarter", 2026, 1)
ONLINE, IN_PERSON, POST = Channel.ONLINE, Channel.IN_PERSON, Channel.POST


def at(month, day, hour=9, minute=0, year=2026):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


@pytest.fixture
def tree():
    parent = AgencyFactory(name="Sở Tư pháp thử")
    child = AgencyFactory(name="Phòng Hộ tịch thử", parent=parent)
    other = AgencyFactory(name="Sở khác")
    return parent, child, other


@pytest.fixture
def dataset(tree):
    """20 dossiers; columns: name, agency, status, channel, moments, outcome."""
    parent, child, other = tree
    case = ProcedureCaseFactory()
    officer = StaffFactory()

    def make(name, agency, status, channel=ONLINE, *, received=None, **moments):
        moments.setdefault("submitted_at", received or moments.get("refused_at"))
        return DossierFactory(
            applicant_name=name,
            applicant_user=None,
            case=case,
            competent_agency=agency,
            status=status,
            channel=channel,
            at=moments["submitted_at"] or at(1, 1),
            received_at=received,
            due_at=moments.pop("due_at", None),
            finished_at=moments.pop("finished_at", None),
            returned_at=moments.pop("returned_at", None),
            closed_at=moments.pop("closed_at", None),
            refused_at=moments.pop("refused_at", None),
            outcome=moments.pop("outcome", ""),
            resolved_on_spot=moments.pop("resolved_on_spot", False),
            **moments,
        )

    def supplement(dossier, requested, answered=None):
        SupplementRequest.objects.create(
            dossier=dossier,
            items=[{"name": "Bản sao giấy khai sinh"}],
            reason="Thiếu giấy tờ",
            requested_by=officer,
            requested_at=requested,
            answered_at=answered,
        )

    P, C = parent, child
    # received in the period and resolved
    make("D1", P, Status.RETURNED, ONLINE, received=at(1, 5), due_at=at(1, 10, 17),
         finished_at=at(1, 8), returned_at=at(1, 9), closed_at=at(1, 9), outcome=Outcome.EARLY)  # fmt: skip
    make("D2", P, Status.FINISHED, IN_PERSON, received=at(1, 10), due_at=at(1, 15, 17),
         finished_at=at(1, 15, 10), outcome=Outcome.ON_TIME)  # fmt: skip
    make("D3", P, Status.RETURNED, POST, received=at(2, 1), due_at=at(2, 5, 17),
         finished_at=at(2, 7), returned_at=at(2, 8), closed_at=at(2, 8), outcome=Outcome.LATE)  # fmt: skip
    make("D4", P, Status.RETURNED, IN_PERSON, received=at(2, 10), finished_at=at(2, 10),
         returned_at=at(2, 10), closed_at=at(2, 10), outcome=Outcome.ON_TIME,
         resolved_on_spot=True)  # fmt: skip
    # received in the period, open at its end (child agency)
    make("D5", C, Status.PROCESSING, ONLINE, received=at(3, 1), due_at=at(3, 20, 17))
    make("D6", C, Status.PROCESSING, IN_PERSON, received=at(2, 20), due_at=at(3, 5, 17))
    # carried over from before the period
    make("D7", P, Status.RETURNED, ONLINE, received=at(12, 1, year=2025),
         due_at=at(12, 20, 17, year=2025), finished_at=at(1, 3), returned_at=at(1, 4),
         closed_at=at(1, 4), outcome=Outcome.LATE)  # fmt: skip
    make("D8", P, Status.PROCESSING, IN_PERSON, received=at(11, 20, year=2025),
         due_at=at(12, 10, 17, year=2025))  # fmt: skip
    # finished before the period, returned during it: only "returned"
    make("D9", P, Status.RETURNED, ONLINE, received=at(11, 1, year=2025),
         due_at=at(11, 20, 17, year=2025), finished_at=at(12, 1, year=2025),
         returned_at=at(12, 20, year=2025), closed_at=at(12, 20, year=2025),
         outcome=Outcome.EARLY)  # fmt: skip
    # waiting for a supplement at the end (due moment already passed, but the clock is stopped)
    d10 = make("D10", P, Status.WAITING_SUPPLEMENT, ONLINE, received=at(3, 2), due_at=at(3, 8, 17))
    supplement(d10, at(3, 4))
    # waiting for a payment at the end, due moment passed: the clock is stopped too
    make("D20", P, Status.WAITING_PAYMENT, IN_PERSON, received=at(3, 3), due_at=at(3, 6, 17),
         paused_at=at(3, 5))  # fmt: skip
    # a supplement answered inside the period
    d11 = make("D11", P, Status.PROCESSING, IN_PERSON, received=at(1, 20), due_at=at(3, 30, 17))
    supplement(d11, at(1, 21), at(1, 25))
    # withdrawn after acceptance, stopped, refused, withdrawn before acceptance
    make("D12", P, Status.WITHDRAWN, ONLINE, received=at(1, 12), due_at=at(1, 30, 17),
         closed_at=at(1, 20))  # fmt: skip
    make("D13", C, Status.STOPPED, IN_PERSON, received=at(12, 20, year=2025),
         due_at=at(1, 30, 17), closed_at=at(2, 1))  # fmt: skip
    make("D14", P, Status.REFUSED, ONLINE, refused_at=at(2, 15), closed_at=at(2, 15))
    make("D19", P, Status.WITHDRAWN, ONLINE, submitted_at=at(2, 2), closed_at=at(2, 3))
    # outside the scope or the period
    make("D15", other, Status.RETURNED, ONLINE, received=at(1, 5), due_at=at(1, 10, 17),
         finished_at=at(1, 8), returned_at=at(1, 9), closed_at=at(1, 9), outcome=Outcome.EARLY)  # fmt: skip
    make("D16", P, Status.PROCESSING, ONLINE, received=at(3, 20), due_at=at(3, 30, 17))
    DossierFactory(applicant_name="D17", applicant_user=None, case=case, competent_agency=P,
                   draft=True)  # fmt: skip
    # asked for a supplement before the end, answered after it (child agency)
    d18 = make("D18", C, Status.PROCESSING, POST, received=at(3, 10), due_at=at(3, 11, 17))
    supplement(d18, at(3, 12), at(3, 16))
    return parent, child


# name sets per figure, with children (parent + child) — counted by hand
EXPECTED_WITH_CHILDREN = {
    "received": {"D1", "D2", "D3", "D4", "D5", "D6", "D10", "D11", "D12", "D13", "D18", "D20"},
    "received_online": {"D1", "D5", "D10", "D12"},
    "received_in_person": {"D2", "D4", "D6", "D11", "D13", "D20"},
    "received_post": {"D3", "D18"},
    "carried_over": {"D7", "D8"},
    "resolved": {"D1", "D2", "D3", "D4", "D7"},
    "resolved_early": {"D1"},
    "resolved_on_time": {"D2", "D4"},
    "resolved_late": {"D3", "D7"},
    "in_progress": {"D5", "D6", "D8", "D10", "D11", "D18", "D20"},
    "in_progress_within": {"D5", "D10", "D11", "D18", "D20"},
    "in_progress_overdue": {"D6", "D8"},
    "waiting_supplement": {"D10", "D18"},
    "stopped": {"D13"},
    "withdrawn": {"D12", "D19"},
    "refused": {"D14"},
    "resolved_on_spot": {"D4"},
    "returned": {"D1", "D3", "D4", "D7", "D9"},
}
EXPECTED_WITH_CHILDREN["to_handle"] = (
    EXPECTED_WITH_CHILDREN["received"] | EXPECTED_WITH_CHILDREN["carried_over"]
)
CHILD_ONLY = {"D5", "D6", "D13", "D18"}


def test_every_figure_counted_by_hand(dataset):
    parent, _child = dataset
    stats = compute(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    assert stats.as_dict() == {
        "to_handle": 14,
        "received": 12,
        "received_online": 4,
        "received_in_person": 6,
        "received_post": 2,
        "carried_over": 2,
        "resolved": 5,
        "resolved_early": 1,
        "resolved_on_time": 2,
        "resolved_late": 2,
        "in_progress": 7,
        "in_progress_within": 5,
        "in_progress_overdue": 2,
        "waiting_supplement": 2,
        "stopped": 1,
        "withdrawn": 2,
        "refused": 1,
        "resolved_on_spot": 1,
        "returned": 5,
        "on_time_rate": 60.0,  # (1 + 2) / 5
        "online_rate": 33.33,  # 4 / 12
    }
    # the 06a balance: carried over + received = resolved + in progress + withdrawn/stopped
    # after acceptance (D12, D13)
    assert stats.carried_over + stats.received == stats.resolved + stats.in_progress + 2


def test_without_children(dataset):
    parent, child = dataset
    stats = compute(
        agency=parent, date_from=Q1.date_from, date_to=Q1.date_to, include_children=False
    )
    assert (stats.received, stats.received_online, stats.received_in_person) == (8, 3, 4)
    assert (stats.received_post, stats.carried_over, stats.resolved) == (1, 2, 5)
    assert (stats.in_progress, stats.in_progress_within, stats.in_progress_overdue) == (4, 3, 1)
    assert (stats.waiting_supplement, stats.stopped, stats.withdrawn) == (1, 0, 2)
    child_stats = compute(agency=child, date_from=Q1.date_from, date_to=Q1.date_to)
    assert (child_stats.received, child_stats.in_progress, child_stats.stopped) == (4, 3, 1)
    assert child_stats.in_progress_overdue == 1 and child_stats.waiting_supplement == 1


@pytest.mark.parametrize("figure", list(FIGURES))
def test_drilldown_lists_exactly_the_counted_dossiers(dataset, figure):
    parent, _child = dataset
    listed = dossiers_behind(agency=parent, period=Q1, figure=figure)
    names = {d.applicant_name for d in listed}
    assert names == EXPECTED_WITH_CHILDREN[figure]
    stats = compute(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    assert getattr(stats, figure) == len(names)
    own = dossiers_behind(agency=parent, period=Q1, figure=figure, include_children=False)
    assert {d.applicant_name for d in own} == EXPECTED_WITH_CHILDREN[figure] - CHILD_ONLY


def test_report_rows_per_child_and_total(dataset):
    parent, child = dataset
    result = report(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    assert [row.agency for row in result.rows] == [parent, child]
    assert result.rows[0].include_children is False and result.rows[1].include_children is True
    assert result.rows[0].stats.received == 8 and result.rows[1].stats.received == 4
    assert result.total == compute(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    assert len(result.procedures) == 1 and result.procedures[0].received == 12
    by_month = {m["label"]: m for m in result.months}
    assert list(by_month) == ["12/2025", "01/2026", "02/2026", "03/2026"]
    assert by_month["01/2026"]["received"] == 4  # D1, D2, D11, D12
    assert by_month["12/2025"]["received"] == 1  # D13 on 20/12
    assert (by_month["01/2026"]["resolved"], by_month["01/2026"]["resolved_late"]) == (3, 1)
    assert sum(m["received"] for m in result.months) == 12


def test_open_dossier_is_overdue_only_once_its_due_date_has_passed(tree, time_machine):
    parent, _child, _other = tree
    time_machine.move_to(at(3, 10, 15))  # today 10/03/2026, inside the period
    due_today = DossierFactory(
        competent_agency=parent,
        status=Status.PROCESSING,
        at=at(3, 2),
        received_at=at(3, 2),
        due_at=at(3, 10, 10),
    )
    due_yesterday = DossierFactory(
        competent_agency=parent,
        status=Status.PROCESSING,
        case=due_today.case,
        at=at(3, 2),
        received_at=at(3, 2),
        due_at=at(3, 9, 17),
    )
    stats = compute(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    assert (stats.in_progress, stats.in_progress_overdue) == (2, 1)
    overdue = dossiers_behind(agency=parent, period=Q1, figure="in_progress_overdue")
    assert list(overdue) == [due_yesterday]


class TestPeriods:
    def test_quarters_follow_the_15th_rule_across_the_year_boundary(self):
        assert period_bounds("quarter", 2026, 1) == Period(
            datetime.date(2025, 12, 15), datetime.date(2026, 3, 14)
        )
        assert period_bounds("quarter", 2026, 2) == Period(
            datetime.date(2026, 3, 15), datetime.date(2026, 6, 14)
        )
        assert period_bounds("quarter", 2026, 4) == Period(
            datetime.date(2026, 9, 15), datetime.date(2026, 12, 14)
        )

    def test_half_year_year_and_month(self):
        assert period_bounds("half", 2026, 1) == Period(
            datetime.date(2025, 12, 15), datetime.date(2026, 6, 14)
        )
        assert period_bounds("half", 2026, 2) == Period(
            datetime.date(2026, 6, 15), datetime.date(2026, 12, 14)
        )
        assert period_bounds("year", 2026) == Period(
            datetime.date(2025, 12, 15), datetime.date(2026, 12, 14)
        )
        assert period_bounds("month", 2026, 1) == Period(
            datetime.date(2025, 12, 15), datetime.date(2026, 1, 14)
        )
        assert statistics.calendar_month(2024, 2) == Period(
            datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)
        )

    @pytest.mark.parametrize(
        ("kind", "number"), [("quarter", 0), ("quarter", 5), ("half", 3), ("week", 1)]
    )
    def test_bad_periods_are_refused(self, kind, number):
        with pytest.raises(ValueError):
            period_bounds(kind, 2026, number)

    def test_consecutive_quarters_tile_the_year(self):
        quarters = [period_bounds("quarter", 2026, n) for n in (1, 2, 3, 4)]
        for before, after in itertools.pairwise(quarters):
            assert after.date_from == before.date_to + datetime.timedelta(days=1)
        assert quarters[0].date_from == period_bounds("quarter", 2025, 4).date_to + (
            datetime.timedelta(days=1)
        )

    def test_dossiers_at_the_quarter_edges(self, tree):
        parent, _child, _other = tree
        case = ProcedureCaseFactory()
        moments = {
            "q4_last": timezone.make_aware(datetime.datetime(2025, 12, 14, 23, 59)),
            "q1_first": timezone.make_aware(datetime.datetime(2025, 12, 15, 0, 0)),
            "q1_last": timezone.make_aware(datetime.datetime(2026, 3, 14, 23, 59)),
            "q2_first": timezone.make_aware(datetime.datetime(2026, 3, 15, 0, 0)),
        }
        for name, moment in moments.items():
            DossierFactory(
                applicant_name=name,
                competent_agency=parent,
                case=case,
                status=Status.ACCEPTED,
                at=moment,
                received_at=moment,
                due_at=moment + datetime.timedelta(days=60),
            )
        for (year, quarter), names in {
            (2025, 4): {"q4_last"},
            (2026, 1): {"q1_first", "q1_last"},
            (2026, 2): {"q2_first"},
        }.items():
            period = period_bounds("quarter", year, quarter)
            listed = dossiers_behind(agency=parent, period=period, figure="received")
            assert {d.applicant_name for d in listed} == names
        q2 = period_bounds("quarter", 2026, 2)
        carried = dossiers_behind(agency=parent, period=q2, figure="carried_over")
        assert {d.applicant_name for d in carried} == {"q4_last", "q1_first", "q1_last"}


@pytest.mark.parametrize("count", [5, 50])
def test_compute_runs_a_constant_number_of_queries(tree, count, django_assert_max_num_queries):
    parent, child, _other = tree
    case = ProcedureCaseFactory()
    for index in range(count):
        DossierFactory(
            competent_agency=child if index % 2 else parent,
            case=case,
            applicant_user=None,
            status=[Status.PROCESSING, Status.RETURNED, Status.STOPPED][index % 3],
            at=at(1, 5) + datetime.timedelta(hours=index),
            outcome=Outcome.LATE if index % 3 == 1 else "",
        )
    with django_assert_max_num_queries(2):
        stats = compute(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    assert stats.received == count
    with django_assert_max_num_queries(6):
        result = report(agency=parent, date_from=Q1.date_from, date_to=Q1.date_to)
    assert result.total.received == count
