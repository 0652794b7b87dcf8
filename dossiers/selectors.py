"""Reads of dossiers, always scoped to the asking user; shaped for the pages, no N+1."""

import datetime
import hashlib
import hmac
import uuid
from collections.abc import Sequence

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import Role
from accounts.permissions import agency_ids_with
from agencies import selectors as agency_selectors
from agencies.models import Agency
from core.prepared import Prepared
from procedures.selectors import HEAVY_COLUMNS

from . import queue_cache
from .models import (
    CLOSED_STATUSES,
    HELD_ELSEWHERE,
    RECEIVED_ELSEWHERE,
    Apology,
    Dossier,
    DossierAttachment,
    DossierEvent,
    Refusal,
    Status,
    Step,
    SupplementRequest,
)

# Roles whose scope reaches the agency's child units (a leader or officer of a department sees
# its sub-units' dossiers); a desk officer sees only the dossiers of their own desk.
TREE_ROLES = (Role.PROCESSING_OFFICER, Role.AGENCY_LEADER)
QUEUE_ROLES = (Role.DESK_OFFICER, *TREE_ROLES)
RUNNING_STATUSES = (Status.ACCEPTED, Status.PROCESSING)

_RELATED = (
    "procedure_version__procedure",
    "case",
    "competent_agency",
    "receiving_unit",
    "current_unit",
    "assigned_officer",
)


def staff_agency_ids(user) -> set[int]:
    """Agencies whose dossiers the user sees as staff (desk: own; officer / leader: + children)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    desk = agency_ids_with(user, [Role.DESK_OFFICER])
    tree = agency_ids_with(user, TREE_ROLES)
    frontier = set(tree)
    for _depth in range(10):
        if not frontier:
            break
        children = (
            set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - tree
        )
        tree |= children
        frontier = children
    return desk | tree


def _overdue_q(now: datetime.datetime) -> Q:
    """Running (accepted or processing), not finished, and past its due moment: what
    _with_overdue marks is_overdue."""
    return Q(due_at__lt=now, status__in=RUNNING_STATUSES, finished_at__isnull=True)


def _with_overdue(qs: QuerySet, now: datetime.datetime) -> QuerySet:
    return qs.annotate(
        is_overdue=Case(
            When(_overdue_q(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# --- citizens ---------------------------------------------------------------------------------
# what the citizen pages show of a dossier's relations (not who holds it inside the agency)
_CITIZEN_JOINED = ("procedure_version__procedure", "case")
_CITIZEN_RELATED = (*_CITIZEN_JOINED, "competent_agency", "receiving_unit")


def dossiers_for_citizen(*, user) -> QuerySet[Dossier]:
    """The user's own dossiers (drafts included), newest first."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return (
        _with_overdue(Dossier.objects.filter(applicant_user=user), timezone.now())
        .select_related(*_CITIZEN_RELATED)
        .defer(*(f"procedure_version__{name}" for name in HEAVY_COLUMNS))
        .order_by("-created_at", "-pk")
    )


def drafts_of(*, user, version) -> list[Dossier]:
    """The user's unfinished drafts of a procedure version, newest first: only what the start
    page lists (link and creation moment), no related rows."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Dossier.objects.filter(applicant_user=user, step=Step.DRAFT, procedure_version=version)
        .only("public_id", "created_at")
        .order_by("-created_at", "-pk")
    )


# compiled once per process: every step of an online submission reads the dossier this way
_CITIZEN_DOSSIER = Prepared(
    lambda user_id, public_id, now: (
        _with_overdue(Dossier.objects.filter(applicant_user_id=user_id, public_id=public_id), now)
        .select_related(*_CITIZEN_JOINED)
        .defer(*(f"procedure_version__{name}" for name in HEAVY_COLUMNS))
        .order_by()[:1]
    ),
    user_id=Dossier._meta.get_field("applicant_user"),
    public_id=Dossier._meta.get_field("public_id"),
    now=Dossier._meta.get_field("due_at"),
)


def get_for_citizen(*, user, public_id) -> Dossier:
    """The user's own dossier `public_id` (404 otherwise), with what the citizen pages show of
    its relations: the procedure and case joined, the two units from the process's copy of
    the agency registry (a narrower query to compile on each of the submission's steps)."""
    try:
        public_id = uuid.UUID(str(public_id))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not getattr(user, "is_authenticated", False):
        raise Http404
    found = _CITIZEN_DOSSIER.run(user_id=user.pk, public_id=public_id, now=timezone.now())
    if not found:
        raise Http404
    return _with_units(found[0], ("competent_agency", "receiving_unit"))


def _with_units(dossier: Dossier, names) -> Dossier:
    """The dossier with its unit relations `names` set from the process's copy of the agency
    registry (no query while it holds)."""
    units = agency_selectors.by_ids(getattr(dossier, f"{name}_id") for name in names)
    for name in names:
        unit_id = getattr(dossier, f"{name}_id")
        if unit_id in units:
            Dossier._meta.get_field(name).set_cached_value(dossier, units[unit_id])
    return dossier


# --- staff ------------------------------------------------------------------------------------
def _queue_filtered(qs: QuerySet, *, user, filters: dict, now: datetime.datetime) -> QuerySet:
    """queue_for's filters other than the unit columns, and the is_overdue annotation."""
    status = filters.get("status")
    if status not in (None, "", []):
        statuses = status if isinstance(status, list | tuple | set) else [status]
        qs = qs.filter(status__in=[int(s) for s in statuses])
    elif not filters.get("include_closed"):
        qs = qs.exclude(status__in=CLOSED_STATUSES)
    procedure = filters.get("procedure")
    if procedure not in (None, ""):
        if isinstance(procedure, int) or (str(procedure).isascii() and str(procedure).isdigit()):
            qs = qs.filter(procedure_version__procedure_id=int(procedure))
        else:
            qs = qs.filter(procedure_version__procedure__code=str(procedure))
    if filters.get("channel") not in (None, ""):
        qs = qs.filter(channel=int(filters["channel"]))
    if filters.get("agency") not in (None, ""):
        agency_id = int(filters["agency"])
        qs = qs.filter(
            Q(competent_agency_id=agency_id)
            | Q(receiving_unit_id=agency_id)
            | Q(current_unit_id=agency_id)
        )
    for key, lookup in (
        ("received_from", "received_at__date__gte"),
        ("received_to", "received_at__date__lte"),
        ("submitted_from", "submitted_at__date__gte"),
        ("submitted_to", "submitted_at__date__lte"),
    ):
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(code__icontains=term) | Q(applicant_name__icontains=term))
    if filters.get("assigned_to_me"):
        qs = qs.filter(assigned_officer=user)
    qs = _with_overdue(qs, now)
    if filters.get("overdue"):
        qs = qs.filter(is_overdue=True)
    return qs


QUEUE_ORDER = ("-is_overdue", "due_at", "submitted_at", "pk")


def queue_for(*, user, filters: dict | None = None) -> QuerySet[Dossier]:
    """Dossiers of the user's agencies (competent, receiving or holding unit is one of them),
    overdue first, then by due moment. Drafts never appear; closed ones only when asked.

    filters (all optional): procedure (Procedure pk or code), status (int or list), channel,
    received_from / received_to and submitted_from / submitted_to (dates, inclusive),
    q (code or applicant name contains), agency (agency pk within the user's scope),
    assigned_to_me (bool), overdue (bool), include_closed (bool).
    """
    ids = staff_agency_ids(user)
    if not ids:
        return Dossier.objects.none()
    qs = Dossier.objects.exclude(step=Step.DRAFT).filter(
        Q(competent_agency_id__in=ids) | Q(receiving_unit_id__in=ids) | Q(current_unit_id__in=ids)
    )
    qs = _queue_filtered(qs, user=user, filters=filters or {}, now=timezone.now())
    return qs.select_related(*_RELATED).order_by(*QUEUE_ORDER)


# What a queue row shows (templates/dossiers/staff/queue.html): only these are read for the page.
QUEUE_RELATED = ("procedure_version", "current_unit", "assigned_officer")
QUEUE_COLUMNS = (
    "code",
    "channel",
    "status",
    "step",
    "applicant_name",
    "due_at",
    "submitted_at",
    "finished_at",
    "procedure_version__name",
    "current_unit__name",
    "assigned_officer__full_name",
)


def _not_overdue_q(now: datetime.datetime) -> Q:
    """Its exact complement (is_overdue False), written without NOT over nullable columns."""
    return (
        Q(due_at__isnull=True)
        | Q(due_at__gte=now)
        | ~Q(status__in=RUNNING_STATUSES)
        | Q(finished_at__isnull=False)
    )


class QueueRows(Sequence):
    """One page of the queue. Its entries (id, due moment, status, finished) come from the
    ordered index reads or the cache; its rows are read on first use only, so a page whose
    table is rendered from the cache reads none."""

    def __init__(self, entries: list[tuple], fetch, cache_key: str | None = None):
        self.entries = entries
        self._fetch = fetch
        self.cache_key = cache_key  # the listing's key when it is cached (queue_cache)
        self.badges: dict[int, str] = {}

    @cached_property
    def rows(self) -> list[Dossier]:
        if not self.entries:
            return []
        found = {row.pk: row for row in self._fetch([entry[0] for entry in self.entries])}
        rows = [found[entry[0]] for entry in self.entries if entry[0] in found]
        for row in rows:
            row.badge = self.badges.get(row.pk, "")
        return rows

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index):
        return self.rows[index]

    def __iter__(self):
        return iter(self.rows)

    def fragment_key(self) -> str | None:
        """What the rendered rows depend on: the listing's key (its units', the catalogue's and
        the agencies' tokens, the filters), the entries and their badges; None when the listing
        is not cached."""
        if self.cache_key is None:
            return None
        state = repr((self.cache_key, self.entries, sorted(self.badges.items())))
        return hashlib.sha1(state.encode(), usedforsecurity=False).hexdigest()


class QueueListing:
    """queue_for's rows, in its order, for a Paginator — built for agencies holding 100,000
    dossiers. The three unit columns are split into disjoint parts (competent unit; else the
    holding unit; else the receiving unit), each served by its covering partial index
    (models.Dossier.Meta). The count is an index-only count; a page is read in queue order
    (overdue first, then by due moment) as two ordered reads — the overdue dossiers, then the
    others — each an index scan in (due_at, submitted_at, id) order that stops after the page,
    so no sort of the unit's open dossiers; then only the page's rows are read (QueueRows).

    With a cache key (queue_cache.listing_key) the count and each page's entries are kept in
    the cache until the next due moment among the running dossiers listed (when one turns
    overdue the order changes); the querysets are then only built on a miss."""

    _order = ("due_at", "submitted_at", "id")
    _entry = ("id", "due_at", "status", "finished_at")

    def __init__(self, build_parts, now: datetime.datetime, cache_key: str | None = None):
        self._build_parts = build_parts
        self.now = now
        self.cache_key = cache_key
        self._count: int | None = None
        self._until: datetime.datetime | None = None

    @cached_property
    def parts(self) -> list[QuerySet]:
        return self._build_parts()

    def _kept(self, name: str, build):
        if self.cache_key is None:
            return build()
        key = f"{self.cache_key}:{name}"
        value = queue_cache.get(key, self.now)
        if value is None:
            value = build()
            queue_cache.put(key, value, until=self.until(), now=self.now)
        return value

    def until(self) -> datetime.datetime:
        """The next due moment among the running, not yet overdue dossiers listed: until
        then no listed dossier turns overdue (now + MAX_AGE when there is none)."""
        if self._until is None:
            self._until = self.now + datetime.timedelta(seconds=queue_cache.MAX_AGE)
            if self.parts:
                running = Q(due_at__gte=self.now, status__in=RUNNING_STATUSES)
                first = self._entries(running & Q(finished_at__isnull=True), 0, 1)
                if first:
                    self._until = min(self._until, first[0][1])
        return self._until

    def _union(self, condition: Q | None, columns: tuple[str, ...]) -> QuerySet:
        first, *rest = (
            (part if condition is None else part.filter(condition)).order_by().values(*columns)
            for part in self.parts
        )
        return first.union(*rest, all=True) if rest else first

    def count(self) -> int:
        if self._count is None:
            self._count = self._kept(
                "count", lambda: self._union(None, ("id",)).count() if self.parts else 0
            )
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _entries(self, condition: Q, start: int, stop: int) -> list[tuple]:
        """Entries [start:stop] in queue order among the parts' rows matching `condition`:
        each part reads only its first `stop` in index order (index-only: the entry's columns
        are in the index), then those few are merged."""
        columns = (*self._order, "status", "finished_at")
        parts = [part.filter(condition).values(*columns) for part in self.parts]
        if connections[parts[0].db].features.supports_slicing_ordering_in_compound:
            parts = [part.order_by(*self._order)[:stop] for part in parts]
        else:  # SQLite: no LIMIT inside a UNION (and no index order to gain)
            parts = [part.order_by() for part in parts]
        first, *rest = parts
        union = first.union(*rest, all=True) if rest else first
        return [
            tuple(row[column] for column in self._entry)
            for row in union.order_by(*self._order)[start:stop]
        ]

    def _page(self, start: int, stop: int) -> list[tuple]:
        if not self.parts:
            return []
        entries = self._entries(_overdue_q(self.now), start, stop)
        if len(entries) < stop - start:  # the overdue ones end on this page: the others follow
            overdue = (
                start + len(entries)
                if entries
                else self._union(_overdue_q(self.now), ("id",)).count()
            )
            skip = max(0, start - overdue)
            entries += self._entries(
                _not_overdue_q(self.now), skip, skip + (stop - start - len(entries))
            )
        return entries

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("QueueListing supports slices only")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        if stop <= start:
            return QueueRows([], self._rows, self.cache_key)
        entries = self._kept(f"page:{start}:{stop}", lambda: self._page(start, stop))
        return QueueRows(entries, self._rows, self.cache_key)

    def _rows(self, ids: list[int]):
        return (
            _with_overdue(Dossier.objects.filter(pk__in=ids), self.now)
            .select_related(*QUEUE_RELATED)
            .only(*QUEUE_COLUMNS)
            .order_by()
        )


def queue_listing(
    *, user, filters: dict | None = None, refine=None, scope: str | None = None
) -> QueueListing:
    """The queue page's rows: queue_for(user, filters), further narrowed by `refine` (a
    function QuerySet → QuerySet, e.g. a FilterSet's filter_queryset), as a QueueListing.

    `scope` names everything `filters` and `refine` select by (e.g. the query string): given,
    the listing is kept in the cache (queue_cache) under it and the units' tokens."""
    ids = staff_agency_ids(user)
    now = timezone.now()
    if not ids:
        return QueueListing(list, now)

    def build_parts() -> list[QuerySet]:
        competent = Q(competent_agency_id__in=ids)
        holding = Q(current_unit_id__in=ids)
        units = [
            competent,
            holding & ~competent & HELD_ELSEWHERE,
            Q(receiving_unit_id__in=ids) & ~competent & ~holding & RECEIVED_ELSEWHERE,
        ]
        parts = []
        for unit in units:
            part = _queue_filtered(
                Dossier.objects.exclude(step=Step.DRAFT).filter(unit),
                user=user,
                filters=filters or {},
                now=now,
            )
            parts.append(refine(part) if refine is not None else part)
        return parts

    key = None
    if scope is not None:
        if (filters or {}).get("assigned_to_me"):
            scope = f"{scope}|officer={user.pk}"
        key = queue_cache.listing_key(ids, scope)
    return QueueListing(build_parts, now, key)


# What a staff view of one dossier reads with it: joined in the dossier's query. The three units
# come by one more query (get_for_staff): an eight-table join costs PostgreSQL more to plan
# (~1.5 ms) than the dossier and the units take to read apart.
_STAFF_RELATED = ("procedure_version__procedure", "case", "assigned_officer")
_STAFF_UNITS = ("competent_agency", "receiving_unit", "current_unit")
# page=True: of the related rows, only what the staff dossier page and its action forms show
_PAGE_COLUMNS = (
    *(field.attname for field in Dossier._meta.concrete_fields),
    "procedure_version__name",
    "procedure_version__procedure__code",
    "case__name",
    "case__fee_amount",
    "assigned_officer__full_name",
)


def _staff_query(code, now, *, page: bool):
    """get_for_staff's lookup (compiled once per process, for the page and for the rest)."""
    qs = _with_overdue(
        Dossier.objects.filter(code=code).exclude(step=Step.DRAFT), now
    ).select_related(*_STAFF_RELATED)
    if page:
        qs = qs.only(*_PAGE_COLUMNS).annotate(
            has_supplement=Exists(SupplementRequest.objects.filter(dossier=OuterRef("pk"))),
            has_refusal=Exists(Refusal.objects.filter(dossier=OuterRef("pk"))),
            has_apology=Exists(Apology.objects.filter(dossier=OuterRef("pk"))),
        )
    else:
        qs = qs.defer(*(f"procedure_version__{name}" for name in HEAVY_COLUMNS))
    return qs.order_by()[:1]


_STAFF_FIELDS = {"code": Dossier._meta.get_field("code"), "now": Dossier._meta.get_field("due_at")}
_STAFF_DOSSIER = Prepared(lambda code, now: _staff_query(code, now, page=False), **_STAFF_FIELDS)
_STAFF_PAGE_DOSSIER = Prepared(
    lambda code, now: _staff_query(code, now, page=True), **_STAFF_FIELDS
)


def get_for_staff(*, user, code: str, page: bool = False) -> Dossier:
    """The dossier `code` when the user sees it as staff (what queue_for with include_closed
    would list): found by its unique code, then checked against the user's units. Its
    procedure, case, assigned officer and three units come with it (no query on access), and
    is_overdue as queue_for annotates it.

    page=True shapes it for the staff dossier page: the procedure, case and officer with only
    the columns the page shows, and has_supplement / has_refusal / has_apology (whether a
    supplement request, a refusal, an apology exists) annotated."""
    query = _STAFF_PAGE_DOSSIER if page else _STAFF_DOSSIER
    found = query.run(code=code, now=timezone.now())
    if not found:
        raise Http404
    dossier = found[0]
    # The units the user holds a role in directly are enough for most; their child units
    # (one more query) only when those do not match.
    if not _in_scope(dossier, agency_ids_with(user, QUEUE_ROLES)) and not _in_scope(
        dossier, staff_agency_ids(user)
    ):
        raise Http404
    return _with_units(dossier, _STAFF_UNITS)


def _in_scope(dossier: Dossier, ids: set[int]) -> bool:
    """One of the dossier's units (competent, receiving, holding) is among `ids`."""
    return bool(
        ids & {dossier.competent_agency_id, dossier.receiving_unit_id, dossier.current_unit_id}
    )


def is_visible_to_staff(*, user, dossier: Dossier) -> bool:
    return _in_scope(dossier, staff_agency_ids(user)) and not dossier.is_draft


# --- timeline and tracking --------------------------------------------------------------------
_EVENT_FIELDS = tuple(field.name for field in DossierEvent._meta.concrete_fields)


def timeline(*, dossier: Dossier, public: bool = False) -> QuerySet[DossierEvent]:
    """The events of a dossier in order. public=True: only public events, without the actor.
    Otherwise the units and the actor come with only what a timeline shows (name, full name)."""
    qs = DossierEvent.objects.filter(dossier=dossier)
    if public:
        return qs.filter(public=True).select_related("from_unit", "to_unit").defer("by", "data")
    return qs.select_related("from_unit", "to_unit", "by").only(
        *_EVENT_FIELDS, "from_unit__name", "to_unit__name", "by__full_name"
    )


def _tracking_query(code):
    """The tracking lookup (the public page's hottest query; compiling it took longer than
    running it, so it is compiled once per process: _TRACKING). No joins: the page's cached
    block reads the procedure and the units only when it is rendered anew. The last public
    event id and `revision` are what that cached block depends on (events are appended, never
    edited)."""
    last_public_event = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), public=True)
        .order_by("-pk")
        .values("pk")[:1]
    )
    return (
        Dossier.objects.filter(code=code)
        .exclude(step=Step.DRAFT)
        .annotate(last_public_event_id=Subquery(last_public_event))
        .order_by()[:1]
    )


_TRACKING = Prepared(_tracking_query, code=Dossier._meta.get_field("code"))


def find_for_tracking(*, code: str, secret: str) -> Dossier | None:
    """The dossier for public tracking when the secret matches: its tracking secret (any case)
    or the last 4 digits of the applicant's phone. None otherwise (a code alone reveals
    nothing). The comparison takes constant time."""
    code = (code or "").strip().upper()
    secret = (secret or "").strip().upper()
    dossier = None
    if code and secret:
        dossier = next(iter(_TRACKING.run(code=code)), None)
    expected_secret = dossier.tracking_secret.upper() if dossier else "-" * 8
    phone = "".join(c for c in (dossier.applicant_phone if dossier else "") if c.isdigit())
    expected_phone = phone[-4:] if len(phone) >= 4 else "\x00" * 4
    ok_secret = hmac.compare_digest(secret.encode(), expected_secret.encode())
    ok_phone = hmac.compare_digest(secret.encode(), expected_phone.encode())
    if dossier is not None and (ok_secret or ok_phone):
        return dossier
    return None


def can_download(*, user, attachment: DossierAttachment) -> bool:
    """The applicant downloads every file of their dossier; staff those of dossiers they see."""
    if not getattr(user, "is_authenticated", False):
        return False
    dossier = attachment.dossier
    if dossier.applicant_user_id is not None and dossier.applicant_user_id == user.pk:
        return True
    return is_visible_to_staff(user=user, dossier=dossier)


def returned_between(*, agency_ids, date_from: datetime.date, date_to: datetime.date):
    """Dossiers returned in [date_from, date_to] (local dates) whose competent agency or
    receiving unit is one of `agency_ids`, newest first — the SIPAS sampling frame's source.
    The caller decides who may see them (surveys: appraisers and administrators only)."""
    ids = list(agency_ids)
    return (
        Dossier.objects.filter(
            Q(competent_agency_id__in=ids) | Q(receiving_unit_id__in=ids),
            status=Status.RETURNED,
            returned_at__date__gte=date_from,
            returned_at__date__lte=date_to,
        )
        .select_related("procedure_version__procedure", "competent_agency")
        .order_by("-returned_at", "-pk")
    )
