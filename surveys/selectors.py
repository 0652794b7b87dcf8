"""Reads of the surveys app: who sees which results, and the figures the scoring app uses.

Selectors for scoring (keyword-only; every figure comes with the counts behind it):
- sipas_index(agency, date_from, date_to, include_children=True)
- element_index(agency, element, date_from, date_to, include_children=True)
- dossier_rating_average(agency, date_from, date_to, include_children=True)
- knowledge_results(agency, year=None, date_from=None, date_to=None, kind="knowledge_test")
Percentages are floats in 0..100 (None when there is nothing to measure).
"""

import datetime
from collections.abc import Iterable

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, StaffMembership
from accounts.permissions import PROVINCE_WIDE_ROLES, agencies_of, has_role, roles_of
from agencies.models import Agency

from . import results
from .models import (
    TEST_KINDS,
    SipasElement,
    Survey,
    SurveyKind,
    SurveyStatus,
    TestAttempt,
)

RESULT_VIEWER_ROLES = (Role.AGENCY_LEADER, Role.CCHC_OFFICER)
SAMPLING_ROLES = (Role.APPRAISER, Role.ADMINISTRATOR)
RESULT_KINDS = (SurveyKind.SIPAS, SurveyKind.OFFICIALS_PERCEPTION, SurveyKind.DOSSIER_RATING)
FINISHED_ATTEMPTS = (TestAttempt.Status.SUBMITTED, TestAttempt.Status.EXPIRED)
# Score bands on the 10-point scale: (key, label, lower bound inclusive, upper bound exclusive)
SCORE_BANDS = [
    ("lt5", _("Dưới 5 điểm"), None, 5),
    ("5to65", _("Từ 5 đến dưới 6,5 điểm"), 5, 6.5),
    ("65to8", _("Từ 6,5 đến dưới 8 điểm"), 6.5, 8),
    ("ge8", _("Từ 8 điểm trở lên"), 8, None),
]


# --- agency tree and scope ----------------------------------------------------------------------
def descendant_ids(agency_ids: Iterable[int], *, include_children: bool = True) -> set[int]:
    """The agencies and (when asked) every unit below them (10 levels at most)."""
    tree = set(agency_ids)
    frontier = set(tree) if include_children else set()
    for _depth in range(10):
        if not frontier:
            break
        children = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - tree
        tree |= children
    return tree


def is_province_wide(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and roles_of(user) & PROVINCE_WIDE_ROLES)


def can_sample(user) -> bool:
    """The sampling frame holds personal data: Home Affairs appraisers and administrators only."""
    return has_role(user, *SAMPLING_ROLES)


def can_see_results(user) -> bool:
    return is_province_wide(user) or has_role(user, *RESULT_VIEWER_ROLES)


def result_agencies(*, user) -> QuerySet[Agency]:
    """Agencies whose results the user may read: all for appraisers / administrators; the
    agencies (and their units) where the user is a leader or CCHC officer otherwise."""
    if is_province_wide(user):
        return Agency.objects.all()
    own = agencies_of(user, roles=RESULT_VIEWER_ROLES).values_list("pk", flat=True)
    return Agency.objects.filter(pk__in=descendant_ids(own))


def result_surveys(*, user) -> QuerySet[Survey]:
    """Surveys with results the user may open (not tests, not drafts)."""
    if not can_see_results(user):
        return Survey.objects.none()
    return (
        Survey.objects.filter(kind__in=RESULT_KINDS)
        .exclude(status=SurveyStatus.DRAFT)
        .order_by("-period_start", "-created_at", "-pk")
    )


def scoped_agency_ids(*, user, agency: Agency | None, include_children: bool) -> set[int] | None:
    """Agency ids a result query is restricted to; None = no restriction (province-wide user
    without a chosen agency). Raises PermissionError when the agency is out of scope."""
    allowed = (
        None
        if is_province_wide(user)
        else set(result_agencies(user=user).values_list("pk", flat=True))
    )
    if agency is None:
        return allowed
    if allowed is not None and agency.pk not in allowed:
        raise PermissionError
    ids = descendant_ids([agency.pk], include_children=include_children)
    return ids if allowed is None else ids & allowed


# --- selectors for scoring ----------------------------------------------------------------------
def _sipas_surveys() -> QuerySet[Survey]:
    return Survey.objects.filter(kind=SurveyKind.SIPAS)


def sipas_index(
    *,
    agency: Agency,
    date_from: datetime.date,
    date_to: datetime.date,
    include_children: bool = True,
) -> dict:
    """SIPAS of an agency over every SIPAS survey's responses submitted in [date_from, date_to].

    Returns {"value": SIPAS % or None, "elements": {element code: index % or None},
    "criteria": {criterion code: {"satisfied", "valid_answers", "value"}}, "responses":
    submitted responses, "valid_answers": criterion answers counted, "margin_of_error":
    worst-case 95 % margin in points}.
    """
    ids = descendant_ids([agency.pk], include_children=include_children)
    surveys = _sipas_surveys()
    responses = results.submitted_responses(
        surveys=surveys, agency_ids=ids, date_from=date_from, date_to=date_to
    )
    core = results.sipas_core(responses=responses, surveys=surveys)
    return {
        "value": core.index,
        "elements": {code: core.element_map.get(code) for code in results.ELEMENT_ORDER},
        "criteria": {
            c.code: {
                "satisfied": c.share.count,
                "valid_answers": c.share.total,
                "value": c.share.value,
            }
            for e in core.elements
            for c in e.criteria
        },
        "responses": core.responses,
        "valid_answers": core.valid_answers,
        "margin_of_error": core.moe,
    }


def element_index(
    *,
    agency: Agency,
    element: str,
    date_from: datetime.date,
    date_to: datetime.date,
    include_children: bool = True,
) -> dict:
    """One SIPAS element: {"value", "criteria": {code: share %}, "responses" (answering at least
    one of its criteria), "valid_answers", "margin_of_error"}."""
    if element not in SipasElement.values:
        raise ValueError(f"Unknown SIPAS element {element!r}")
    ids = descendant_ids([agency.pk], include_children=include_children)
    surveys = _sipas_surveys()
    responses = results.submitted_responses(
        surveys=surveys, agency_ids=ids, date_from=date_from, date_to=date_to
    )
    core = results.sipas_core(responses=responses, surveys=surveys)
    found = next((e for e in core.elements if e.code == element), None)
    if found is None:
        return {
            "value": None,
            "criteria": {},
            "responses": 0,
            "valid_answers": 0,
            "margin_of_error": None,
        }
    return {
        "value": found.index,
        "criteria": {c.code: c.share.value for c in found.criteria},
        "responses": found.respondents,
        "valid_answers": sum(c.share.total for c in found.criteria),
        "margin_of_error": found.moe,
    }


def dossier_rating_average(
    *,
    agency: Agency,
    date_from: datetime.date,
    date_to: datetime.date,
    include_children: bool = True,
) -> dict:
    """Post-dossier ratings of an agency submitted in the period.

    Returns {"responses", "averages": {question code: mean answer (3-level questions: 1..3)},
    "indicators": {computed key: {"two_points", "known", "share"}}}.
    """
    ids = descendant_ids([agency.pk], include_children=include_children)
    data = results.rating_results(
        surveys=Survey.objects.filter(kind=SurveyKind.DOSSIER_RATING),
        agency_ids=ids,
        date_from=date_from,
        date_to=date_to,
    )
    total = data["total"]
    return {
        "responses": total.responses,
        "averages": total.averages,
        "indicators": {
            key: {"two_points": s.count, "known": s.total, "share": s.value}
            for key, s in total.indicators.items()
        },
    }


def _score10():
    return Cast(F("score"), FloatField()) * 10.0 / Cast(F("max_score"), FloatField())


def finished_attempts(
    *,
    surveys=None,
    kind: str = SurveyKind.KNOWLEDGE_TEST,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[TestAttempt]:
    qs = TestAttempt.objects.filter(status__in=FINISHED_ATTEMPTS, max_score__gt=0)
    qs = qs.filter(survey__in=surveys) if surveys is not None else qs.filter(survey__kind=kind)
    if date_from:
        qs = qs.filter(started_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(started_at__date__lte=date_to)
    return qs


def _band_aggregates() -> dict:
    out = {}
    for key, _label, low, high in SCORE_BANDS:
        cond = Q()
        if low is not None:
            cond &= Q(score10__gte=low)
        if high is not None:
            cond &= Q(score10__lt=high)
        out[f"band_{key}"] = Count("id", filter=cond)
    return out


def staff_counts(agency_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{agency id: distinct active staff members}."""
    qs = StaffMembership.objects.filter(is_active=True, user__is_active=True)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    return dict(
        qs.values("agency_id")
        .annotate(n=Count("user", distinct=True))
        .order_by()
        .values_list("agency_id", "n")
    )


def knowledge_by_agency(attempts: QuerySet[TestAttempt]) -> list[dict]:
    """Per agency: attempts, staff, participation %, mean score (10-point), bands."""
    rows = list(
        attempts.annotate(score10=_score10())
        .values("agency_id")
        .annotate(attempts=Count("id"), mean=Avg("score10"), **_band_aggregates())
        .order_by()
    )
    ids = [r["agency_id"] for r in rows if r["agency_id"]]
    staff = staff_counts(ids)
    names = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))
    out = []
    for r in rows:
        n_staff = staff.get(r["agency_id"], 0)
        out.append(
            {
                "agency_id": r["agency_id"],
                "agency": names.get(r["agency_id"], "—"),
                "attempts": r["attempts"],
                "staff": n_staff,
                "participation_rate": r["attempts"] / n_staff * 100 if n_staff else None,
                "mean_score": r["mean"],
                "bands": {key: r[f"band_{key}"] for key, *_rest in SCORE_BANDS},
                "band_list": [r[f"band_{key}"] for key, *_rest in SCORE_BANDS],
            }
        )
    out.sort(key=lambda r: r["agency"])
    return out


def knowledge_results(
    *,
    agency: Agency,
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    kind: str = SurveyKind.KNOWLEDGE_TEST,
    include_children: bool = True,
) -> dict:
    """Knowledge (or skills, kind="skills_test") test results of an agency: attempts started
    in the year (or dates) and finished (submitted or expired).

    Returns {"attempts", "staff" (distinct active staff of the agency and its units),
    "participation_rate" (attempts / staff × 100), "mean_score" (10-point scale),
    "mean_percent", "bands": {band key: attempts}}.
    """
    if kind not in TEST_KINDS:
        raise ValueError(f"Not a test kind: {kind!r}")
    if year is not None:
        date_from, date_to = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ids = descendant_ids([agency.pk], include_children=include_children)
    attempts = finished_attempts(kind=kind, date_from=date_from, date_to=date_to).filter(
        agency_id__in=ids
    )
    data = attempts.annotate(score10=_score10()).aggregate(
        attempts=Count("id"), mean=Avg("score10"), **_band_aggregates()
    )
    staff = (
        StaffMembership.objects.filter(agency_id__in=ids, is_active=True, user__is_active=True)
        .values("user")
        .distinct()
        .count()
    )
    mean = data["mean"]
    return {
        "attempts": data["attempts"],
        "staff": staff,
        "participation_rate": data["attempts"] / staff * 100 if staff else None,
        "mean_score": mean,
        "mean_percent": mean * 10 if mean is not None else None,
        "bands": {key: data[f"band_{key}"] for key, *_rest in SCORE_BANDS},
    }


def knowledge_people(attempts: QuerySet[TestAttempt]) -> QuerySet[TestAttempt]:
    """Per-person rows for the results page and export (constant queries)."""
    return (
        attempts.annotate(score10=_score10())
        .select_related("user", "agency", "survey")
        .order_by("agency__name", "user__full_name", "pk")
    )
