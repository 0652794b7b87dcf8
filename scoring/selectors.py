"""Reads of the scoring app, scoped to the asking user."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Role
from accounts.permissions import agencies_of, has_role
from agencies.models import Agency

from . import tree, workflow
from .models import Assessment, CriteriaSet, Evidence, Score, TargetGroup

OWN_ROLES = (Role.CCHC_OFFICER, Role.AGENCY_LEADER)
DEPARTMENT_KINDS = (
    Agency.Kind.DEPARTMENT,
    Agency.Kind.BOARD,
    Agency.Kind.OFFICE,
    Agency.Kind.INSPECTORATE,
)


def can_build(user) -> bool:
    return has_role(user, Role.APPRAISER, Role.ADMINISTRATOR)


def sees_all(user) -> bool:
    """Appraisers, administrators and the head of Home Affairs see every assessment."""
    return has_role(user, Role.APPRAISER, Role.ADMINISTRATOR) or workflow.is_head(user)


def eligible_agencies(*, target_group: str, year: int) -> QuerySet[Agency]:
    """Agencies assessed in a target group in a year (active at some point of that year)."""
    import datetime

    qs = Agency.objects.filter(valid_from__lte=datetime.date(year, 12, 31)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1))
    )
    if target_group == TargetGroup.DEPARTMENTS:
        qs = qs.filter(level=Agency.Level.PROVINCE, kind__in=DEPARTMENT_KINDS)
    elif target_group == TargetGroup.COMMUNES:
        qs = qs.filter(level=Agency.Level.COMMUNE, kind=Agency.Kind.PEOPLES_COMMITTEE)
    else:
        qs = qs.filter(level=Agency.Level.DISTRICT, kind=Agency.Kind.PEOPLES_COMMITTEE)
    return qs.order_by("display_order", "name")


def sets_for(*, user) -> QuerySet[CriteriaSet]:
    qs = CriteriaSet.objects.all()
    if not (can_build(user) or workflow.is_head(user)):
        qs = qs.filter(status=CriteriaSet.Status.OPEN)
    return qs.order_by("-year", "target_group")


def assessments_for(*, user) -> QuerySet[Assessment]:
    qs = Assessment.objects.select_related("criteria_set", "agency", "band")
    if sees_all(user):
        return qs
    return qs.filter(agency__in=agencies_of(user, roles=OWN_ROLES))


def can_view_assessment(user, assessment: Assessment) -> bool:
    if sees_all(user):
        return True
    return has_role(user, *OWN_ROLES, agency=assessment.agency)


def get_assessment(*, user, public_id) -> Assessment | None:
    assessment = assessments_for(user=user).filter(public_id=public_id).first()
    return assessment


def startable_for(*, user) -> list[tuple[CriteriaSet, Agency]]:
    """(open set, own agency) pairs where the user's agency has no assessment yet."""
    own = list(agencies_of(user, roles=[Role.CCHC_OFFICER]))
    if not own or sees_all(user):
        return []
    result = []
    open_sets = CriteriaSet.objects.filter(status=CriteriaSet.Status.OPEN)
    existing = set(
        Assessment.objects.filter(agency__in=own).values_list("criteria_set_id", "agency_id")
    )
    for criteria_set in open_sets:
        eligible = set(
            eligible_agencies(
                target_group=criteria_set.target_group, year=criteria_set.year
            ).values_list("pk", flat=True)
        )
        for agency in own:
            if agency.pk in eligible and (criteria_set.pk, agency.pk) not in existing:
                result.append((criteria_set, agency))
    return result


def can_download_evidence(user, evidence: Evidence) -> bool:
    return can_view_assessment(user, evidence.score.assessment)


@dataclass
class Row:
    node: tree.Node
    score: Score | None = None

    @property
    def criterion(self):
        return self.node.criterion


@dataclass
class Area:
    criterion: object
    rows: list[Row] = field(default_factory=list)
    leaves: int = 0
    done: int = 0
    self_points: Decimal = Decimal("0")
    appraised_points: Decimal = Decimal("0")

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.leaves) if self.leaves else 100


@dataclass
class Sheet:
    areas: list[Area]
    leaves: int
    done: int
    max_total: Decimal
    self_total: Decimal
    appraised_total: Decimal

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.leaves) if self.leaves else 100


def sheet(*, assessment: Assessment) -> Sheet:
    """The criteria tree of the assessment with each leaf's score and evidence (3 queries)."""
    roots = tree.load(assessment.criteria_set)
    scores = {
        s.criterion_id: s
        for s in assessment.scores.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
    }
    areas: list[Area] = []
    for root in roots:
        area = Area(criterion=root.criterion)
        for node in tree.walk([root]):
            score = scores.get(node.criterion.pk) if node.is_leaf else None
            area.rows.append(Row(node=node, score=score))
            if node.is_leaf:
                area.leaves += 1
                if score and score.self_points is not None:
                    area.done += 1
                    area.self_points += score.self_points
                if score and score.appraised_points is not None:
                    area.appraised_points += score.appraised_points
        areas.append(area)
    return Sheet(
        areas=areas,
        leaves=sum(a.leaves for a in areas),
        done=sum(a.done for a in areas),
        max_total=tree.max_total(roots),
        self_total=sum((a.self_points for a in areas), Decimal("0")),
        appraised_total=sum((a.appraised_points for a in areas), Decimal("0")),
    )
