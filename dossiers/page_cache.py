"""The staff dossier page's record (its details, papers, supplement requests and timeline),
rendered once per state of the dossier and kept in the shared cache.

Each dossier has a generation token (core.generations), replaced on every save or delete of
the dossier or of a row the record shows — an attachment, an event, a supplement request, a
refusal, an apology — at once and after the commit. The record is keyed by that token and by
the agencies' and the catalogue's (it shows unit and procedure names); an officer's renamed
account shows within the fragment's lifetime (RECORD_SECONDS). Nothing is kept inside a
transaction (its own uncommitted rows must be seen by it and by nobody else); a restore
replaces EPOCH_KEY, retiring every record at once.
"""

from __future__ import annotations

from agencies import selectors as agency_selectors
from core import generations
from procedures import selectors as procedure_selectors

DOSSIER_KEY = "dossiers:dossier:{}"
EPOCH_KEY = "dossiers:record:epoch"
RECORD_SECONDS = 300
generations.WATCHED.add(EPOCH_KEY)  # replaced by generations.replace_all() after a restore


def record_key(dossier) -> str | None:
    """The fragment key of the dossier's record under the current tokens; None when it must
    not be cached (in a transaction).

    The page reads the dossier before the tokens, so its revision is part of the key too: a
    dossier read just before a change was committed, rendered after its token was replaced,
    is kept under its old revision and never served for the new one."""
    return generations.derived_key(
        [
            EPOCH_KEY,
            DOSSIER_KEY.format(dossier.pk),
            agency_selectors.GENERATION_KEY,
            procedure_selectors.GENERATION_KEY,
        ],
        dossier.pk,
        dossier.revision,
    )
