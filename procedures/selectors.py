"""Catalogue reads. The catalogue is public: nothing here is scoped to a user."""

import datetime
import hashlib

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core import generations
from core.text import search_words

from .models import ProcedureCase, ProcedureVersion

# columns no public page shows: the imported source record and the folded search text
HEAVY_COLUMNS = ("raw", "search_text")

# Public pages cache their rendered catalogue fragments (templates: {% cache %}) under a key
# holding the catalogue's generation, which signals.py and the importer replace after any
# change (import, admin edit, agency rename); the timeout only bounds memory.
FRAGMENT_CACHE_SECONDS = 600
GENERATION_KEY = "procedures:generation"


def catalogue_generation() -> str:
    """The current generation of the catalogue (a random token, kept until a change)."""
    return generations.current(GENERATION_KEY)


def parse_day(value: str | None) -> tuple[datetime.date, bool]:
    """`?ngay=YYYY-MM-DD` → (day, ok). Missing → today, ok; malformed → today, not ok."""
    today = timezone.localdate()
    if not value:
        return today, True
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return today, False
    if not datetime.date(1990, 1, 1) <= day <= datetime.date(2100, 12, 31):
        return today, False
    return day, True


def search(qs: QuerySet[ProcedureVersion], query: str | None) -> QuerySet[ProcedureVersion]:
    """Every folded word must occur in search_text, in any order (trigram index on PostgreSQL)."""
    for word in search_words(query):
        qs = qs.filter(search_text__contains=word)
    return qs


def catalogue(*, day: datetime.date) -> QuerySet[ProcedureVersion]:
    """Versions in force on `day`, shaped for the list page (constant query count)."""
    return (
        ProcedureVersion.objects.in_force_on(day)
        .select_related("procedure", "field")
        .defer(*HEAVY_COLUMNS)
        .order_by("field__name", "procedure__code")
    )


def version_header(
    *, code: str, day: datetime.date, generation: str | None = None
) -> tuple[ProcedureVersion | None, bool]:
    """(version in force on `day`, else the newest; not_in_force) without its sections: what
    the page needs around the cached sections (title, breadcrumbs, submit button). Cached
    under the catalogue's generation (pass it when already read) like the sections."""
    digest = hashlib.sha256(code.encode()).hexdigest()[:32]
    generation = generation or catalogue_generation()
    key = f"procedures:header:{generation}:{day.isoformat()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = _version_header(code=code, day=day)
        cache.set(key, found, FRAGMENT_CACHE_SECONDS)
    return found


def _versions_shown() -> QuerySet[ProcedureVersion]:
    """Versions with what a procedure page shows around its sections, heavy columns left out."""
    return ProcedureVersion.objects.select_related(
        "procedure", "field", "announcement", "replaced_by"
    ).defer(*HEAVY_COLUMNS, "replaced_by__raw", "replaced_by__search_text")


def _version_header(*, code: str, day: datetime.date) -> tuple[ProcedureVersion | None, bool]:
    version = _versions_shown().in_force_on(day).filter(procedure__code=code).first()
    if version is not None:
        return version, False
    latest = (
        _versions_shown().filter(procedure__code=code).order_by("-valid_from", "-number").first()
    )
    return latest, True


def with_sections(version: ProcedureVersion) -> ProcedureVersion:
    """The same version with every section prefetched (cases, documents, legal bases,
    agencies)."""
    return _versions_shown().prefetch_related(*detail_prefetch()).get(pk=version.pk)


def detail_prefetch() -> list:
    return [
        Prefetch(
            "cases",
            queryset=ProcedureCase.objects.order_by("order").prefetch_related("documents"),
        ),
        "legal_bases",
        "agency_links__agency",
    ]


def versions_of(*, code: str) -> list[ProcedureVersion]:
    return list(
        ProcedureVersion.objects.filter(procedure__code=code)
        .select_related("announcement")
        .defer(*HEAVY_COLUMNS)
        .order_by("-valid_from", "-number")
    )


def export_versions(*, day: datetime.date, params: dict) -> QuerySet[ProcedureVersion]:
    """The filtered catalogue of `day` with everything the workbook needs."""
    from .filters import ProcedureFilter

    qs = catalogue(day=day).select_related("announcement").prefetch_related(*detail_prefetch())
    return ProcedureFilter(params, queryset=qs).qs
