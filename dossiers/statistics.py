"""Dossier statistics of an agency (and its children) over a period (domain.md §2.6, form 06a).

Every figure is defined ONCE, as a `Q` filter on `Dossier` built by `figure_q()`. The same filter
counts (conditional `Count(..., filter=...)` in one aggregate query) and lists (the drill-down
page), so a number and the list behind it cannot disagree.

Period and moments
    A period is a range of local dates [date_from, date_to], both included. In moments it is the
    half-open interval [start, end): start = 00:00 of date_from, end = 00:00 of the day after
    date_to (Asia/Ho_Chi_Minh). "Open at moment T" means: accepted before T (received_at < T),
    not finished before T (finished_at is null or ≥ T) and not closed before T (closed_at is null
    or ≥ T; closed_at is set when a dossier is returned, withdrawn, stopped or refused).

Scope
    A dossier belongs to the agency that is competent to resolve it (`competent_agency`: form 06a
    is kept by the unit that processes the dossier), not to the unit that took it in. With
    include_children the agency's whole subtree (Agency.parent) is included.

Figures (the date each one uses is in brackets)
    received                  accepted in the period [received_at]; refused dossiers were never
                              accepted and are not received. Includes those resolved on the spot.
    received_in_person / received_online / received_post
                              the same, split by intake channel 1 / 2 / 3.
    carried_over              accepted before the period and still open at its start [received_at,
                              finished_at, closed_at] ("tiếp nhận kỳ trước chuyển sang").
    to_handle                 received + carried_over ("tổng số hồ sơ nhận giải quyết").
    resolved                  finished in the period: status 9 or 10 with finished_at in the
                              period [finished_at = NgayKetThucXuLy]. We count the finish, not the
                              hand-back (returned_at), because the hand-back waits on the applicant;
                              domain.md §2.6 notes that real systems differ here.
    resolved_early / resolved_late
                              resolved with `Dossier.outcome` early / late. The outcome is set once
                              at finish by dossiers.deadlines.outcome_for: compared by local date
                              when the limit is in days, by moment when it is in working hours.
    resolved_on_time          every other resolved dossier: outcome on time, or no outcome recorded
                              (a dossier with no due moment, e.g. resolved on the spot, counts as
                              on time: domain.md §2.6 "count these as trước/đúng hạn").
    in_progress               open at the period end [received_at, finished_at, closed_at]. It
                              includes dossiers paused for a supplement or a payment, so that
                              carried_over + received = resolved + in_progress + withdrawn +
                              stopped (for dossiers withdrawn/stopped after acceptance).
    in_progress_overdue       in progress whose due moment is before the reference moment and
                              whose clock is not stopped at that moment — waiting for a
                              supplement, or for a payment (the due moment is moved by the pause
                              when it ends; services._resume_clock) [due_at]. The reference moment is the period
                              end, or 00:00 today if the period ends later — so a dossier is
                              overdue only once its whole due date has passed, matching the
                              date-granular "late" rule. (Domain text: "NgayHenTra < DenNgay";
                              whether DenNgay means the start or the end of the last day is not
                              said: we take the end.)
    in_progress_within        in progress and not overdue (including dossiers with no due moment).
    waiting_supplement        a supplement request (Mẫu 02) open at the period end: requested
                              before it, unanswered at it, the dossier not closed or finished by
                              then [SupplementRequest.requested_at / answered_at]. Also counts a
                              request made at intake (the dossier not yet accepted), so it is not
                              a subset of in_progress.
    stopped / withdrawn       status 8 / 7 with closed_at in the period (a withdrawal may come
                              before acceptance; those are not in the balance above).
    refused                   status 3 with refused_at in the period (Mẫu 03).
    resolved_on_spot          accepted in the period with the "resolved on the spot" flag; they
                              are also in received and resolved (received = resolved = returned).
    returned                  result handed back in the period [returned_at].
    on_time_rate              (resolved_early + resolved_on_time) / resolved (None when 0).
    online_rate               received_online / received (None when 0).

Uncertain in the domain text (domain.md §2.6): whether "resolved" is dated by finish or by
hand-back (we use finish), the exact meaning of "≥ DenNgay" (see in_progress_overdue), and
whether the monthly period also follows the 15th rule (NĐ 09/2019 Art. 12 says so from memory;
use a date range for a calendar month).

All counting runs in a fixed number of queries: one for the agency tree and, on PostgreSQL, ONE
scan of the scope's dossiers that yields the per-agency figures (summed in Python per agency —
never per dossier), the per-procedure table and the two monthly series at once (GROUPING SETS
over one boolean per figure, `_count_in_one_pass`); other databases run one grouped query each.
The statistics page reads the report through the Django cache (`cached_report`).
"""

import calendar
import contextlib
import dataclasses
import datetime
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import PROVINCE_WIDE_ROLES, roles_of
from agencies import selectors as agency_selectors
from agencies.models import Agency
from core import generations

from .models import Apology, Channel, Dossier, Outcome, Status, Step, SupplementRequest

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

PERIOD_KINDS = {
    "month": _("Tháng"),
    "quarter": _("Quý"),
    "half": _("6 tháng"),
    "year": _("Năm"),
    "range": _("Khoảng ngày tùy chọn"),
}
PERIOD_NUMBERS = {"month": 12, "quarter": 4, "half": 2, "year": 1}


@dataclasses.dataclass(frozen=True)
class Period:
    """Local dates [date_from, date_to], both included."""

    date_from: datetime.date
    date_to: datetime.date

    def __post_init__(self):
        if self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")

    @property
    def start(self) -> datetime.datetime:
        return _midnight(self.date_from)

    @property
    def end(self) -> datetime.datetime:
        return _midnight(self.date_to + datetime.timedelta(days=1))

    @property
    def overdue_reference(self) -> datetime.datetime:
        """The moment against which open dossiers are judged overdue: the period end, or 00:00
        today when the period is not over yet."""
        return min(self.end, _midnight(timezone.localdate()))

    def __str__(self) -> str:
        return f"{self.date_from:%d/%m/%Y} – {self.date_to:%d/%m/%Y}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def period_bounds(kind: str, year: int, number: int = 1) -> Period:
    """The official reporting period (Decree 09/2019/NĐ-CP data cut-off, domain.md §2.6).

    - "quarter" n: from the 15th of the month before the quarter to the 14th of its last month
      (Q1 = 15/12 of the previous year – 14/03; Q4 = 15/09 – 14/12);
    - "half" n: H1 = 15/12 (previous year) – 14/06, H2 = 15/06 – 14/12;
    - "year": 15/12 of the previous year – 14/12;
    - "month" n: 15th of the month before – 14th of month n ([M] same Art. 12 rule; for a
      calendar month use a date range).
    Raises ValueError for an unknown kind or number.
    """
    if kind not in PERIOD_NUMBERS:
        raise ValueError(f"unknown period kind {kind!r}")
    if not 1 <= number <= PERIOD_NUMBERS[kind] or not 1900 <= year <= 9999:
        raise ValueError(f"bad period {kind} {number}/{year}")
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    last_month = number * months
    first_month = last_month - months + 1
    from_year, from_month = _month_shift(year, first_month, -1)
    return Period(datetime.date(from_year, from_month, 15), datetime.date(year, last_month, 14))


def calendar_month(year: int, month: int) -> Period:
    return Period(
        datetime.date(year, month, 1),
        datetime.date(year, month, calendar.monthrange(year, month)[1]),
    )


# --------------------------------------------------------------------------------------------
# Figure definitions (one Q each, used both to count and to list)
# --------------------------------------------------------------------------------------------

FIGURES: dict[str, object] = {
    "to_handle": _("Tổng số hồ sơ nhận giải quyết"),
    "received": _("Tiếp nhận trong kỳ"),
    "received_online": _("Tiếp nhận trực tuyến"),
    "received_in_person": _("Tiếp nhận trực tiếp"),
    "received_post": _("Tiếp nhận qua bưu chính"),
    "carried_over": _("Từ kỳ trước chuyển sang"),
    "resolved": _("Đã giải quyết"),
    "resolved_early": _("Giải quyết trước hạn"),
    "resolved_on_time": _("Giải quyết đúng hạn"),
    "resolved_late": _("Giải quyết quá hạn"),
    "in_progress": _("Đang giải quyết"),
    "in_progress_within": _("Đang giải quyết trong hạn"),
    "in_progress_overdue": _("Đang giải quyết quá hạn"),
    "waiting_supplement": _("Chờ bổ sung hồ sơ"),
    "stopped": _("Dừng xử lý"),
    "withdrawn": _("Công dân rút hồ sơ"),
    "refused": _("Từ chối tiếp nhận"),
    "resolved_on_spot": _("Giải quyết ngay"),
    "returned": _("Đã trả kết quả"),
}

RESOLVED_STATUSES = (Status.FINISHED, Status.RETURNED)


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _not_before(field: str, moment: datetime.datetime) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": moment})


def open_at(moment: datetime.datetime) -> Q:
    """Accepted before `moment`, neither finished nor closed before it."""
    return (
        Q(received_at__lt=moment)
        & _not_before("finished_at", moment)
        & _not_before("closed_at", moment)
    )


def _supplement_open_at(moment: datetime.datetime) -> Q:
    """A supplement request of the dossier is open at `moment`. Written as `id IN (the open
    requests' dossiers)` rather than a correlated EXISTS: the same rows (dossier_id is never
    null), but PostgreSQL runs it as one hashed subplan that parallel workers may evaluate, so
    the one-pass count can scan in parallel."""
    requests = SupplementRequest.objects.filter(requested_at__lt=moment).filter(
        _not_before("answered_at", moment)
    )
    return Q(pk__in=requests.values("dossier_id"))


def _clock_stopped_at(moment: datetime.datetime) -> Q:
    """The due clock is stopped at `moment`: a supplement request open then (exact, from
    SupplementRequest), or a payment wait that started before it and is still going on (the
    event log is not replayed for payment waits that have ended since)."""
    return _supplement_open_at(moment) | Q(status=Status.WAITING_PAYMENT, paused_at__lt=moment)


def figure_q(figure: str, period: Period) -> Q:
    """The filter that defines `figure` over `period` (see the module docstring)."""
    end = period.end
    received = _in("received_at", period)
    resolved = _in("finished_at", period) & Q(status__in=RESOLVED_STATUSES)
    in_progress = open_at(end)
    reference = period.overdue_reference
    overdue = in_progress & Q(due_at__lt=reference) & ~_clock_stopped_at(reference)
    definitions = {
        "received": lambda: received,
        "received_in_person": lambda: received & Q(channel=Channel.IN_PERSON),
        "received_online": lambda: received & Q(channel=Channel.ONLINE),
        "received_post": lambda: received & Q(channel=Channel.POST),
        "carried_over": lambda: open_at(period.start),
        "to_handle": lambda: received | open_at(period.start),
        "resolved": lambda: resolved,
        "resolved_early": lambda: resolved & Q(outcome=Outcome.EARLY),
        "resolved_late": lambda: resolved & Q(outcome=Outcome.LATE),
        "resolved_on_time": lambda: resolved & ~Q(outcome__in=(Outcome.EARLY, Outcome.LATE)),
        "in_progress": lambda: in_progress,
        "in_progress_overdue": lambda: overdue,
        "in_progress_within": lambda: (
            in_progress
            & (Q(due_at__isnull=True) | Q(due_at__gte=reference) | _clock_stopped_at(reference))
        ),
        "waiting_supplement": lambda: (
            (Q(received_at__lt=end) | Q(submitted_at__lt=end))
            & _not_before("finished_at", end)
            & _not_before("closed_at", end)
            & _supplement_open_at(end)
        ),
        "stopped": lambda: Q(status=Status.STOPPED) & _in("closed_at", period),
        "withdrawn": lambda: Q(status=Status.WITHDRAWN) & _in("closed_at", period),
        "refused": lambda: Q(status=Status.REFUSED) & _in("refused_at", period),
        "resolved_on_spot": lambda: received & Q(resolved_on_spot=True),
        "returned": lambda: _in("returned_at", period),
    }
    if figure not in definitions:
        raise ValueError(f"unknown figure {figure!r}")
    return definitions[figure]()


def relevant_q(period: Period) -> Q:
    """A superset of every figure's filter that an index can narrow: not a draft, touched before
    the period end and not closed before its start (every closed dossier has closed_at ≥ its
    finished/returned/refused moment). Speeds up the aggregate; exact figures come from
    figure_q."""
    touched = reduce(
        or_,
        [
            Q(received_at__lt=period.end),
            Q(submitted_at__lt=period.end),
            Q(refused_at__lt=period.end),
            Q(closed_at__lt=period.end),
        ],
    )
    return ~Q(step=Step.DRAFT) & touched & _not_before("closed_at", period.start)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclasses.dataclass
class Stats:
    """The figures of one agency scope over one period (definitions in the module docstring)."""

    to_handle: int = 0
    received: int = 0
    received_online: int = 0
    received_in_person: int = 0
    received_post: int = 0
    carried_over: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress: int = 0
    in_progress_within: int = 0
    in_progress_overdue: int = 0
    waiting_supplement: int = 0
    stopped: int = 0
    withdrawn: int = 0
    refused: int = 0
    resolved_on_spot: int = 0
    returned: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        """(early + on time) / resolved × 100, two decimals; None when nothing was resolved."""
        return _rate(self.resolved_early + self.resolved_on_time, self.resolved)

    @property
    def online_rate(self) -> Decimal | None:
        """online received / received × 100, two decimals; None when nothing was received."""
        return _rate(self.received_online, self.received)

    def add(self, other: "Stats") -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        """Figures then rates (as floats, or None), in the stable order of FIGURES."""
        data = {name: getattr(self, name) for name in FIGURES}
        data["on_time_rate"] = None if self.on_time_rate is None else float(self.on_time_rate)
        data["online_rate"] = None if self.online_rate is None else float(self.online_rate)
        return data

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in FIGURES)


@dataclasses.dataclass
class AgencyRow:
    agency: Agency
    include_children: bool  # the row sums the agency's subtree (a child row) or only itself
    stats: Stats


@dataclasses.dataclass
class ProcedureRow:
    code: str
    name: str
    received: int
    resolved: int
    resolved_late: int
    in_progress: int


@dataclasses.dataclass
class Report:
    agency: Agency
    period: Period
    include_children: bool
    total: Stats
    rows: list[AgencyRow]
    procedures: list[ProcedureRow]
    months: list[dict]
    computed_at: datetime.datetime | None = None  # when the figures were counted


# --------------------------------------------------------------------------------------------
# Agency tree
# --------------------------------------------------------------------------------------------


TREE_CACHE_SECONDS = 300  # the bound for agency changes that bypass the model signals


def _read_tree() -> "_Tree":
    children = _Tree()
    for pk, parent_id in Agency.objects.order_by().values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    return children


def agencies_generation() -> str:
    """The agencies' generation (replaced on every agency save or delete): the cached agency
    tree and the page's agency list are keyed by it."""
    return agency_selectors.generation()


class _Tree(defaultdict):
    """parent id → child ids; remembers the subtrees asked of it (it is never changed)."""

    def __init__(self, *args):
        super().__init__(list, *args)
        self.subtrees: dict[int, frozenset[int]] = {}


def agency_tree() -> dict[int | None, list[int]]:
    """parent id → child ids, from one query, or from the cache when the report cache is on
    (STATS_CACHE_SECONDS > 0): kept by the process and in the cache under the agencies'
    generation, so a saved or deleted agency shows at once; a change that bypasses the model
    signals (QuerySet.update, raw SQL) within TREE_CACHE_SECONDS. A cache outage just reads the
    table."""
    seconds = getattr(settings, "STATS_CACHE_SECONDS", 0)
    if seconds <= 0:
        return _read_tree()
    return _TREE.get(lambda: _shared_tree(min(seconds, TREE_CACHE_SECONDS)))


def cache_read(key: str, what: str):
    """cache.get for the statistics caches: a failing cache is a miss, logged (an outage only
    costs the cache)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("statistics cache: cannot read %s", what, exc_info=True)
        return None


def _shared_tree(seconds: int) -> "_Tree":
    key = f"{CACHE_PREFIX}:tree:v1:{agencies_generation()}"
    data = cache_read(key, "the agency tree")
    if data is not None:
        return _Tree(data)
    tree = _read_tree()
    try:  # add: another process may have stored the same tree meanwhile
        cache.add(key, dict(tree), seconds)
    except Exception:
        logger.warning("statistics cache: cannot store the agency tree", exc_info=True)
    return tree


_TREE = generations.ProcessCopy(agency_selectors.GENERATION_KEY, max_age=TREE_CACHE_SECONDS)


def subtree_ids(root_id: int, children: dict[int | None, list[int]]) -> set[int]:
    """`root_id` and all its descendants (cycle-safe); remembered by an agency_tree()."""
    subtrees = getattr(children, "subtrees", None)
    if subtrees is None:
        return _walk(root_id, children)
    found = subtrees.get(root_id)
    if found is None:
        found = subtrees[root_id] = frozenset(_walk(root_id, children))
    return set(found)


def _walk(root_id: int, children: dict[int | None, list[int]]) -> set[int]:
    found, stack = set(), [root_id]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, ()))
    return found


def scope_ids(agency: Agency, *, include_children: bool, tree=None) -> set[int]:
    if not include_children:
        return {agency.pk}
    return subtree_ids(agency.pk, tree if tree is not None else agency_tree())


def visible_agency_ids(user, *, tree: dict[int | None, list[int]] | None = None) -> set[int] | None:
    """Agencies whose statistics `user` may see: None = all (superuser, appraiser,
    administrator); otherwise each agency where the user holds a role, with its subtree
    (`tree`: agency_tree(), when the caller has it already)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser or roles_of(user) & PROVINCE_WIDE_ROLES:
        return None
    from accounts.models import StaffMembership

    roots = set(
        StaffMembership.objects.filter(user=user, is_active=True).values_list(
            "agency_id", flat=True
        )
    )
    if not roots:
        return set()
    if tree is None:
        tree = agency_tree()
    visible: set[int] = set()
    for root in roots:
        visible |= subtree_ids(root, tree)
    return visible


def can_view(user, agency: Agency) -> bool:
    visible = visible_agency_ids(user)
    return visible is None or agency.pk in visible


# --------------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------------


PROCEDURE_FIGURES = ("received", "resolved", "resolved_late", "in_progress")


def _aggregates(period: Period, names: Iterable[str] = FIGURES) -> dict:
    return {name: Count("pk", filter=figure_q(name, period)) for name in names}


def _base(ids: Iterable[int]) -> QuerySet[Dossier]:
    return Dossier.objects.order_by().filter(competent_agency_id__in=list(ids))


@contextlib.contextmanager
def _counting():
    """The database alias to count on, inside one transaction with planner settings fit for
    these scans on PostgreSQL (SET LOCAL: they end with the transaction):

    - jit off: the figures are twenty filters, so the estimated cost is far above
      jit_above_cost, and PostgreSQL spent ≈ 0.65 s compiling the per-agency aggregate that then
      ran in ≈ 0.3 s (measured at 1,000,000 dossiers);
    - work_mem 32MB: the hash tables of `_count_in_one_pass` (a few thousand groups) stay in
      memory."""
    alias = router.db_for_read(Dossier)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield alias
        return
    # savepoint=False: inside an outer transaction (ATOMIC_REQUESTS, tests) the settings simply
    # last until it ends; one round trip for both settings
    with transaction.atomic(using=alias, savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true), "
                "set_config('parallel_tuple_cost', '0.01', true)"
            )
        yield alias


def compute(
    *,
    agency: Agency,
    date_from: datetime.date,
    date_to: datetime.date,
    include_children: bool = True,
) -> Stats:
    """The figures of `agency` (with its descendants when include_children) for the local dates
    [date_from, date_to]. Two queries: the agency tree and one aggregate."""
    period = Period(date_from, date_to)
    ids = scope_ids(agency, include_children=include_children)
    values = _base(ids).filter(relevant_q(period)).aggregate(**_aggregates(period))
    return Stats(**values)


@dataclasses.dataclass
class _Counts:
    """What counting the scope's dossiers yields; report() assembles it."""

    per_agency: dict[int, Stats]
    per_procedure: dict[str, dict]  # procedure code → {"name": …, PROCEDURE_FIGURES…}
    received_by_month: list[tuple[datetime.datetime, int]]  # (month, received)
    resolved_by_month: list[tuple[datetime.datetime, str, int]]  # (month, outcome, resolved)


_ONE_PASS_KEYS = (
    "competent_agency_id",
    "procedure_version_id",
    "month_received",
    "month_finished",
    "outcome",
)
# GROUPING(competent_agency_id, procedure_version_id, outcome) of each grouping set below: a bit
# per argument, 1 when the set leaves that column out
_SET_AGENCY, _SET_VERSION, _SET_RECEIVED, _SET_RESOLVED = 0b011, 0b101, 0b111, 0b110

# Figures the one-pass count derives from others instead of evaluating their filter for every
# dossier: figure = sum(plus) - sum(minus), exact by their definitions in figure_q():
# - to_handle = received | carried_over, and the two are disjoint (received_at in the period /
#   before its start);
# - resolved_on_time = resolved minus early and late (outcome is never null: "" when unknown);
# - in_progress_within = in_progress minus in_progress_overdue (within is "not overdue" among the
#   dossiers in progress, with the same clock-stopped test).
# test_stats_figures checks each identity against figure_q on every period of its data set.
DERIVED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "to_handle": (("received", "carried_over"), ()),
    "resolved_on_time": (("resolved",), ("resolved_early", "resolved_late")),
    "in_progress_within": (("in_progress",), ("in_progress_overdue",)),
}
COUNTED = tuple(name for name in FIGURES if name not in DERIVED)


def derive(counted: dict[str, int]) -> dict[str, int]:
    """Every figure from the COUNTED ones (see DERIVED)."""
    values = dict(counted)
    for name, (plus, minus) in DERIVED.items():
        values[name] = sum(counted[p] for p in plus) - sum(counted[m] for m in minus)
    return values


class _MonthOf(Func):
    """PostgreSQL: the 1-based index of the local calendar month (from `starts`, ascending
    month starts) holding the moment; 0 before the first, len(starts) from the last on, null
    for null. width_bucket over an array of moments: a binary search of timestamps, no time
    zone conversion per row as DATE_TRUNC(... AT TIME ZONE ...) needs."""

    function = "width_bucket"
    template = "%(function)s(%(expressions)s::timestamptz[])"
    output_field = IntegerField()

    def __init__(self, field: str, starts: list[datetime.datetime]):
        super().__init__(F(field), Value(starts))


def _month_starts(period: Period) -> list[datetime.datetime]:
    """Local midnights of the 1st of each month of the period, then of the month after it."""
    year, month = period.date_from.year, period.date_from.month
    starts = []
    while (year, month) <= (period.date_to.year, period.date_to.month):
        starts.append(_midnight(datetime.date(year, month, 1)))
        year, month = _month_shift(year, month, 1)
    starts.append(_midnight(datetime.date(year, month, 1)))
    return starts


def _count_in_one_pass(ids: set[int], period: Period, alias: str) -> _Counts | None:
    """PostgreSQL: everything report() needs from ONE scan of the scope's dossiers.

    The inner query, written by the ORM, selects the scope's relevant dossiers with one boolean
    per counted figure (`figure_q`, the same SQL as the drill-down's; the DERIVED figures are
    computed from those counts) and the grouping keys; OFFSET 0 keeps PostgreSQL from inlining
    it, so each figure is evaluated once per dossier, in parallel workers when the planner
    chooses a parallel scan (every filter is parallel-safe). The outer query counts the flags
    grouped four ways at once (GROUPING SETS, all hashed): per competent agency, per procedure
    version, per month of received_at and per (month of finished_at, outcome). The monthly
    series use the `received` / `resolved` counts: relevant_q is a superset of every figure, so
    they count exactly what `figure_q("received")` / `figure_q("resolved")` select. Returns None
    when the ORM's SQL is not shaped as expected (the caller then counts with separate
    queries)."""
    flags = {f"is_{name}": name for name in COUNTED}
    starts = _month_starts(period)
    inner = (
        _base(ids)
        .using(alias)
        .filter(relevant_q(period))
        .annotate(
            month_received=_MonthOf("received_at", starts),
            month_finished=_MonthOf("finished_at", starts),
            **{
                flag: ExpressionWrapper(figure_q(name, period), output_field=BooleanField())
                for flag, name in flags.items()
            },
        )
        .values(*_ONE_PASS_KEYS, *flags)
    )
    query = inner.query
    if query.is_sliced or query.group_by is not None or query.order_by or query.default_ordering:
        return None  # OFFSET 0 must be the inner query's only clause after WHERE
    inner_sql, params = query.sql_with_params()
    quote = connections[alias].ops.quote_name
    agency, version, received, finished, outcome = (f"d.{quote(k)}" for k in _ONE_PASS_KEYS)
    counts_sql = ", ".join(
        f"COUNT(*) FILTER (WHERE d.{quote(flag)}) AS {quote(name)}" for flag, name in flags.items()
    )
    # only quoted column names of ours are interpolated; every value stays a parameter
    sql = (
        f"SELECT {agency}, {version}, {received}, {finished}, {outcome}, "  # noqa: S608  # nosec B608
        f"GROUPING({agency}, {version}, {outcome}), {counts_sql} "
        f"FROM ({inner_sql} OFFSET 0) d "
        f"GROUP BY GROUPING SETS (({agency}), ({version}), ({received}), ({finished}, {outcome}))"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    counts = _Counts({}, {}, [], [])
    per_version: dict[int, dict[str, int]] = {}
    names = tuple(flags.values())
    i_received, i_resolved = names.index("received"), names.index("resolved")
    # month index → its start (1 = the first month of the period); 0, the index past the last
    # month and null are outside the period, where received / resolved are 0 anyway
    month_of = dict(enumerate(starts[:-1], start=1))
    for row in fetched:
        agency_id, version_id, month_received, month_finished, outcome_value, grouping = row[:6]
        month_received, month_finished = month_of.get(month_received), month_of.get(month_finished)
        values = row[6:]
        if grouping == _SET_AGENCY:
            counts.per_agency[agency_id] = Stats(**derive(dict(zip(names, values, strict=True))))
        elif grouping == _SET_VERSION:
            per_version[version_id] = {
                name: values[names.index(name)] for name in PROCEDURE_FIGURES
            }
        elif grouping == _SET_RECEIVED:
            counts.received_by_month.append((month_received, values[i_received]))
        elif grouping == _SET_RESOLVED:
            counts.resolved_by_month.append((month_finished, outcome_value, values[i_resolved]))
    counts.per_procedure = _per_procedure(per_version, alias)
    return counts


def _per_procedure(per_version: dict[int, dict[str, int]], alias: str) -> dict[str, dict]:
    """Versions summed per procedure, named by the greatest name of the versions counted (as
    Max() does in `_count_separately`); one query, the version ids passed as ONE array
    parameter (a scope may count thousands of versions: an IN list of thousands of
    placeholders cost more to build and parse than the query)."""
    version_model = Dossier._meta.get_field("procedure_version").related_model
    procedure_model = version_model._meta.get_field("procedure").related_model
    connection = connections[alias]
    quote = connection.ops.quote_name
    v, p = version_model._meta, procedure_model._meta
    sql = (
        f"SELECT v.{quote(v.pk.column)}, p.{quote(p.get_field('code').column)}, "  # noqa: S608  # nosec B608
        f"v.{quote(v.get_field('name').column)} FROM {quote(v.db_table)} v "
        f"JOIN {quote(p.db_table)} p ON p.{quote(p.pk.column)} = "
        f"v.{quote(v.get_field('procedure').column)} "
        f"WHERE v.{quote(v.pk.column)} = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(per_version)])
        versions = cursor.fetchall()
    per_procedure: dict[str, dict] = {}
    for pk, code, name in versions:
        entry = per_procedure.setdefault(
            code, {"name": name, **dict.fromkeys(PROCEDURE_FIGURES, 0)}
        )
        entry["name"] = max(entry["name"], name)
        for figure in PROCEDURE_FIGURES:
            entry[figure] += per_version[pk][figure]
    return per_procedure


def _count_separately(
    ids: set[int], period: Period, alias: str, *, procedures: bool, months: bool
) -> _Counts:
    """The same counts with one grouped query each (any database)."""
    base = _base(ids).using(alias)
    relevant = base.filter(relevant_q(period))
    counts = _Counts({}, {}, [], [])
    for row in relevant.values("competent_agency_id").annotate(**_aggregates(period)):
        agency_id = row.pop("competent_agency_id")
        counts.per_agency[agency_id] = Stats(**row)
    if procedures:
        per_procedure = relevant.values("procedure_version__procedure__code").annotate(
            name=Max("procedure_version__name"), **_aggregates(period, PROCEDURE_FIGURES)
        )
        for row in per_procedure:
            code = row.pop("procedure_version__procedure__code")
            counts.per_procedure[code] = row
    if months:
        counts.received_by_month = list(
            base.filter(figure_q("received", period))
            .annotate(month=TruncMonth("received_at"))
            .values_list("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
        )
        counts.resolved_by_month = list(
            base.filter(figure_q("resolved", period))
            .annotate(month=TruncMonth("finished_at"))
            .values_list("month", "outcome")
            .annotate(n=Count("pk"))
            .values_list("month", "outcome", "n")
        )
    return counts


def _count(ids: set[int], period: Period, *, procedures: bool, months: bool) -> _Counts:
    with _counting() as alias:
        if (procedures or months) and connections[alias].vendor == "postgresql":
            counts = _count_in_one_pass(ids, period, alias)
            if counts is not None:
                return counts
        return _count_separately(ids, period, alias, procedures=procedures, months=months)


def _by_procedure(per_procedure: dict[str, dict], limit: int) -> list[ProcedureRow]:
    """The `limit` procedures with the most received, then resolved dossiers (then by code)."""
    ranked = sorted(
        per_procedure.items(),
        key=lambda item: (-item[1]["received"], -item[1]["resolved"], item[0]),
    )
    return [ProcedureRow(code=code, **entry) for code, entry in ranked[:limit]]


def _monthly(period: Period, counts: _Counts) -> list[dict]:
    """Received and resolved per calendar month of the period, up to the current month."""
    months: dict[tuple[int, int], dict] = {}
    year, month = period.date_from.year, period.date_from.month
    last = min(period.date_to, timezone.localdate())  # no empty months in the future
    while (year, month) <= (last.year, last.month):
        months[(year, month)] = {
            "label": f"{month:02d}/{year}",
            "received": 0,
            "resolved": 0,
            "resolved_late": 0,
        }
        year, month = _month_shift(year, month, 1)

    def key(value) -> tuple[int, int]:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.year, value.month

    for value, count in counts.received_by_month:
        if value is not None and key(value) in months:
            months[key(value)]["received"] += count
    for value, outcome, count in counts.resolved_by_month:
        if value is not None and key(value) in months:
            months[key(value)]["resolved"] += count
            if outcome == Outcome.LATE:
                months[key(value)]["resolved_late"] += count
    return list(months.values())


def report(
    *,
    agency: Agency,
    date_from: datetime.date,
    date_to: datetime.date,
    include_children: bool = True,
    top_procedures: int = 10,
    with_months: bool = True,
) -> Report:
    """The 06a-style table: one row for the agency's own dossiers, one per direct child (its
    subtree summed) when include_children, the total, the top procedures and monthly series.
    A fixed number of queries whatever the number of dossiers or agencies (≤ 6): the agency
    tree, one scan of the dossiers on PostgreSQL (`_count_in_one_pass`, after one for the
    planner settings, then one for the procedures of the counted versions; four grouped queries
    elsewhere), and the agencies of the rows."""
    return _report(
        agency=agency,
        period=Period(date_from, date_to),
        include_children=include_children,
        top_procedures=top_procedures,
        with_months=with_months,
        tree=agency_tree(),
    )


def _report(
    *,
    agency: Agency,
    period: Period,
    include_children: bool,
    top_procedures: int,
    with_months: bool,
    tree: dict[int | None, list[int]],
) -> Report:
    computed_at = timezone.now()
    ids = scope_ids(agency, include_children=include_children, tree=tree)
    counts = _count(ids, period, procedures=bool(top_procedures), months=with_months)
    per_agency = counts.per_agency

    buckets: list[tuple[int, bool, set[int]]] = [(agency.pk, False, {agency.pk})]
    if include_children:
        for child_id in tree.get(agency.pk, ()):
            if child_id != agency.pk:
                buckets.append((child_id, True, subtree_ids(child_id, tree)))
    agencies = Agency.objects.in_bulk([pk for pk, _c, _m in buckets])
    total = Stats()
    rows = []
    for pk, is_subtree, members in buckets:
        stats = Stats()
        for member in members:
            if member in per_agency:
                stats.add(per_agency[member])
        total.add(stats)
        if pk == agency.pk or not stats.is_empty:
            rows.append(AgencyRow(agency=agencies[pk], include_children=is_subtree, stats=stats))
    own, children = rows[:1], rows[1:]
    children.sort(key=lambda row: (row.agency.display_order, row.agency.name))
    return Report(
        agency=agency,
        period=period,
        include_children=include_children,
        total=total,
        rows=own + children,
        procedures=_by_procedure(counts.per_procedure, top_procedures) if top_procedures else [],
        months=_monthly(period, counts) if with_months else [],
        computed_at=computed_at,
    )


# --------------------------------------------------------------------------------------------
# Listing (drill-down)
# --------------------------------------------------------------------------------------------


def dossiers_behind(
    *, agency: Agency, period: Period, figure: str, include_children: bool = True
) -> QuerySet[Dossier]:
    """Exactly the dossiers counted in `figure` (same filters as compute), newest first."""
    ids = scope_ids(agency, include_children=include_children)
    return (
        Dossier.objects.filter(competent_agency_id__in=list(ids))
        .filter(relevant_q(period))
        .filter(figure_q(figure, period))
        .select_related("procedure_version", "competent_agency", "receiving_unit")
        .order_by(F("received_at").desc(nulls_last=True), "-pk")
    )


def late_apology_counts(*, agency: Agency, period: Period, include_children: bool) -> dict:
    """Dossiers resolved in the period that were late or needed an apology (Mẫu 04), and how
    many of them carry an apology — one query (the PAR "late dossiers with an apology" figure)."""
    ids = scope_ids(agency, include_children=include_children)
    apologised = Exists(Apology.objects.filter(dossier=OuterRef("pk")))
    late = (
        Dossier.objects.filter(competent_agency_id__in=ids)
        .filter(figure_q("resolved", period))
        .annotate(apologised=apologised)
        .filter(Q(outcome=Outcome.LATE) | Q(apologised=True))
    )
    counts = late.aggregate(late=Count("pk"), with_apology=Count("pk", filter=Q(apologised=True)))
    return {"late": counts["late"] or 0, "with_apology": counts["with_apology"] or 0}


# --------------------------------------------------------------------------------------------
# Cached reports (the statistics page)
# --------------------------------------------------------------------------------------------

CACHE_PREFIX = "dossiers:stats"
CURRENT_PERIOD_CACHE_SECONDS = 60  # a period that includes today: new dossiers every minute
_GENERATION_KEY = f"{CACHE_PREFIX}:generation"


def _generation() -> str:
    return generations.current(_GENERATION_KEY)


def bump_generation() -> None:
    """Make every cached report stale at once: call after a correction of past dossier data
    (a past period changes only through corrections; a current one is cached 60 s anyway)."""
    generations.replace(_GENERATION_KEY)


def _cache_key(
    *,
    agency: Agency,
    ids: set[int],
    period: Period,
    include_children: bool,
    today: datetime.date,
    generation: str,
) -> str:
    """Scope (agency, include_children and the agencies the scope holds: a moved agency
    changes it), period, today when the period includes it (the overdue reference and the
    months shown depend on it), and the data generation."""
    scope = hashlib.blake2b(
        ",".join(str(pk) for pk in sorted(ids)).encode(), digest_size=8
    ).hexdigest()
    day = today.isoformat() if period.date_to >= today else "past"
    return (
        f"{CACHE_PREFIX}:v1:{generation}:{agency.pk}:{int(include_children)}:"
        f"{period.date_from.isoformat()}:{period.date_to.isoformat()}:{day}:{scope}"
    )


def _to_cache(result: Report) -> dict:
    """Plain data (no model instances): the rows' agencies by pk and name."""
    return {
        "rows": [
            (row.agency.pk, row.include_children, dataclasses.asdict(row.stats))
            for row in result.rows
        ],
        "names": {row.agency.pk: row.agency.name for row in result.rows},
        "total": dataclasses.asdict(result.total),
        "procedures": [dataclasses.asdict(row) for row in result.procedures],
        "months": result.months,
        "computed_at": result.computed_at,
    }


class _Rows(Sequence):
    """Rows of a cached report, built from their plain data on first use: a cached page shows
    its tables from cached fragments, so a province-wide report's 160 agency rows and
    thousands of procedure rows are usually never needed as objects."""

    def __init__(self, items: list, build):
        self._items, self._build, self._rows = items, build, None

    def _all(self) -> list:
        if self._rows is None:
            self._rows = [self._build(item) for item in self._items]
        return self._rows

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if self._rows is not None:
            return self._rows[index]
        if isinstance(index, slice):  # a page of the table: only its rows
            return [self._build(item) for item in self._items[index]]
        return self._build(self._items[index])

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


def _from_cache(
    data: dict, *, agency: Agency, period: Period, include_children: bool, tree: dict
) -> Report | None:
    """The cached report, or None when an agency of its rows is no longer in the agency tree.
    The rows' agencies carry their pk and the name they had when the figures were counted (as
    the cached tables show them; any other field is read from the database on first use): a
    province-wide report has 160+ rows, reading them was most of a cached page's cost."""
    existing = {pk for children in tree.values() for pk in children}
    names = data["names"]
    if any(pk != agency.pk and pk not in existing for pk in names):
        return None
    alias = router.db_for_read(Agency)

    def agency_of(pk: int) -> Agency:
        return agency if pk == agency.pk else Agency.from_db(alias, ["id", "name"], [pk, names[pk]])

    return Report(
        agency=agency,
        period=period,
        include_children=include_children,
        total=Stats(**data["total"]),
        rows=_Rows(
            data["rows"],
            lambda row: AgencyRow(
                agency=agency_of(row[0]), include_children=row[1], stats=Stats(**row[2])
            ),
        ),
        procedures=_Rows(data["procedures"], lambda row: ProcedureRow(**row)),
        months=data["months"],
        computed_at=data["computed_at"],
    )


def cached_report(
    *,
    agency: Agency,
    date_from: datetime.date,
    date_to: datetime.date,
    include_children: bool = True,
    tree: dict[int | None, list[int]] | None = None,
) -> Report:
    """report() through the Django cache, for the statistics page (`tree`: agency_tree(), when
    the caller has it already). The computed figures are
    cached (not the page: it carries per-user links) for settings.STATS_CACHE_SECONDS when the
    period ended before today, at most CURRENT_PERIOD_CACHE_SECONDS when it includes today;
    `Report.computed_at` says when they were counted. STATS_CACHE_SECONDS = 0 turns the cache
    off (tests). A cache outage only means computing."""
    period = Period(date_from, date_to)
    seconds = getattr(settings, "STATS_CACHE_SECONDS", 0)
    if tree is None:
        tree = agency_tree()

    def compute_now() -> Report:
        return _report(
            agency=agency,
            period=period,
            include_children=include_children,
            top_procedures=10,
            with_months=True,
            tree=tree,
        )

    if seconds <= 0:
        return compute_now()
    today = timezone.localdate()
    key = _cache_key(
        agency=agency,
        ids=scope_ids(agency, include_children=include_children, tree=tree),
        period=period,
        include_children=include_children,
        today=today,
        generation=_generation(),
    )
    data = cache_read(key, "a report")
    if data is not None:
        try:
            result = _from_cache(
                data, agency=agency, period=period, include_children=include_children, tree=tree
            )
        except (KeyError, TypeError, ValueError):  # an entry of another shape: recount
            result = None
        if result is not None:
            return result
    result = compute_now()
    timeout = seconds if period.date_to < today else min(seconds, CURRENT_PERIOD_CACHE_SECONDS)
    try:
        cache.set(key, _to_cache(result), timeout)
    except Exception:
        logger.warning("statistics cache: write failed", exc_info=True)
    return result
