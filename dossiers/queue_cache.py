"""The staff queue, kept in the shared cache for as long as nothing it lists can have changed.

A unit's queue changes in two ways:
- a dossier that names the unit (as its competent agency, holding unit or receiving unit,
  before or after the change) is saved or deleted: each unit has a generation token
  (core.generations), replaced on every such save or delete, at once and after the commit
  (dossiers.signals);
- time passes a running dossier's due moment, and it moves up among the overdue: a listing is
  kept only until the next due moment among the running dossiers it covers
  (selectors.QueueListing).
Listings are keyed by their units' tokens, the catalogue's (the text filter reads procedure
names) and the agencies' (rows show unit names), and kept MAX_AGE seconds at most: that bounds
what a write sending no signal (a bulk update) or made while the cache was down could leave.
Nothing is read or kept inside a transaction: its own uncommitted rows must be seen by it and
by nobody else. A restore or a bulk load replaces EPOCH_KEY, retiring every listing at once.
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache

from agencies import selectors as agency_selectors
from core import generations
from procedures import selectors as procedure_selectors

logger = logging.getLogger(__name__)

UNIT_KEY = "dossiers:unit:{}"
EPOCH_KEY = "dossiers:queue:epoch"
MAX_AGE = 300  # seconds
generations.WATCHED.add(EPOCH_KEY)  # replaced by generations.replace_all() after a restore


def listing_key(unit_ids, scope: str) -> str | None:
    """The cache key of the listing of `unit_ids` narrowed by `scope` (the filters, as a
    string), under the current tokens; None when it must not be cached (in a transaction)."""
    units = sorted(unit_ids)
    key = generations.derived_key(
        [
            EPOCH_KEY,
            procedure_selectors.GENERATION_KEY,
            agency_selectors.GENERATION_KEY,
            *(UNIT_KEY.format(unit) for unit in units),
        ],
        units,
        scope,
    )
    return None if key is None else f"dossiers:queue:{key}"


def get(key: str, now: datetime.datetime):
    """What put() kept under `key`, if it still holds at `now`; else None."""
    try:
        held = cache.get(key)
    except Exception:  # a cache outage costs a rebuild, never the page
        logger.warning("queue cache unavailable", exc_info=True)
        return None
    if held is None or held[0] <= now:
        return None
    return held[1]


def put(key: str, value, *, until: datetime.datetime, now: datetime.datetime) -> None:
    """Keep `value` under `key` while it holds: until `until` and at most MAX_AGE seconds."""
    seconds = int(min(MAX_AGE, (until - now).total_seconds()))
    if seconds < 1:
        return
    try:
        cache.set(key, (until, value), seconds)
    except Exception:
        logger.warning("queue cache unavailable", exc_info=True)


# --- invalidation -----------------------------------------------------------------------------
_UNIT_COLUMNS = ("competent_agency_id", "current_unit_id", "receiving_unit_id")


def unit_keys_of(instance) -> list[str]:
    """The tokens a save or delete of this dossier replaces: those of every unit it names or
    named. None for a draft that stays a draft (it is in no queue)."""
    # Dossier.from_db noted what the row held when read (nothing for a new dossier)
    loaded_step, loaded_units = getattr(instance, "_loaded_queue_state", (None, ()))
    if instance.is_draft and loaded_step in (None, instance.step):
        return []
    units = {instance.__dict__.get(column) for column in _UNIT_COLUMNS} | set(loaded_units)
    units.discard(None)
    return [UNIT_KEY.format(unit) for unit in sorted(units)]
