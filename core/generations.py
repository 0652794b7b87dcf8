"""Generations: one token per kind of rarely-changing data, replaced whenever that data changes.

A reader that keeps something derived from the data (a rendered fragment in the cache, a
snapshot in the process) keys it by the current token; a change replaces the token, so every
copy built before it is never read again — no timeout decides freshness.

The token lives in the shared cache (Redis), so every process sees a change at once. When the
cache is unreachable each read gets a fresh random token: nothing cached is ever reused, the
portal just does the work again. (A change made during an outage cannot replace the stored
token: copies cached before the outage are then seen until their own timeout.)

`watch(key, models)` replaces the token on every save or delete of those models, twice: at
once (later reads of the same transaction) and after the commit (a reader in another process
that rebuilt its copy from the old rows between the save and the commit must not keep it).
Bulk writes send no signals: the code doing them calls `replace(key)` itself; a restore of the
database replaces every watched token (`replace_all`).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

# every key passed to watch(): what replace_all() replaces
WATCHED: set[str] = set()

# The tokens one request has read, so that a page reading the same token in several places (the
# agencies' token: the registry copy, the agency tree, a cache key) asks the cache once. A token
# replaced by another process during the request is seen by the next request, as if it had been
# replaced a moment later; one this request replaces is updated here. Outside a request (tasks,
# commands) every read goes to the cache.
_request = threading.local()


def _begin_request(**kwargs) -> None:
    _request.tokens = {}


def _end_request(**kwargs) -> None:
    _request.tokens = None


request_started.connect(_begin_request, dispatch_uid="core.generations.begin")
request_finished.connect(_end_request, dispatch_uid="core.generations.end")


def _read_this_request() -> dict | None:
    return getattr(_request, "tokens", None)


def current(key: str) -> str:
    """The token of `key` (a random one is stored the first time; a fresh one, never stored,
    when the cache fails)."""
    read = _read_this_request()
    if read is not None and key in read:
        return read[key]
    try:
        value = cache.get(key)
        if value is None:
            value = uuid.uuid4().hex
            cache.add(key, value, None)
            value = cache.get(key) or value  # another process may have won the add
    except Exception:  # any backend error: nothing cached can be trusted, so reuse nothing
        logger.warning("generation %s unavailable", key, exc_info=True)
        return uuid.uuid4().hex
    if read is not None:
        read[key] = value
    return value


def current_many(keys: list[str]) -> list[str]:
    """The tokens of `keys`, in order, in one read (and one write for those never stored, e.g.
    the units of a province-wide scope on its first view). A missing token is set, not added:
    should another process set one at the same moment, the loser's copies are only never read
    again — a token is never kept across a change."""
    read = _read_this_request()
    known = {key: read[key] for key in keys if key in read} if read is not None else {}
    wanted = [key for key in keys if key not in known]
    try:
        found = cache.get_many(wanted) if wanted else {}
        fresh = {key: uuid.uuid4().hex for key in wanted if found.get(key) is None}
        if fresh:
            cache.set_many(fresh, None)
            found.update(fresh)
    except Exception:
        logger.warning("generations %s unavailable", keys, exc_info=True)
        return [known.get(key) or uuid.uuid4().hex for key in keys]
    if read is not None:
        read.update(found)
    found.update(known)
    return [found.get(key) or uuid.uuid4().hex for key in keys]


def derived_key(keys: list[str], *parts) -> str | None:
    """A cache key for something built from the data behind `keys` and from `parts`: it
    changes when any of their tokens is replaced. None inside a transaction, whose own
    uncommitted rows must be seen by it and by nobody else: build afresh, keep nothing."""
    if transaction.get_connection().in_atomic_block:
        return None
    state = repr((parts, current_many(keys)))
    return hashlib.sha1(state.encode(), usedforsecurity=False).hexdigest()


def replace(key: str) -> None:
    """Retire everything built under the current token of `key`."""
    replace_many([key])


def replace_many(keys) -> None:
    tokens = {key: uuid.uuid4().hex for key in keys}
    read = _read_this_request()
    if read is not None:
        for key in tokens:
            read.pop(key, None)  # read again: the write below may fail
    try:
        cache.set_many(tokens, None)
    except Exception:
        logger.warning("generations %s not replaced", list(tokens), exc_info=True)


def replace_now_and_on_commit(key: str) -> None:
    replace_many_now_and_on_commit([key])


def replace_many_now_and_on_commit(keys) -> None:
    """Replace at once and, inside a transaction, again after the commit (in autocommit the
    change is already visible: once is enough)."""
    keys = list(keys)
    replace_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: replace_many(keys))


class _AfterCommit:
    """The tokens one transaction replaces after its commit (one callback, one write)."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self) -> None:
        replace_many(sorted(self.keys))


def replace_many_after_commit(keys, *, using=None) -> None:
    """Replace the tokens of `keys` once the change is visible to other processes: at once in
    autocommit, after the commit inside a transaction — one write per transaction however many
    rows it changed.

    Only for tokens whose readers keep nothing inside a transaction (`derived_key`, ProcessCopy)
    and read the token before the rows: a copy another process builds from the old rows before
    the commit is keyed by the old token, which the commit retires.
    """
    keys = set(keys)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        replace_many(sorted(keys))
        return
    # the callback this transaction already registered (gone if its savepoint rolled back)
    pending = next(
        (
            hook
            for _ids, hook, _robust in connection.run_on_commit
            if isinstance(hook, _AfterCommit)
        ),
        None,
    )
    if pending is None:
        pending = _AfterCommit()
        transaction.on_commit(pending, using=using)
    pending.keys |= keys


def replace_all() -> None:
    """Replace every watched token (after the database was restored from a backup)."""
    for key in sorted(WATCHED):
        replace(key)


def watch(key: str, models, *, uid: str) -> None:
    """Replace `key`'s token whenever a row of `models` is saved or deleted."""
    WATCHED.add(key)

    def changed(sender, **kwargs) -> None:
        replace_now_and_on_commit(key)

    for model in models:
        name = f"{uid}.{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{name}.save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{name}.delete")


class ProcessCopy:
    """Something this process builds from rarely-changing data and keeps while the data's
    generation holds: e.g. the working calendar's tables, the published ranking sets.

    Rebuilt when the token of `key` changes, when `vary` (e.g. today's date) differs, and at
    the latest after `max_age` seconds (a change made while the cache was down could not
    replace the token: the copy still ends). Inside a transaction it is built afresh and not
    kept, as the transaction's own uncommitted rows must be seen by it and by nobody else —
    unless `fresh_in_transactions` is False (for a copy that is only shown, never trusted:
    its age bounds any such staleness).
    """

    def __init__(self, key: str, *, max_age: float = 300.0, fresh_in_transactions: bool = True):
        self.key = key
        self.max_age = max_age
        self.fresh_in_transactions = fresh_in_transactions
        self._held: tuple[str, object, float, object] | None = None  # token, vary, at, value
        WATCHED.add(key)

    def get(self, build, *, vary=None):
        if self.fresh_in_transactions and transaction.get_connection().in_atomic_block:
            return build()
        token = current(self.key)
        now = time.monotonic()
        held = self._held
        if held is None or held[0] != token or held[1] != vary or now - held[2] > self.max_age:
            held = self._held = (token, vary, now, build())
        return held[3]

    def clear(self) -> None:
        self._held = None
