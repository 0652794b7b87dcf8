"""The one place that says which status change is allowed, and for whom.

A role is checked in the agency it belongs to: the desk officer at the dossier's receiving unit,
processing officers and leaders at the competent agency (or a parent of it), the applicant on
their own dossier. Province-wide roles (administrator) may act everywhere.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role, roles_of

from .models import Dossier, Status

APPLICANT = "applicant"  # the citizen who owns the dossier's account

DESK = Role.DESK_OFFICER
OFFICER = Role.PROCESSING_OFFICER
LEADER = Role.AGENCY_LEADER

TRANSITIONS: dict[tuple[Status, Status], frozenset[str]] = {
    # intake (Mẫu 01 / 02 / 03); resolved on the spot goes straight to returned
    (Status.SUBMITTED, Status.ACCEPTED): frozenset({DESK}),
    (Status.SUBMITTED, Status.REFUSED): frozenset({DESK}),
    (Status.SUBMITTED, Status.WAITING_SUPPLEMENT): frozenset({DESK}),
    (Status.SUBMITTED, Status.RETURNED): frozenset({DESK}),
    (Status.SUBMITTED, Status.WITHDRAWN): frozenset({APPLICANT, DESK}),
    # processing
    (Status.ACCEPTED, Status.PROCESSING): frozenset({DESK, OFFICER, LEADER}),
    (Status.ACCEPTED, Status.WITHDRAWN): frozenset({APPLICANT, DESK}),
    (Status.ACCEPTED, Status.STOPPED): frozenset({LEADER}),
    (Status.PROCESSING, Status.WAITING_SUPPLEMENT): frozenset({OFFICER, LEADER, DESK}),
    (Status.PROCESSING, Status.WAITING_PAYMENT): frozenset({OFFICER, LEADER}),
    (Status.PROCESSING, Status.FINISHED): frozenset({OFFICER, LEADER}),
    (Status.PROCESSING, Status.WITHDRAWN): frozenset({APPLICANT, DESK}),
    (Status.PROCESSING, Status.STOPPED): frozenset({LEADER}),
    # pauses: the applicant (or the desk on their behalf) answers; payment is confirmed by staff
    (Status.WAITING_SUPPLEMENT, Status.SUBMITTED): frozenset({APPLICANT, DESK}),
    (Status.WAITING_SUPPLEMENT, Status.PROCESSING): frozenset({APPLICANT, DESK, OFFICER}),
    (Status.WAITING_SUPPLEMENT, Status.WITHDRAWN): frozenset({APPLICANT, DESK}),
    (Status.WAITING_SUPPLEMENT, Status.STOPPED): frozenset({LEADER}),
    (Status.WAITING_PAYMENT, Status.PROCESSING): frozenset({DESK, OFFICER, LEADER}),
    (Status.WAITING_PAYMENT, Status.WITHDRAWN): frozenset({APPLICANT, DESK}),
    (Status.WAITING_PAYMENT, Status.STOPPED): frozenset({LEADER}),
    # return of the result
    (Status.FINISHED, Status.RETURNED): frozenset({DESK}),
}

# Moves that are not status changes but still need a role: hand-offs, assignment, apology.
ACTIONS: dict[str, tuple[frozenset[Status], frozenset[str]]] = {
    "hand_over": (
        frozenset({Status.ACCEPTED, Status.PROCESSING, Status.FINISHED}),
        frozenset({DESK, OFFICER, LEADER}),
    ),
    "assign": (frozenset({Status.ACCEPTED, Status.PROCESSING}), frozenset({OFFICER, LEADER})),
    "apologise": (
        frozenset(
            {Status.ACCEPTED, Status.PROCESSING, Status.WAITING_SUPPLEMENT, Status.WAITING_PAYMENT}
        ),
        frozenset({LEADER}),
    ),
    "attach_result": (frozenset({Status.PROCESSING}), frozenset({OFFICER, LEADER})),
}


class WorkflowError(Exception):
    """A move that is not allowed; the message is shown to the user (Vietnamese)."""


class StaleDossier(WorkflowError):
    """Someone else changed the dossier after the form was opened."""


def _agencies_for(dossier: Dossier, role: str) -> Iterator:
    """The agencies in which `role` counts for this dossier, nearest first. Lazy: the parents
    of the competent agency are read (and kept on their children) only when asked for."""
    if role == DESK:
        yield dossier.receiving_unit
        yield dossier.current_unit
        return
    agency = dossier.competent_agency
    while agency is not None:  # a leader of a parent agency may act on its units' dossiers
        yield agency
        agency = agency.parent


def actor_may(user, dossier: Dossier, roles: frozenset[str]) -> bool:
    if APPLICANT in roles and dossier.applicant_user_id and dossier.applicant_user_id == user.pk:
        return True
    staff_roles = roles - {APPLICANT}
    if not staff_roles:
        return False
    held = roles_of(user)  # read once per request; a role held nowhere is held in no agency
    return any(
        has_role(user, role, agency=agency)
        for role in staff_roles & held
        for agency in _agencies_for(dossier, role)
    )


def allowed_targets(dossier: Dossier, user) -> list[Status]:
    """The statuses this user may move the dossier to now (for buttons)."""
    return [
        to
        for (frm, to), roles in TRANSITIONS.items()
        if frm == dossier.status and actor_may(user, dossier, roles)
    ]


def ensure_allowed(dossier: Dossier, *, to: Status, user) -> None:
    roles = TRANSITIONS.get((Status(dossier.status), Status(to)))
    if roles is None:
        raise WorkflowError(
            _("Không thể chuyển hồ sơ từ trạng thái “%(frm)s” sang “%(to)s”.")
            % {"frm": Status(dossier.status).label, "to": Status(to).label}
        )
    if not actor_may(user, dossier, roles):
        raise WorkflowError(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))


def may_act(dossier: Dossier, *, action: str, user) -> bool:
    """ensure_action without the exception: whether the user may do `action` now."""
    statuses, roles = ACTIONS[action]
    return dossier.status in statuses and actor_may(user, dossier, roles)


def ensure_action(dossier: Dossier, *, action: str, user) -> None:
    statuses, roles = ACTIONS[action]
    if dossier.status not in statuses:
        raise WorkflowError(
            _("Không thể thực hiện thao tác khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"status": Status(dossier.status).label}
        )
    if not actor_may(user, dossier, roles):
        raise WorkflowError(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))


def ensure_revision(dossier: Dossier, revision: int | None) -> None:
    if revision is not None and int(revision) != dossier.revision:
        raise StaleDossier(
            _(
                "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới "
                "trước khi thao tác."
            )
        )
