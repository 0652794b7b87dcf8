"""Criteria scored from the portal's own data (issue item 4).

A leaf with `Criterion.metric` set is computed for the assessed agency and the set's year,
then passed through the leaf's rule (scoring.rules.points_for). The result is stored on the
leaf's Score: auto_value (the figure), auto_inputs (the counts behind it), auto_points, the
period and the moment. The appraiser may override it with a reason (A's appraisal form).

Period: the official yearly reporting period of the set's year (Decree 09/2019 data cut-off,
15/12 of the previous year – 14/12; dossiers.statistics.period_bounds("year", year)).

Scope: the agency with its child units (its one-stop unit, divisions) unless
`metric_params["include_children"]` is false.

Metrics and the rule input they give (ratios are fractions in [0, 1]):

| metric                   | figure (auto_value)                                  | source                          |
| on_time_rate             | (early + on time) / resolved                         | dossiers.statistics.compute     |
| online_rate              | received online / received                           | dossiers.statistics.compute     |
| late_apology_rate        | late dossiers with an apology (Mẫu 04) / late ones   | dossiers.statistics            |
| sipas_index              | SIPAS index % / 100                                  | surveys.selectors.sipas_index   |
| sipas_element            | one element's index % / 100 ({"element": "procedures"}) | surveys.selectors.sipas_index |
| post_dossier_rating      | (mean answer − 1) / (scale_max − 1): 1 Không hài lòng → 0, 3 Rất hài lòng → 1; question "DG11" (overall) when present, else the mean of all rating questions | surveys.selectors.dossier_rating_average |
| knowledge_participation  | participation % / 100 (attempts / staff)             | surveys.selectors.knowledge_results |
| knowledge_mean_score     | mean score % / 100 (mean_percent)                    | surveys.selectors.knowledge_results |

Rule mapping: ratio rules (ratio_tiers, proportional) take the figure as `ratio`; yes/no is
"yes" when the figure ≥ params["min_ratio"] (default 1 = 100 %); count rules take a count —
on_time_rate → late resolved dossiers, late_apology_rate → late dossiers without an apology;
manual rules get no automatic points (the figure is shown to the appraiser only).

"Late dossier" (late_apology_rate): a dossier resolved in the period whose outcome is late, or
which carries an apology (an apology moves the due moment, so a dossier apologised for and then
finished by the new date has outcome on time but was late against its first appointment). When
there is no late dossier the rate is 100 % (nothing to apologise for). This is a small read-only
dossiers.statistics.late_apology_counts.

No data (nothing resolved, no survey answers, surveys selectors missing): auto_value and
auto_points stay empty and auto_inputs says "chưa có dữ liệu" with the reason.

metric_params keys: include_children (bool, default true), element (SIPAS element code
access/procedures/officials/results/feedback, or 1..5), min_ratio (yes/no threshold),
question and scale_max (post_dossier_rating; defaults "DG11" and 3), kind (knowledge metrics:
"knowledge_test" by default or "skills_test").
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import statistics as dossier_statistics

from . import rules
from .models import Assessment, CriteriaSet, Criterion, Metric, RuleType, Score

NO_DATA = "chưa có dữ liệu"
FOUR = Decimal("0.0001")
S = Assessment.Status
# Auto values are frozen once the result is approved.
RECOMPUTABLE = frozenset(
    {S.DRAFT, S.SUBMITTED, S.UNDER_APPRAISAL, S.EXPLANATION_REQUESTED, S.APPRAISED}
)
SIPAS_ELEMENTS = ["access", "procedures", "officials", "results", "feedback"]


@dataclass
class Result:
    value: Decimal | None  # the figure as a fraction in [0, 1]
    inputs: dict = field(default_factory=dict)
    count: int | None = None  # the count a count-based rule uses
    period: tuple[datetime.date, datetime.date] | None = None

    @property
    def available(self) -> bool:
        return self.value is not None


def period_of(year: int) -> tuple[datetime.date, datetime.date]:
    from dossiers.statistics import period_bounds

    period = period_bounds("year", year)
    return period.date_from, period.date_to


def _frac(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(FOUR, ROUND_HALF_UP)


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return result if result.is_finite() else None


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, Decimal("0")), Decimal("1")).quantize(FOUR, ROUND_HALF_UP)


def _from_percent(value) -> Decimal | None:
    """surveys.selectors give percentages as floats in 0..100."""
    value = _dec(value)
    return None if value is None else _clamp(value / 100)


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _no_data(reason: str, period, **inputs) -> Result:
    return Result(value=None, inputs={"status": NO_DATA, "reason": reason, **inputs}, period=period)


# ----------------------------------------------------------------------------- sources
class Sources:
    """Per-agency caches so a set recompute asks each source once per agency."""

    def __init__(self, year: int):
        self.year = year
        self.period = period_of(year)
        self._cache: dict = {}

    def _cached(self, key, fn):
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def dossier_stats(self, agency, include_children: bool):
        from dossiers import statistics

        date_from, date_to = self.period
        return self._cached(
            ("stats", agency.pk, include_children),
            lambda: statistics.compute(
                agency=agency,
                date_from=date_from,
                date_to=date_to,
                include_children=include_children,
            ),
        )

    def late_apology(self, agency, include_children: bool) -> dict:
        return self._cached(
            ("apology", agency.pk, include_children),
            lambda: dossier_statistics.late_apology_counts(
                agency=agency,
                period=dossier_statistics.Period(*self.period),
                include_children=include_children,
            ),
        )

    def survey(self, name: str, agency, **extra):
        key = (name, agency.pk, tuple(sorted(extra.items())))
        return self._cached(key, lambda: _call_surveys(name, agency, self.period, self.year, extra))


def _surveys_selectors():
    try:
        from surveys import selectors
    except ImportError:
        return None
    return selectors


def _call_surveys(name: str, agency, period, year: int, extra: dict):
    """Call surveys.selectors.<name>; None when the selector does not exist."""
    selectors = _surveys_selectors()
    fn = getattr(selectors, name, None) if selectors else None
    if fn is None:
        return None
    date_from, date_to = period
    if name == "knowledge_results":
        return fn(agency=agency, year=year, **extra)
    return fn(agency=agency, date_from=date_from, date_to=date_to, **extra)


# ----------------------------------------------------------------------------- compute
def compute(criterion: Criterion, agency, sources: Sources) -> Result:
    """The figure of `criterion.metric` for `agency` over the year of `sources`."""
    params = criterion.metric_params or {}
    children = bool(params.get("include_children", True))
    period = sources.period
    metric = criterion.metric
    if metric in (Metric.ON_TIME_RATE, Metric.ONLINE_RATE):
        stats = sources.dossier_stats(agency, children)
        if metric == Metric.ON_TIME_RATE:
            good = stats.resolved_early + stats.resolved_on_time
            inputs = {
                "resolved": stats.resolved,
                "resolved_early": stats.resolved_early,
                "resolved_on_time": stats.resolved_on_time,
                "resolved_late": stats.resolved_late,
            }
            if not stats.resolved:
                return _no_data(_("Không có hồ sơ được giải quyết trong kỳ."), period, **inputs)
            return Result(
                _frac(good, stats.resolved), inputs, count=stats.resolved_late, period=period
            )
        inputs = {"received": stats.received, "received_online": stats.received_online}
        if not stats.received:
            return _no_data(_("Không có hồ sơ được tiếp nhận trong kỳ."), period, **inputs)
        return Result(_frac(stats.received_online, stats.received), inputs, period=period)
    if metric == Metric.LATE_APOLOGY_RATE:
        counts = sources.late_apology(agency, children)
        late, ok = counts["late"], counts["with_apology"]
        inputs = {"late": late, "with_apology": ok, "without_apology": late - ok}
        if not late:
            inputs["note"] = _("Không có hồ sơ trễ hạn: tính là 100%.")
            return Result(Decimal("1.0000"), inputs, count=0, period=period)
        return Result(_frac(ok, late), inputs, count=late - ok, period=period)
    extra = {"include_children": children}
    if metric in (Metric.SIPAS_INDEX, Metric.SIPAS_ELEMENT):
        data = sources.survey("sipas_index", agency, **extra)
        if data is None:
            return _no_data(_("Chưa có số liệu khảo sát SIPAS."), period)
        inputs = {
            "responses": data.get("responses"),
            "valid_answers": data.get("valid_answers"),
            "sipas_pct": data.get("value"),
            "elements_pct": data.get("elements") or {},
        }
        if metric == Metric.SIPAS_INDEX:
            value = _from_percent(data.get("value"))
        else:
            element = _element_code(params.get("element"))
            inputs["element"] = element
            value = _from_percent((data.get("elements") or {}).get(element))
        if value is None or not data.get("responses"):
            return _no_data(_("Chưa có phiếu khảo sát SIPAS hợp lệ."), period, **_json(inputs))
        return Result(value, _json(inputs), period=period)
    if metric == Metric.POST_DOSSIER_RATING:
        data = sources.survey("dossier_rating_average", agency, **extra)
        if data is None:
            return _no_data(_("Chưa có số liệu đánh giá sau giải quyết hồ sơ."), period)
        averages = {k: v for k, v in (data.get("averages") or {}).items() if v is not None}
        question = params.get("question") or ("DG11" if "DG11" in averages else "")
        picked = [averages[question]] if question in averages else list(averages.values())
        scale = _dec(params.get("scale_max")) or Decimal("3")
        inputs = {
            "responses": data.get("responses"),
            "averages": averages,
            "question": question or "*",
            "scale_max": scale,
        }
        if not picked or not data.get("responses") or scale <= 1:
            return _no_data(
                _("Chưa có phiếu đánh giá sau giải quyết hồ sơ."), period, **_json(inputs)
            )
        average = sum((_dec(v) for v in picked), Decimal("0")) / len(picked)
        inputs["average"] = average.quantize(FOUR, ROUND_HALF_UP)
        # 1 (Không hài lòng) … scale_max (Rất hài lòng) → 0 … 1
        return Result(_clamp((average - 1) / (scale - 1)), _json(inputs), period=period)
    if metric in (Metric.KNOWLEDGE_PARTICIPATION, Metric.KNOWLEDGE_MEAN_SCORE):
        if params.get("kind"):
            extra["kind"] = params["kind"]
        data = sources.survey("knowledge_results", agency, **extra)
        if data is None:
            return _no_data(_("Chưa có số liệu kiểm tra kiến thức."), period)
        inputs = {k: data.get(k) for k in ("attempts", "staff", "participation_rate")}
        inputs["mean_score_10"] = data.get("mean_score")
        if metric == Metric.KNOWLEDGE_PARTICIPATION:
            value = _from_percent(data.get("participation_rate"))
        else:
            value = _from_percent(data.get("mean_percent"))
        if value is None or not data.get("attempts"):
            return _no_data(_("Chưa có bài kiểm tra kiến thức nào."), period, **_json(inputs))
        return Result(value, _json(inputs), period=period)
    return _no_data(_("Chỉ số không được hỗ trợ."), period)


def _element_code(raw) -> str:
    raw = str(raw or "").strip()
    if raw.isdigit() and 1 <= int(raw) <= len(SIPAS_ELEMENTS):
        return SIPAS_ELEMENTS[int(raw) - 1]
    return raw or SIPAS_ELEMENTS[0]


def points(criterion: Criterion, result: Result) -> Decimal | None:
    """The leaf's points for the figure, per its rule (None when the rule cannot use it)."""
    if not result.available:
        return None
    rule = criterion.rule_type
    try:
        if rule in (RuleType.RATIO_TIERS, RuleType.PROPORTIONAL):
            return rules.points_for(criterion, ratio=result.value)
        if rule == RuleType.YES_NO:
            threshold = _dec((criterion.metric_params or {}).get("min_ratio")) or Decimal("1")
            return rules.points_for(criterion, yes=result.value >= threshold)
        if rule in (RuleType.COUNT_CAPPED, RuleType.DEDUCTION, RuleType.BONUS):
            if result.count is None:
                return None
            return rules.points_for(criterion, count=result.count)
    except ValidationError:
        return None
    return None


# ----------------------------------------------------------------------------- writes
def _apply(score: Score, result: Result, now) -> None:
    score.auto_value = result.value
    score.auto_inputs = _json(result.inputs)
    score.auto_points = points(score.criterion, result)
    score.auto_period_start, score.auto_period_end = result.period or (None, None)
    score.auto_computed_at = now


AUTO_FIELDS = [
    "auto_value",
    "auto_inputs",
    "auto_points",
    "auto_period_start",
    "auto_period_end",
    "auto_computed_at",
]


def recompute_assessment(*, assessment: Assessment, by=None, sources: Sources | None = None):
    """Recompute every metric-bound leaf of one assessment. Returns the number of leaves.

    `by` (an appraiser or administrator) is recorded on the event; None for the nightly task.
    Approved and published assessments are left alone.
    """
    from . import services

    if assessment.status not in RECOMPUTABLE:
        return 0
    sources = sources or Sources(assessment.criteria_set.year)
    now = timezone.now()
    with transaction.atomic():
        scores = list(
            Score.objects.select_for_update(of=("self",))
            .filter(assessment=assessment)
            .exclude(criterion__metric="")
            .select_related("criterion")
        )
        summary = {}
        for score in scores:
            result = compute(score.criterion, assessment.agency, sources)
            _apply(score, result, now)
            # history rows (simple-history) record who/when for each changed score
            score.save(update_fields=AUTO_FIELDS)
            summary[score.criterion.code] = (
                None if score.auto_points is None else str(score.auto_points)
            )
        if scores:
            services.record(
                assessment,
                by=by,
                note=_("Tính lại điểm các tiêu chí chấm tự động."),
                data={"auto_points": summary},
            )
    return len(scores)


def recompute_set(*, criteria_set: CriteriaSet, by=None) -> int:
    """Recompute the metric leaves of every not-yet-approved assessment of a set."""
    if not criteria_set.criteria.exclude(metric="").exists():
        return 0
    sources = Sources(criteria_set.year)
    total = 0
    for assessment in criteria_set.assessments.filter(status__in=RECOMPUTABLE).select_related(
        "agency", "criteria_set"
    ):
        total += recompute_assessment(assessment=assessment, by=by, sources=sources)
    return total


def request_recompute(*, criteria_set) -> None:
    """Queue the recomputation of a whole set for a worker (through the outbox, so a broker
    outage delays it instead of losing it)."""
    from core import outbox

    with transaction.atomic():
        outbox.enqueue("scoring.tasks.recompute_metrics", kwargs={"set_id": criteria_set.pk})
