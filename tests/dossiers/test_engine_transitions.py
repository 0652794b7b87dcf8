"""The transition table: every (from, to) pair of Status × Status.

Allowed pairs succeed through their service for each allowed role held in the right agency and
fail for the same role held in another agency; every pair not in the table is refused."""

import itertools

import pytest

from accounts.models import Role
from dossiers import services, workflow
from dossiers.models import Status, SupplementRequest
from dossiers.workflow import APPLICANT, TRANSITIONS, WorkflowError
from tests.dossiers.factories import DossierFactory
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

from .engine_helpers import fast_hasher  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]

ALL_PAIRS = list(itertools.product(list(Status), list(Status)))
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]
ALLOWED = [
    (frm, to, role) for (frm, to), roles in TRANSITIONS.items() for role in sorted(roles, key=str)
]


def _service(frm: Status, to: Status):
    """The service call that performs the move (frm, to)."""
    if to == Status.WITHDRAWN:
        return lambda d, by: services.withdraw(dossier=d, by=by, reason="Rút hồ sơ")
    if to == Status.STOPPED:
        return lambda d, by: services.stop(dossier=d, by=by, reason="Dừng xử lý")
    if to == Status.WAITING_SUPPLEMENT:
        return lambda d, by: services.request_supplement(
            dossier=d, by=by, items=[{"name": "Bản sao giấy khai sinh"}], reason="Thiếu giấy tờ"
        )
    if frm == Status.WAITING_SUPPLEMENT:
        return lambda d, by: services.answer_supplement(dossier=d, by=by, note="Đã bổ sung")
    return {
        (Status.SUBMITTED, Status.ACCEPTED): lambda d, by: services.accept(dossier=d, by=by),
        (Status.SUBMITTED, Status.REFUSED): lambda d, by: services.refuse(
            dossier=d, by=by, reasons="Không thuộc thẩm quyền"
        ),
        (Status.SUBMITTED, Status.RETURNED): lambda d, by: services.resolve_on_spot(
            dossier=d, by=by
        ),
        (Status.ACCEPTED, Status.PROCESSING): lambda d, by: services.hand_over(
            dossier=d, by=by, to_unit=AgencyFactory(parent=d.competent_agency)
        ),
        (Status.PROCESSING, Status.WAITING_PAYMENT): lambda d, by: services.request_payment(
            dossier=d, by=by, amount=50000
        ),
        (Status.PROCESSING, Status.FINISHED): lambda d, by: services.finish(dossier=d, by=by),
        (Status.WAITING_PAYMENT, Status.PROCESSING): lambda d, by: services.confirm_payment(
            dossier=d, by=by
        ),
        (Status.FINISHED, Status.RETURNED): lambda d, by: services.return_result(dossier=d, by=by),
    }[(frm, to)]


def _dossier(frm: Status, to: Status):
    agency = AgencyFactory()
    dossier = DossierFactory(status=frm, competent_agency=agency)
    if frm == Status.WAITING_SUPPLEMENT:
        SupplementRequest.objects.create(
            dossier=dossier,
            items=[{"name": "Tờ khai"}],
            reason="Thiếu",
            requested_by=UserFactory(),
            requested_at=dossier.submitted_at,
            during_intake=to == Status.SUBMITTED,
        )
    return dossier


def _actor(role, dossier, *, right_agency: bool):
    if role == APPLICANT:
        return dossier.applicant_user if right_agency else UserFactory()
    agency = dossier.receiving_unit if role == Role.DESK_OFFICER else dossier.competent_agency
    return MembershipFactory(role=role, agency=agency if right_agency else AgencyFactory()).user


def test_table_covers_every_pair():
    assert len(ALL_PAIRS) == 100
    assert len(FORBIDDEN) + len(TRANSITIONS) == 100


@pytest.mark.parametrize(("frm", "to", "role"), ALLOWED, ids=lambda v: str(v))
def test_allowed_move_succeeds_for_role_in_right_agency(frm, to, role):
    dossier = _dossier(frm, to)
    actor = _actor(role, dossier, right_agency=True)
    assert to in workflow.allowed_targets(dossier, actor)
    revision = dossier.revision
    _service(frm, to)(dossier, actor)
    dossier.refresh_from_db()
    assert dossier.status == to
    assert dossier.revision > revision
    event = dossier.events.filter(to_status=to).last()
    assert event is not None and event.from_status == frm and event.by == actor


@pytest.mark.parametrize(("frm", "to", "role"), ALLOWED, ids=lambda v: str(v))
def test_allowed_move_fails_for_same_role_in_other_agency(frm, to, role):
    dossier = _dossier(frm, to)
    stranger = _actor(role, dossier, right_agency=False)
    with pytest.raises(WorkflowError):
        _service(frm, to)(dossier, stranger)
    dossier.refresh_from_db()
    assert dossier.status == frm
    assert not dossier.events.exists()


@pytest.mark.parametrize(("frm", "to"), FORBIDDEN, ids=lambda v: str(v))
def test_pair_not_in_table_is_refused(frm, to):
    dossier = DossierFactory(status=frm)
    admin = MembershipFactory(role=Role.ADMINISTRATOR).user  # acts everywhere
    with pytest.raises(WorkflowError, match="Không thể chuyển hồ sơ"):
        workflow.ensure_allowed(dossier, to=to, user=admin)


@pytest.mark.parametrize(
    ("frm", "call"),
    [
        (Status.PROCESSING, lambda d, by: services.accept(dossier=d, by=by)),
        (Status.RETURNED, lambda d, by: services.finish(dossier=d, by=by)),
        (Status.ACCEPTED, lambda d, by: services.return_result(dossier=d, by=by)),
        (Status.REFUSED, lambda d, by: services.withdraw(dossier=d, by=by, reason="x")),
        (Status.FINISHED, lambda d, by: services.request_payment(dossier=d, by=by, amount=1)),
    ],
)
def test_services_refuse_moves_outside_the_table(frm, call):
    dossier = DossierFactory(status=frm)
    admin = MembershipFactory(role=Role.ADMINISTRATOR).user
    with pytest.raises(WorkflowError):
        call(dossier, admin)
    dossier.refresh_from_db()
    assert dossier.status == frm
