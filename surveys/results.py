"""Aggregation of survey results (SIPAS method, domain.md §6.3) and of post-dossier ratings.

Everything here is computed with GROUP BY queries over Answer rows of SUBMITTED responses —
never a Python loop over responses.

Formulas
- Criterion share = answers 4 ("Hài lòng") or 5 ("Rất hài lòng") / valid answers × 100, for each
  question with purpose "criterion" (scale5). Valid answers = Answer rows with a value 1..5 in a
  submitted response (an unanswered optional question has no Answer row, so it is excluded).
- Element index = mean of the shares of its criteria (criteria with no valid answer are left
  out). SIPAS = mean of the element indices (elements with no data are left out).
- The general satisfaction question (purpose "general") is reported apart, never in SIPAS.
- Expectations (purpose "expectation"): for a multiple-choice question the share of the
  respondents who answered it and chose the option; for a ranking question also the share who
  ranked it first and its mean rank (1 = most important) among those who ranked it.
- Margin of error at 95 %: 1.96 · sqrt(p(1 − p) / n) for a share p over n answers. For an index
  (a mean of shares) we use the worst case p = 0.5 over n = the number of responses that
  answered at least one of its criteria: 1.96 · sqrt(0.25 / n). This is conservative: the true
  error of a mean of correlated shares is at most that of a single share with p = 0.5.
"""

import datetime
import math
from dataclasses import dataclass, field
from statistics import fmean

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from .models import (
    SCALE5_CHOICES,
    SCALE5_SATISFIED,
    Answer,
    Option,
    Question,
    QuestionPurpose,
    QuestionType,
    Response,
    ResponseStatus,
    SipasElement,
    Survey,
    SurveyKind,
)

Z95 = 1.96
UNKNOWN = _("(không xác định)")
ELEMENT_ORDER = [e.value for e in SipasElement]


def margin_of_error(p: float | None, n: int) -> float | None:
    """95 % margin of error, in percentage points, of a share p (0..1) over n answers."""
    if p is None or n <= 0:
        return None
    return Z95 * math.sqrt(p * (1 - p) / n) * 100


def index_margin_of_error(n: int) -> float | None:
    """Worst-case (p = 0.5) 95 % margin of error, in percentage points, for an index."""
    return margin_of_error(0.5, n)


@dataclass
class Share:
    count: int
    total: int

    @property
    def value(self) -> float | None:
        """Percent (0..100), None when there is no valid answer."""
        return self.count / self.total * 100 if self.total else None

    @property
    def moe(self) -> float | None:
        if not self.total:
            return None
        return margin_of_error(self.count / self.total, self.total)


@dataclass
class CriterionResult:
    element: str
    code: str
    text: str
    share: Share
    distribution: dict[int, int]  # scale value 1..5 -> answers


@dataclass
class ElementResult:
    code: str
    label: str
    criteria: list[CriterionResult] = field(default_factory=list)
    index: float | None = None
    respondents: int = 0

    @property
    def moe(self) -> float | None:
        return index_margin_of_error(self.respondents)


@dataclass
class GeneralResult:
    code: str
    text: str
    share: Share
    distribution: dict[int, int]


@dataclass
class OptionShare:
    value: str
    label: str
    chosen: Share
    first: Share | None = None  # ranking only
    mean_rank: float | None = None  # ranking only


@dataclass
class ExpectationResult:
    code: str
    text: str
    type: str
    respondents: int
    options: list[OptionShare]


@dataclass
class GroupResult:
    """SIPAS of one agency or one service (procedure)."""

    key: object
    label: str
    responses: int
    index: float | None
    elements: dict[str, float | None]

    @property
    def moe(self) -> float | None:
        return index_margin_of_error(self.responses)


@dataclass
class SipasResult:
    responses: int
    elements: list[ElementResult]
    index: float | None
    valid_answers: int
    general: GeneralResult | None = None
    expectations: list[ExpectationResult] = field(default_factory=list)
    by_agency: list[GroupResult] = field(default_factory=list)
    by_service: list[GroupResult] = field(default_factory=list)
    previous: "SipasResult | None" = None
    previous_label: str = ""

    @property
    def moe(self) -> float | None:
        return index_margin_of_error(self.responses)

    @property
    def element_map(self) -> dict[str, float | None]:
        return {e.code: e.index for e in self.elements}

    @property
    def delta(self) -> float | None:
        if self.previous is None or self.previous.index is None or self.index is None:
            return None
        return self.index - self.previous.index

    def element_delta(self, code: str) -> float | None:
        if self.previous is None:
            return None
        now, before = self.element_map.get(code), self.previous.element_map.get(code)
        return None if now is None or before is None else now - before

    @property
    def comparison(self) -> list[dict]:
        """Rows (label, now, before, delta) for the elements and SIPAS."""
        if self.previous is None:
            return []
        rows = [
            {
                "label": e.label,
                "now": e.index,
                "before": self.previous.element_map.get(e.code),
                "delta": self.element_delta(e.code),
            }
            for e in self.elements
        ]
        rows.append(
            {
                "label": "SIPAS",
                "now": self.index,
                "before": self.previous.index,
                "delta": self.delta,
            }
        )
        return rows


# --- response selection -------------------------------------------------------------------------
def submitted_responses(
    *,
    surveys,
    agency_ids=None,
    procedure_code: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Response]:
    """Submitted responses of `surveys` (a Survey, a queryset or a list), filtered by rated
    agency ids, procedure code and submission date (inclusive, local dates)."""
    if isinstance(surveys, Survey):
        surveys = [surveys]
    qs = Response.objects.filter(survey__in=surveys, status=ResponseStatus.SUBMITTED)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    if procedure_code:
        qs = qs.filter(procedure_code=procedure_code)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    return qs


def _criterion_key(row: dict) -> tuple[str, str]:
    return row["question__sipas_element"], row["question__sipas_criterion"] or row["question__code"]


def _criteria_rows(responses: QuerySet[Response], group: str | None = None) -> list[dict]:
    """One GROUP BY over answers: (group, element, criterion, code, value) -> count."""
    fields = ["question__sipas_element", "question__sipas_criterion", "question__code", "value_int"]
    if group:
        fields.insert(0, f"response__{group}")
    return list(
        Answer.objects.filter(
            response__in=responses,
            question__purpose=QuestionPurpose.CRITERION,
            question__type=QuestionType.SCALE5,
            value_int__gte=1,
            value_int__lte=5,
        )
        .exclude(question__sipas_element="")
        .values(*fields)
        .annotate(n=Count("id"))
        .order_by()
    )


def _criterion_respondents(responses: QuerySet[Response], group: str | None = None) -> dict:
    """{(group, element): number of responses answering at least one criterion}."""
    fields = ["question__sipas_element"]
    if group:
        fields.insert(0, group)
    rows = (
        Answer.objects.filter(
            response__in=responses,
            question__purpose=QuestionPurpose.CRITERION,
            question__type=QuestionType.SCALE5,
            value_int__gte=1,
            value_int__lte=5,
        )
        .values(*fields)
        .annotate(n=Count("response", distinct=True))
        .order_by()
    )
    return {(r[group] if group else None, r["question__sipas_element"]): r["n"] for r in rows}


def _indices(
    counts: dict[tuple[str, str], list[int]],
) -> tuple[dict[str, float | None], float | None]:
    """counts {(element, criterion): [satisfied, total]} -> ({element: index}, SIPAS)."""
    per_element: dict[str, list[float]] = {}
    for (element, _criterion), (satisfied, total) in counts.items():
        if total:
            per_element.setdefault(element, []).append(satisfied / total * 100)
    elements = {
        code: (fmean(per_element[code]) if code in per_element else None) for code in ELEMENT_ORDER
    }
    present = [v for v in elements.values() if v is not None]
    return elements, (fmean(present) if present else None)


def _question_texts(surveys) -> dict[str, str]:
    qs = Question.objects.filter(survey__in=surveys).order_by("survey__version", "pk")
    return {q.code: q.text for q in qs.only("code", "text")}


def _criteria_texts(surveys) -> dict[tuple[str, str], tuple[str, str]]:
    """(element, criterion key) -> (code shown, question text), from the newest version."""
    out = {}
    qs = (
        Question.objects.filter(survey__in=surveys, purpose=QuestionPurpose.CRITERION)
        .order_by("survey__version", "section__position", "position", "pk")
        .only("code", "text", "sipas_element", "sipas_criterion")
    )
    for q in qs:
        out[(q.sipas_element, q.sipas_criterion or q.code)] = (q.sipas_criterion or q.code, q.text)
    return out


def _criterion_sort_key(key: tuple[str, str]):
    element, code = key
    parts = []
    for part in code.replace("C", "").split("."):
        parts.append((0, int(part)) if part.isdigit() else (1, part))
    position = ELEMENT_ORDER.index(element) if element in ELEMENT_ORDER else 99
    return position, parts


def sipas_core(*, responses: QuerySet[Response], surveys) -> SipasResult:
    """Criteria, element indices and SIPAS of `responses` (no breakdowns)."""
    rows = _criteria_rows(responses)
    dist: dict[tuple[str, str], dict[int, int]] = {}
    for row in rows:
        values = dist.setdefault(_criterion_key(row), {})
        values[row["value_int"]] = values.get(row["value_int"], 0) + row["n"]
    counts = {
        key: [sum(n for v, n in d.items() if v in SCALE5_SATISFIED), sum(d.values())]
        for key, d in dist.items()
    }
    element_index, sipas = _indices(counts)
    respondents = _criterion_respondents(responses)
    texts = _criteria_texts(surveys)
    labels = dict(SipasElement.choices)
    elements = []
    for code in ELEMENT_ORDER:
        keys = sorted(
            (k for k in set(dist) | {k for k in texts if k[0] == code} if k[0] == code),
            key=_criterion_sort_key,
        )
        criteria = []
        for key in keys:
            shown, text = texts.get(key, (key[1], ""))
            satisfied, total = counts.get(key, [0, 0])
            criteria.append(
                CriterionResult(
                    element=code,
                    code=shown,
                    text=text,
                    share=Share(satisfied, total),
                    distribution={v: dist.get(key, {}).get(v, 0) for v, _l in SCALE5_CHOICES},
                )
            )
        if criteria:
            elements.append(
                ElementResult(
                    code=code,
                    label=str(labels[code]),
                    criteria=criteria,
                    index=element_index[code],
                    respondents=respondents.get((None, code), 0),
                )
            )
    return SipasResult(
        responses=responses.count(),
        elements=elements,
        index=sipas,
        valid_answers=sum(total for _s, total in counts.values()),
    )


def general_result(*, responses: QuerySet[Response], surveys) -> GeneralResult | None:
    rows = list(
        Answer.objects.filter(
            response__in=responses,
            question__purpose=QuestionPurpose.GENERAL,
            question__type=QuestionType.SCALE5,
            value_int__gte=1,
            value_int__lte=5,
        )
        .values("question__code", "value_int")
        .annotate(n=Count("id"))
        .order_by()
    )
    question = (
        Question.objects.filter(survey__in=surveys, purpose=QuestionPurpose.GENERAL)
        .order_by("-survey__version", "pk")
        .first()
    )
    if question is None:
        return None
    dist = {v: 0 for v, _l in SCALE5_CHOICES}
    for row in rows:
        dist[row["value_int"]] += row["n"]
    satisfied = sum(n for v, n in dist.items() if v in SCALE5_SATISFIED)
    return GeneralResult(
        code=question.code,
        text=question.text,
        share=Share(satisfied, sum(dist.values())),
        distribution=dist,
    )


def expectation_results(
    *, responses: QuerySet[Response], survey: Survey
) -> list[ExpectationResult]:
    """Per expectation question of `survey` (multiple / ranking): one aggregate query with a
    conditional count per (option, position) — portable JSON array-index lookups."""
    questions = list(
        Question.objects.filter(
            survey=survey,
            purpose=QuestionPurpose.EXPECTATION,
            type__in=[QuestionType.MULTIPLE, QuestionType.RANKING],
        )
        .prefetch_related("options")
        .order_by("section__position", "position", "pk")
    )
    out = []
    for q in questions:
        options: list[Option] = list(q.options.all())
        positions = range(len(options))
        aggregates = {"respondents": Count("id")}
        for i, opt in enumerate(options):
            for k in positions:
                aggregates[f"o{i}_{k}"] = Count(
                    "id", filter=Q(**{f"value_choices__{k}": opt.value})
                )
        data = Answer.objects.filter(response__in=responses, question__code=q.code).aggregate(
            **aggregates
        )
        respondents = data["respondents"]
        shares = []
        for i, opt in enumerate(options):
            by_pos = [data[f"o{i}_{k}"] for k in positions]
            chosen = sum(by_pos)
            item = OptionShare(value=opt.value, label=opt.label, chosen=Share(chosen, respondents))
            if q.type == QuestionType.RANKING:
                item.first = Share(by_pos[0] if by_pos else 0, respondents)
                item.mean_rank = (
                    sum((k + 1) * n for k, n in enumerate(by_pos)) / chosen if chosen else None
                )
            shares.append(item)
        out.append(
            ExpectationResult(
                code=q.code, text=q.text, type=q.type, respondents=respondents, options=shares
            )
        )
    return out


def _groups(responses: QuerySet[Response], group: str) -> dict[object, GroupResult]:
    rows = _criteria_rows(responses, group=group)
    per_group: dict[object, dict[tuple[str, str], list[int]]] = {}
    for row in rows:
        counts = per_group.setdefault(row[f"response__{group}"], {}).setdefault(
            _criterion_key(row), [0, 0]
        )
        if row["value_int"] in SCALE5_SATISFIED:
            counts[0] += row["n"]
        counts[1] += row["n"]
    totals = dict(
        responses.values_list(group).annotate(n=Count("id")).order_by().values_list(group, "n")
    )
    out = {}
    for key, n in totals.items():
        elements, index = _indices(per_group.get(key, {}))
        out[key] = GroupResult(key=key, label="", responses=n, index=index, elements=elements)
    return out


def by_agency(responses: QuerySet[Response]) -> list[GroupResult]:
    from agencies.models import Agency

    groups = _groups(responses, "agency_id")
    names = dict(Agency.objects.filter(pk__in=[k for k in groups if k]).values_list("pk", "name"))
    for key, g in groups.items():
        g.label = names.get(key, "") if key else str(UNKNOWN)
    return sorted(groups.values(), key=lambda g: (g.key is None, g.label))


def by_service(responses: QuerySet[Response]) -> list[GroupResult]:
    groups = _groups(responses, "procedure_code")
    names = _procedure_names([k for k in groups if k])
    for key, g in groups.items():
        g.label = f"{key} — {names[key]}" if key in names else (key or str(UNKNOWN))
    return sorted(groups.values(), key=lambda g: (not g.key, str(g.key)))


def _procedure_names(codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    try:
        from procedures.models import ProcedureVersion
    except ImportError:  # pragma: no cover
        return {}
    out = {}
    for code, name in (
        ProcedureVersion.objects.filter(procedure__code__in=codes)
        .order_by("procedure__code", "number")
        .values_list("procedure__code", "name")
    ):
        out[code] = name  # the highest version number wins
    return out


def previous_survey(survey: Survey) -> Survey | None:
    """The survey to compare with: the nearest previous version that has submitted responses
    (a campaign copied from an unused template skips the template), else the latest earlier
    survey of the same kind with responses (earlier period end, or created earlier when the
    periods are unset)."""
    answered = Response.objects.filter(status=ResponseStatus.SUBMITTED)
    seen = {survey.pk}
    current = survey.previous_version
    while current is not None and current.pk not in seen:
        if answered.filter(survey=current).exists():
            return current
        seen.add(current.pk)
        current = current.previous_version
    qs = Survey.objects.filter(kind=survey.kind, pk__in=answered.values("survey_id")).exclude(
        pk__in=seen
    )
    if survey.period_start:
        qs = qs.filter(period_end__lt=survey.period_start).order_by("-period_end", "-pk")
    else:
        qs = qs.filter(created_at__lt=survey.created_at).order_by("-created_at", "-pk")
    return qs.first()


def survey_results(
    *,
    survey: Survey,
    agency_ids=None,
    procedure_code: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    compare: bool = True,
) -> SipasResult:
    """The full result of one survey: criteria, elements, SIPAS, general question,
    expectations, per agency, per service, and the comparison with the previous period."""
    responses = submitted_responses(
        surveys=[survey],
        agency_ids=agency_ids,
        procedure_code=procedure_code,
        date_from=date_from,
        date_to=date_to,
    )
    result = sipas_core(responses=responses, surveys=[survey])
    result.general = general_result(responses=responses, surveys=[survey])
    result.expectations = expectation_results(responses=responses, survey=survey)
    result.by_agency = by_agency(responses)
    result.by_service = by_service(responses)
    if compare:
        before = previous_survey(survey)
        if before is not None:
            previous_responses = submitted_responses(
                surveys=[before], agency_ids=agency_ids, procedure_code=procedure_code
            )
            result.previous = sipas_core(responses=previous_responses, surveys=[before])
            result.previous_label = before.title
    return result


# --- post-dossier rating ------------------------------------------------------------------------
# Indicators of domain.md §2.7 computed from the dossier's own data (Response.computed keys).
COMPUTED_INDICATORS = [
    ("time_total", _("Thời gian giải quyết so với quy định")),
    ("contacts", _("Số lần phải liên hệ để hoàn thành hồ sơ")),
]


@dataclass
class RatingGroup:
    key: object
    label: str
    responses: int
    averages: dict[str, float | None]  # question code -> mean answer value
    indicators: dict[str, Share]  # computed key -> share of 2-point answers among known


def rating_aggregates(responses: QuerySet[Response], group: str | None) -> list[RatingGroup]:
    """Counts, average answer per citizen question (purpose "rating"; scale5 / yes_no values
    or the numeric option value of single questions such as "3"/"2"/"1") and the share of
    2-point answers per computed indicator, per `group` ("agency_id", "officer_id" or None)."""
    fields = [group] if group else []
    aggregates = {"n": Count("id")}
    for key, _label in COMPUTED_INDICATORS:
        aggregates[f"{key}_2"] = Count("id", filter=Q(**{f"computed__{key}": 2}))
        aggregates[f"{key}_known"] = Count("id", filter=Q(**{f"computed__{key}__in": [0, 1, 2]}))
    base = responses.values(*fields) if fields else responses
    if fields:
        rows = list(base.annotate(**aggregates).order_by())
    else:
        rows = [{**responses.aggregate(**aggregates)}]
    answer_fields = [f"response__{group}"] if group else []
    answers = Answer.objects.filter(
        response__in=responses, question__purpose=QuestionPurpose.RATING
    )
    sums_int = {
        (r[answer_fields[0]] if group else None, r["question__code"]): r
        for r in answers.filter(value_int__isnull=False)
        .values(*answer_fields, "question__code")
        .annotate(total=Count("id"), sum=Sum("value_int"))
        .order_by()
    }
    sums_text = {
        (r[answer_fields[0]] if group else None, r["question__code"]): r
        for r in answers.filter(value_int__isnull=True, value_text__regex=r"^[0-9]+$")
        .values(*answer_fields, "question__code")
        .annotate(total=Count("id"), sum=Sum(Cast("value_text", IntegerField())))
        .order_by()
    }
    out = []
    for row in rows:
        key = row.get(group) if group else None
        averages: dict[str, float | None] = {}
        for (g, code), r in list(sums_int.items()) + list(sums_text.items()):
            if g == key and r["total"]:
                averages[code] = r["sum"] / r["total"]
        indicators = {
            k: Share(row[f"{k}_2"], row[f"{k}_known"]) for k, _label in COMPUTED_INDICATORS
        }
        out.append(
            RatingGroup(
                key=key, label="", responses=row["n"], averages=averages, indicators=indicators
            )
        )
    return out


def rating_questions(survey: Survey) -> list[Question]:
    return list(
        Question.objects.filter(survey=survey, purpose=QuestionPurpose.RATING).order_by(
            "section__position", "position", "pk"
        )
    )


def rating_results(
    *,
    surveys,
    agency_ids=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict:
    """Post-dossier rating: overall, per agency and per officer."""
    from accounts.models import User
    from agencies.models import Agency

    responses = submitted_responses(
        surveys=surveys, agency_ids=agency_ids, date_from=date_from, date_to=date_to
    )
    total = rating_aggregates(responses, None)[0]
    agencies = rating_aggregates(responses, "agency_id")
    officers = rating_aggregates(responses, "officer_id")
    names = dict(
        Agency.objects.filter(pk__in=[g.key for g in agencies if g.key]).values_list("pk", "name")
    )
    for g in agencies:
        g.label = names.get(g.key, "—")
    people = dict(
        User.objects.filter(pk__in=[g.key for g in officers if g.key]).values_list(
            "pk", "full_name"
        )
    )
    for g in officers:
        g.label = people.get(g.key, "—")
    agencies.sort(key=lambda g: g.label)
    officers.sort(key=lambda g: (g.key is None, g.label))
    return {"total": total, "by_agency": agencies, "by_officer": officers}


def is_sipas_like(survey: Survey) -> bool:
    return survey.kind in (SurveyKind.SIPAS, SurveyKind.OFFICIALS_PERCEPTION)
