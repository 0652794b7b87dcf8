"""Pauses (supplement, payment), apologies and resolution on the spot."""

from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Role
from dossiers import deadlines, services
from dossiers.models import Apology, DossierEvent, Outcome, Status, Step
from dossiers.workflow import WorkflowError
from tests.dossiers.factories import ProcedureCaseFactory
from tests.factories import AgencyFactory, MembershipFactory

from .engine_helpers import fast_hasher, local  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]

ITEMS = [{"name": "Bản sao giấy chứng sinh", "copies_certified": 1}]


@pytest.fixture
def people():
    agency = AgencyFactory()
    roles = {
        role: MembershipFactory(agency=agency, role=role).user
        for role in (Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.AGENCY_LEADER)
    }
    return (
        agency,
        roles[Role.DESK_OFFICER],
        roles[Role.PROCESSING_OFFICER],
        roles[Role.AGENCY_LEADER],
    )


def _log(agency, desk, *, accept=True, **case_kwargs):
    case = ProcedureCaseFactory(**{"time_value": Decimal("3"), **case_kwargs})
    return services.log_paper_dossier(
        by=desk,
        receiving_unit=agency,
        case=case,
        competent_agency=agency,
        applicant={"name": "Võ Văn Tâm", "email": "tam@example.vn", "phone": "0901234567"},
        documents=[],
        accept=accept,
    )


def _processing(people):
    agency, desk, officer, _leader = people
    with time_machine.travel(local(2026, 3, 16, 9, 0), tick=False):
        d = _log(agency, desk)
        d = services.assign(dossier=d, by=officer, officer=officer)
    assert d.status == Status.PROCESSING and d.due_at == local(2026, 3, 19, 9, 0)
    return d


def test_supplement_pause_moves_due_by_paused_working_time(
    people, django_capture_on_commit_callbacks
):
    _agency, _desk, officer, _leader = people
    d = _processing(people)
    with time_machine.travel(local(2026, 3, 17, 10, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            request = services.request_supplement(
                dossier=d, by=officer, items=ITEMS, reason="Thiếu bản sao"
            )
        d.refresh_from_db()
        assert d.status == Status.WAITING_SUPPLEMENT and d.paused_at == local(2026, 3, 17, 10)
        assert not request.during_intake
        assert "cần bổ sung" in mail.outbox[-1].subject
        assert "Bản sao giấy chứng sinh" in mail.outbox[-1].body
        with pytest.raises(WorkflowError, match="một lần, đầy đủ"):
            services.request_supplement(dossier=d, by=officer, items=ITEMS, reason="Lần hai")
    with time_machine.travel(local(2026, 3, 18, 10, 0), tick=False):
        d = services.answer_supplement(dossier=d, by=officer, note="Đã nộp")
    request.refresh_from_db()
    assert d.status == Status.PROCESSING and d.paused_at is None
    assert request.paused_working_seconds == 8 * 3600
    assert request.answered_at == local(2026, 3, 18, 10)
    assert d.due_at == local(2026, 3, 20, 9, 0)  # 8 working hours later
    assert d.original_due_at == local(2026, 3, 19, 9, 0)


def test_pause_over_a_weekend_counts_only_working_time(people):
    _agency, _desk, officer, _leader = people
    d = _processing(people)
    with time_machine.travel(local(2026, 3, 20, 16, 0), tick=False):  # Friday
        services.request_supplement(dossier=d, by=officer, items=ITEMS, reason="Thiếu")
    with time_machine.travel(local(2026, 3, 23, 8, 0), tick=False):  # Monday
        d = services.answer_supplement(dossier=d, by=officer)
    assert d.supplement_requests.get().paused_working_seconds == 2 * 3600
    assert d.due_at == local(2026, 3, 19, 11, 0)


def test_supplement_at_intake_has_no_clock(people):
    agency, desk, _officer, _leader = people
    d = _log(agency, desk, accept=False)
    request = services.request_supplement(dossier=d, by=desk, items=ITEMS, reason="Thiếu")
    assert request.during_intake
    d.refresh_from_db()
    assert d.paused_at is None and d.due_at is None
    d = services.answer_supplement(dossier=d, by=desk)
    assert d.status == Status.SUBMITTED and d.due_at is None
    assert d.supplement_requests.get().paused_working_seconds == 0
    d = services.accept(dossier=d, by=desk)
    assert d.status == Status.ACCEPTED and d.due_at is not None


def test_supplement_request_needs_items_and_reason(people):
    agency, desk, _officer, _leader = people
    d = _log(agency, desk, accept=False)
    with pytest.raises(ValidationError):
        services.request_supplement(dossier=d, by=desk, items=[{"name": " "}], reason="x")
    with pytest.raises(ValidationError):
        services.request_supplement(dossier=d, by=desk, items=ITEMS, reason="")


def test_payment_pauses_the_clock(people):
    _agency, desk, officer, _leader = people
    d = _processing(people)
    with time_machine.travel(local(2026, 3, 17, 13, 30), tick=False):
        d = services.request_payment(dossier=d, by=officer, amount=100000)
    assert d.status == Status.WAITING_PAYMENT and d.fee_amount == 100000
    with time_machine.travel(local(2026, 3, 17, 15, 30), tick=False):
        d = services.confirm_payment(dossier=d, by=desk)
    assert d.status == Status.PROCESSING and d.fees_paid
    assert d.due_at == local(2026, 3, 19, 11, 0)


class TestApology:
    def test_once_before_due_to_a_later_date(self, people, django_capture_on_commit_callbacks):
        _agency, _desk, officer, leader = people
        d = _processing(people)
        with time_machine.travel(local(2026, 3, 18, 9, 0), tick=False):
            with pytest.raises(WorkflowError):  # only leaders sign Mẫu 04
                services.apologise(
                    dossier=d, by=officer, reason="x", new_due_at=local(2026, 3, 25, 9)
                )
            with pytest.raises(ValidationError):
                services.apologise(
                    dossier=d, by=leader, reason="Chờ xác minh", new_due_at=local(2026, 3, 19, 9)
                )
            with django_capture_on_commit_callbacks(execute=True):
                apology = services.apologise(
                    dossier=d, by=leader, reason="Chờ xác minh", new_due_at=local(2026, 3, 25, 9)
                )
            assert "xin lỗi" in mail.outbox[-1].subject.lower()
            d.refresh_from_db()
            assert apology.old_due_at == local(2026, 3, 19, 9)
            assert d.due_at == local(2026, 3, 25, 9)
            assert d.original_due_at == local(2026, 3, 19, 9)
            assert apology.responsible_agency == d.competent_agency
            assert d.events.filter(kind=DossierEvent.Kind.APOLOGY).count() == 1
            with pytest.raises(WorkflowError, match="một lần"):
                services.apologise(
                    dossier=d, by=leader, reason="Lần hai", new_due_at=local(2026, 3, 30, 9)
                )
        assert Apology.objects.count() == 1

    def test_not_after_the_due_moment(self, people):
        _agency, _desk, _officer, leader = people
        d = _processing(people)
        with (
            time_machine.travel(local(2026, 3, 19, 9, 0), tick=False),
            pytest.raises(WorkflowError, match="quá hạn"),
        ):
            services.apologise(
                dossier=d, by=leader, reason="Muộn", new_due_at=local(2026, 3, 25, 9)
            )
        assert not Apology.objects.exists()

    def test_finished_late_against_the_new_date_is_on_time(self, people):
        _agency, _desk, officer, leader = people
        d = _processing(people)
        with time_machine.travel(local(2026, 3, 18, 9, 0), tick=False):
            services.apologise(dossier=d, by=leader, reason="x", new_due_at=local(2026, 3, 25, 9))
        with time_machine.travel(local(2026, 3, 25, 16, 0), tick=False):
            d = services.finish(dossier=d, by=officer)
        assert d.outcome == Outcome.ON_TIME


def test_finish_after_due_date_is_late(people):
    _agency, _desk, officer, _leader = people
    d = _processing(people)
    with time_machine.travel(local(2026, 3, 20, 8, 0), tick=False):
        d = services.finish(dossier=d, by=officer)
    assert d.outcome == Outcome.LATE and d.finished_at == local(2026, 3, 20, 8)


def test_resolve_on_the_spot(people):
    agency, desk, officer, _leader = people
    d = _log(agency, desk, accept=False)
    with pytest.raises(WorkflowError):
        services.resolve_on_spot(dossier=d, by=officer)
    with time_machine.travel(local(2026, 3, 16, 9, 30), tick=False):
        d = services.resolve_on_spot(dossier=d, by=desk, revision=d.revision)
    moment = local(2026, 3, 16, 9, 30)
    assert d.status == Status.RETURNED and d.step == Step.CLOSED and d.resolved_on_spot
    assert d.received_at == d.finished_at == d.returned_at == moment
    assert d.due_at is None
    assert d.outcome == deadlines.ON_SPOT_OUTCOME


def test_hand_over_to_same_unit_is_refused(people):
    agency, desk, _officer, _leader = people
    d = _log(agency, desk)
    with pytest.raises(ValidationError):
        services.hand_over(dossier=d, by=desk, to_unit=agency)
    assert d.status == Status.ACCEPTED


def test_assign_requires_an_officer_of_the_unit(people):
    _agency, _desk, officer, leader = people
    d = _processing(people)
    outsider = MembershipFactory(role=Role.PROCESSING_OFFICER).user
    with pytest.raises(ValidationError):
        services.assign(dossier=d, by=leader, officer=outsider)
    assert d.step == Step.WITH_OFFICER and d.assigned_officer == officer
