"""Ranking of a criteria set: totals, index, rank with ties, band, change, points by area.

- total (final_total) = the points of the non-bonus areas plus the bonus areas; a leaf's points
  are Score.final_points (appraised, else auto, else self; empty = 0); an inner node marked
  `max_differs_from_children` is capped at its max (rules.aggregate).
- max_total = the sum of the non-bonus areas' max (tree.max_total).
- index_pct = final_total / max_total × 100 (two decimals, half-up; not capped, so bonus points
  may lift it above 100).
- rank: competition ranking by index_pct within the set (= year and target group); equal
  indices share a rank and the next rank skips (1, 1, 3). Only RANKED assessments get a rank:
  appraised, approved and published ones before the set is published; published ones after.
- band: the set's Band with the highest min_index ≤ index_pct.
- previous_rank: the agency's rank in the published set of the year before for the same target
  group; failing that, the best (lowest) rank of its predecessors (agencies.AgencySuccession).
- area_points (JSON on Assessment), keyed by area (root) code:
  {"1": {"name": "...", "max": "10", "self": "8.5", "final": "8", "bonus": false}, ...}
  (decimal strings; order the areas by the tree, not by the JSON keys).

Everything runs in a fixed number of queries: one grouped aggregate over Score (per assessment
and "bucket" node — the nearest capped ancestor of a leaf, else its area), one for the
assessments, one for last year's ranks, one for successions and a bulk update.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import AgencySuccession
from core import generations

from . import rules, services, tree, workflow
from .models import Assessment, Band, CriteriaSet, TargetGroup

S = Assessment.Status
ZERO = Decimal("0")
HUNDRED = Decimal("100")
TWO = Decimal("0.01")
RANKED_BEFORE_PUBLICATION = (S.APPRAISED, S.APPROVED, S.PUBLISHED)

# URL slugs of the target groups (public pages)
GROUP_SLUGS = {
    TargetGroup.DEPARTMENTS: "so-ban-nganh",
    TargetGroup.COMMUNES: "xa-phuong-dac-khu",
    TargetGroup.DISTRICTS: "cap-huyen",
}
SLUG_GROUPS = {slug: group for group, slug in GROUP_SLUGS.items()}


def group_from_slug(slug: str) -> str | None:
    if slug in SLUG_GROUPS:
        return SLUG_GROUPS[slug]
    return slug if slug in TargetGroup.values else None


def ranked_statuses(criteria_set: CriteriaSet) -> tuple[str, ...]:
    return (S.PUBLISHED,) if criteria_set.is_published else RANKED_BEFORE_PUBLICATION


def competition_ranks(values: list[Decimal]) -> list[int]:
    """Ranks for values sorted best first: ties share a rank, the next one skips (1, 1, 3)."""
    ranks: list[int] = []
    for position, value in enumerate(values, start=1):
        if position > 1 and value == values[position - 2]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position)
    return ranks


def band_for(index: Decimal | None, bands: list[Band]) -> Band | None:
    """`bands` sorted by min_index, highest first."""
    if index is None:
        return None
    for band in bands:
        if index >= band.min_index:
            return band
    return None


def _buckets(roots: list[tree.Node]) -> dict[int, int]:
    """leaf criterion id → the id of its nearest capped ancestor, else of its area (root)."""
    result: dict[int, int] = {}

    def visit(node: tree.Node, bucket: int):
        for child in node.children:
            if child.is_leaf:
                result[child.criterion.pk] = bucket
            else:
                visit(
                    child,
                    child.criterion.pk if child.criterion.max_differs_from_children else bucket,
                )

    for root in roots:
        if root.is_leaf:
            result[root.criterion.pk] = root.criterion.pk
        visit(root, root.criterion.pk)
    return result


def _evaluate(node: tree.Node, direct: dict[int, Decimal]) -> Decimal:
    """Points of a node from the per-bucket sums (capping where the node says so)."""
    if node.is_leaf:
        return direct.get(node.criterion.pk, ZERO)
    total = direct.get(node.criterion.pk, ZERO)
    for child in node.children:
        if not child.is_leaf:
            total += _evaluate(child, direct)
    if node.criterion.max_differs_from_children:
        return rules.aggregate(node.criterion.max_points, [total], capped=True)
    return total


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO, ROUND_HALF_UP)


def previous_ranks(criteria_set: CriteriaSet, agency_ids: list[int]) -> dict[int, int]:
    """agency id → last year's published rank (its own, else its predecessors' best)."""
    previous = CriteriaSet.objects.filter(
        year=criteria_set.year - 1,
        target_group=criteria_set.target_group,
        published_at__isnull=False,
    ).first()
    if previous is None:
        return {}
    ranks = dict(
        Assessment.objects.filter(
            criteria_set=previous, status=S.PUBLISHED, rank__isnull=False
        ).values_list("agency_id", "rank")
    )
    result = {aid: ranks[aid] for aid in agency_ids if aid in ranks}
    missing = [aid for aid in agency_ids if aid not in result]
    if missing:
        for successor, predecessor in AgencySuccession.objects.filter(
            successor_id__in=missing
        ).values_list("successor_id", "predecessor_id"):
            if predecessor in ranks:
                result[successor] = min(
                    result.get(successor, ranks[predecessor]), ranks[predecessor]
                )
    return result


RANKING_FIELDS = [
    "area_points",
    "self_total",
    "final_total",
    "max_total",
    "index_pct",
    "band",
    "rank",
    "previous_rank",
    "computed_at",
]


def _write(assessments: list[Assessment], names: list[str]) -> None:
    """One parameterised UPDATE per row through executemany: ~100× faster than bulk_update's
    CASE expressions at 1,000 rows. Values go through each field's own DB preparation."""
    fields = [Assessment._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    # identifiers come from the model's own metadata, values are parameters
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608  # nosec B608
        quote(Assessment._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(Assessment._meta.pk.column),
    )
    params = [
        [f.get_db_prep_save(getattr(a, f.attname), connection) for f in fields] + [a.pk]
        for a in assessments
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def compute(*, criteria_set: CriteriaSet) -> int:
    """Recompute totals, index, band, rank and area points of every assessment of the set.

    Returns the number of assessments updated.
    """
    from .models import Score

    roots = tree.load(criteria_set)
    buckets = _buckets(roots)
    max_total = tree.max_total(roots)
    bands = sorted(criteria_set.bands.all(), key=lambda b: b.min_index, reverse=True)

    by_bucket: dict[int, list[int]] = defaultdict(list)
    for leaf, bucket in buckets.items():
        by_bucket[bucket].append(leaf)
    bucket_expr = Case(
        *[When(criterion_id__in=ids, then=Value(b)) for b, ids in by_bucket.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    final_expr = Coalesce("appraised_points", "auto_points", "self_points")
    sums: dict[int, dict[str, dict[int, Decimal]]] = defaultdict(lambda: {"self": {}, "final": {}})
    if by_bucket:
        rows = (
            Score.objects.filter(assessment__criteria_set=criteria_set)
            .annotate(bucket=bucket_expr)
            .values("assessment_id", "bucket")
            .annotate(self_sum=Sum("self_points"), final_sum=Sum(final_expr))
            .order_by()
        )
        for row in rows:
            entry = sums[row["assessment_id"]]
            entry["self"][row["bucket"]] = Decimal(row["self_sum"] or 0)
            entry["final"][row["bucket"]] = Decimal(row["final_sum"] or 0)

    assessments = list(
        Assessment.objects.filter(criteria_set=criteria_set).only(
            "pk", "agency_id", "status", "criteria_set_id"
        )
    )
    ranked = set(ranked_statuses(criteria_set))
    now = timezone.now()
    for assessment in assessments:
        entry = sums.get(assessment.pk, {"self": {}, "final": {}})
        areas = {}
        self_total = final_total = ZERO
        for root in roots:
            c = root.criterion
            self_points = _q(_evaluate(root, entry["self"]))
            final_points = _q(_evaluate(root, entry["final"]))
            self_total += self_points
            final_total += final_points
            areas[c.code] = {
                "name": c.name,
                "max": str(_q(c.max_points)),
                "self": str(self_points),
                "final": str(final_points),
                "bonus": c.is_bonus,
            }
        assessment.area_points = areas
        assessment.self_total = _q(self_total)
        assessment.final_total = _q(final_total)
        assessment.max_total = _q(max_total)
        assessment.index_pct = _q(final_total * HUNDRED / max_total) if max_total else None
        assessment.band = band_for(assessment.index_pct, bands)
        assessment.rank = None
        assessment.computed_at = now

    in_rank = sorted(
        (a for a in assessments if a.status in ranked and a.index_pct is not None),
        key=lambda a: a.index_pct,
        reverse=True,
    )
    ranked_ids = {a.pk for a in in_rank}
    for assessment in assessments:
        if assessment.pk not in ranked_ids:
            assessment.band = None  # a band only for results that are ranked
    for assessment, rank in zip(
        in_rank, competition_ranks([a.index_pct for a in in_rank]), strict=True
    ):
        assessment.rank = rank
    previous = previous_ranks(criteria_set, [a.agency_id for a in assessments])
    for assessment in assessments:
        assessment.previous_rank = previous.get(assessment.agency_id)

    with transaction.atomic():
        _write(assessments, RANKING_FIELDS)
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(ranking_computed_at=now)
        # raw writes send no signals: retire the cached public tables now and on commit
        generations.replace_now_and_on_commit(TABLE_GENERATION_KEY)
    criteria_set.ranking_computed_at = now
    return len(assessments)


# ----------------------------------------------------------------------------- publication
def can_publish(user) -> bool:
    """Publication is the head of Home Affairs' act (scoring.workflow: approved → published)."""
    return workflow.is_head(user)


def publish_set(*, criteria_set: CriteriaSet, by, publication_ref: str = "") -> int:
    """Publish every approved assessment of the set and the set's ranking (one transaction).

    Can be repeated to publish assessments approved later; the first publication moment stays.
    Returns the number of assessments published now.
    """
    if not can_publish(by):
        raise workflow.WorkflowError(_("Chỉ Giám đốc Sở Nội vụ được công bố kết quả chỉ số CCHC."))
    with transaction.atomic():
        criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
        approved = list(criteria_set.assessments.filter(status=S.APPROVED))
        if not approved and not criteria_set.is_published:
            raise ValidationError(_("Chưa có bản đánh giá nào được phê duyệt để công bố."))
        for assessment in approved:
            services.publish(
                assessment=assessment,
                by=by,
                note=_("Công bố kết quả chỉ số CCHC năm %(y)s.") % {"y": criteria_set.year},
            )
        if criteria_set.published_at is None:
            criteria_set.published_at = timezone.now()
            criteria_set.published_by = by
        if publication_ref:
            criteria_set.publication_ref = publication_ref
        criteria_set.save(update_fields=["published_at", "published_by", "publication_ref"])
        compute(criteria_set=criteria_set)
    return len(approved)


# ----------------------------------------------------------------------------- reads
@dataclass
class AreaCell:
    code: str
    name: str
    max: Decimal
    self: Decimal
    final: Decimal
    bonus: bool

    @property
    def percent(self) -> Decimal:
        return _q(self.final * HUNDRED / self.max) if self.max else ZERO


def areas_of(assessment: Assessment, order: list[str] | None = None) -> list[AreaCell]:
    data = assessment.area_points or {}
    codes = order or sorted(data, key=_code_key)
    cells = []
    for code in codes:
        item = data.get(code)
        if not item:
            continue
        cells.append(
            AreaCell(
                code=code,
                name=item.get("name", ""),
                max=Decimal(item.get("max", "0")),
                self=Decimal(item.get("self", "0")),
                final=Decimal(item.get("final", "0")),
                bonus=bool(item.get("bonus")),
            )
        )
    return cells


def _code_key(code: str):
    return [int(p) if p.isdigit() else p for p in str(code).split(".")]


def area_order(criteria_set: CriteriaSet) -> list[tuple[str, str]]:
    """(code, name) of the areas (roots) in tree order."""
    return [
        (code, name)
        for code, name in criteria_set.criteria.filter(parent__isnull=True)
        .order_by("position", "pk")
        .values_list("code", "name")
    ]


def sees_unpublished(user) -> bool:
    from .selectors import sees_all

    return bool(getattr(user, "is_authenticated", False)) and sees_all(user)


def visible_set(*, user, year: int, target_group: str) -> CriteriaSet | None:
    """The set whose ranking `user` may see: published for everyone, any for Home Affairs."""
    criteria_set = CriteriaSet.objects.filter(year=year, target_group=target_group).first()
    if criteria_set is None:
        return None
    if criteria_set.is_published or sees_unpublished(user):
        return criteria_set
    return None


def published_sets() -> list[CriteriaSet]:
    """Every published set, the latest first (what the public ranking page opens with). Kept
    by the process under the ranking table's generation (a saved or deleted set replaces it;
    core.generations.ProcessCopy), read afresh inside a transaction."""
    return list(_PUBLISHED.get(_read_published_sets))


def _read_published_sets() -> list[CriteriaSet]:
    return list(
        CriteriaSet.objects.filter(published_at__isnull=False).order_by("-year", "target_group")
    )


def rows(*, criteria_set: CriteriaSet, user=None):
    """Assessments shown in the ranking table: published ones for the public; for Home Affairs
    staff before publication, every ranked or computed assessment."""
    qs = Assessment.objects.filter(criteria_set=criteria_set).select_related("agency", "band")
    if criteria_set.is_published and not sees_unpublished(user):
        qs = qs.filter(status=S.PUBLISHED)
    elif not sees_unpublished(user):
        return Assessment.objects.none()
    return qs.order_by(
        Case(When(rank__isnull=True, then=Value(1)), default=Value(0)),
        "rank",
        "-index_pct",
        "agency__display_order",
        "agency__name",
    )


def find_agency_row(*, criteria_set: CriteriaSet, key: str, user=None) -> Assessment | None:
    """An assessment of the table by its agency's electronic id or its public id."""
    qs = rows(criteria_set=criteria_set, user=user)
    lookup = Q(agency__electronic_id=key)
    try:
        import uuid

        lookup |= Q(public_id=uuid.UUID(str(key)))
    except ValueError:
        pass
    return qs.filter(lookup).first()


# ----------------------------------------------------------------------------- public table cache
# The public table of 1,000 agencies takes ~0.5 s to render (12 formatted numbers per row);
# its HTML is cached under a generation that every change of what it shows replaces: a save or
# delete of a criteria set, band, assessment or agency (signals, scoring.apps) and compute()'s
# raw writes. A direct SQL edit is not seen until TABLE_CACHE_SECONDS pass.
TABLE_CACHE_SECONDS = 600
TABLE_GENERATION_KEY = "scoring:ranking:generation"
_PUBLISHED = generations.ProcessCopy(TABLE_GENERATION_KEY)  # published_sets()


def public_table_cache_key(criteria_set: CriteriaSet, *, language: str) -> str:
    generation = generations.current(TABLE_GENERATION_KEY)
    return f"scoring:ranking:table:{generation}:{criteria_set.pk}:{language}"


def change(assessment: Assessment) -> int | None:
    """Places gained (+) or lost (−) since last year; None without both ranks."""
    if assessment.rank is None or assessment.previous_rank is None:
        return None
    return assessment.previous_rank - assessment.rank
