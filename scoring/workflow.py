"""The one place that says which assessment status change is allowed, and for whom.

Actors:
- OFFICER: Role.CCHC_OFFICER at the assessment's agency (the agency's CCHC officer).
- APPRAISER: Role.APPRAISER, a province-wide role (Home Affairs appraisal group).
- HEAD: the head of Home Affairs = Role.AGENCY_LEADER at the Home Affairs department (electronic
  id settings.SCORING_HOME_AFFAIRS_ID, default "000.10.00.H13"). Decision: administrators do
  NOT approve or publish — approval is the head's legal act (the chairman's decision is
  prepared by Sở Nội vụ); an administrator who must act holds the leader role there.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from agencies.models import Agency

from .models import Assessment

S = Assessment.Status
OFFICER = "agency_officer"
APPRAISER = "appraiser"
HEAD = "home_affairs_head"

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({OFFICER}),
    (S.SUBMITTED, S.UNDER_APPRAISAL): frozenset({APPRAISER}),
    (S.UNDER_APPRAISAL, S.EXPLANATION_REQUESTED): frozenset({APPRAISER}),
    # the agency answers; the appraiser may also take the request back
    (S.EXPLANATION_REQUESTED, S.UNDER_APPRAISAL): frozenset({OFFICER, APPRAISER}),
    (S.UNDER_APPRAISAL, S.APPRAISED): frozenset({APPRAISER}),
    # sent back for another look (by the appraisers themselves or by the head)
    (S.APPRAISED, S.UNDER_APPRAISAL): frozenset({APPRAISER, HEAD}),
    (S.APPRAISED, S.APPROVED): frozenset({HEAD}),
    (S.APPROVED, S.PUBLISHED): frozenset({HEAD}),
}

# Statuses in which each kind of edit is possible (the actor is checked separately).
SELF_EDITABLE = frozenset({S.DRAFT})
EXPLANATION_EDITABLE = frozenset({S.EXPLANATION_REQUESTED})
APPRAISAL_EDITABLE = frozenset({S.UNDER_APPRAISAL})


class WorkflowError(Exception):
    """A move that is not allowed; the message is shown to the user (Vietnamese)."""


def home_affairs() -> Agency | None:
    eid = getattr(settings, "SCORING_HOME_AFFAIRS_ID", "000.10.00.H13")
    return Agency.objects.filter(electronic_id=eid).first()


def is_head(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False  # the public ranking page asks for every anonymous visitor
    agency = home_affairs()
    if agency is None:
        return False
    # has_role with an agency also accepts province-wide roles held anywhere; the leader role
    # is not province-wide, so only a real leader membership at Home Affairs counts.
    return has_role(user, Role.AGENCY_LEADER, agency=agency)


def is_appraiser(user) -> bool:
    return has_role(user, Role.APPRAISER)


def is_officer(user, assessment: Assessment) -> bool:
    return Role.CCHC_OFFICER in _roles_at(user, assessment.agency)


def _roles_at(user, agency) -> set[str]:
    from accounts.permissions import roles_of

    return roles_of(user, agency)


def actor_may(user, assessment: Assessment, actors: frozenset[str]) -> bool:
    if OFFICER in actors and is_officer(user, assessment):
        return True
    if APPRAISER in actors and is_appraiser(user):
        return True
    return HEAD in actors and is_head(user)


def allowed_targets(assessment: Assessment, user) -> list[str]:
    return [
        to
        for (frm, to), actors in TRANSITIONS.items()
        if frm == assessment.status and actor_may(user, assessment, actors)
    ]


def ensure_allowed(assessment: Assessment, *, to: str, user) -> None:
    actors = TRANSITIONS.get((S(assessment.status), S(to)))
    if actors is None:
        raise WorkflowError(
            _("Không thể chuyển bản đánh giá từ trạng thái “%(frm)s” sang “%(to)s”.")
            % {"frm": S(assessment.status).label, "to": S(to).label}
        )
    if not actor_may(user, assessment, actors):
        raise WorkflowError(_("Bạn không có quyền thực hiện thao tác này với bản đánh giá."))
