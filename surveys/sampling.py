"""Sampling frame for phone or paper SIPAS surveys (domain.md §6.3).

The frame is the list of applicants of dossiers RETURNED in the period by an agency (and its
units): one row per applicant (same citizen id, else same phone, else same name counts once;
the latest returned dossier is kept). The sample size is n = N / (1 + N·e²), rounded up, and
the sample is drawn with random.Random(seed): the same frame and seed give the same sample.

The dossiers are read through `dossiers.selectors.returned_between` (one query); who may see
the frame (appraisers and administrators) is checked by the view.
"""

import datetime
import math
import random
import secrets
from dataclasses import dataclass

from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier

DEFAULT_MARGIN = 0.05
SEED_MAX = 999_999


@dataclass(frozen=True)
class FrameRow:
    name: str
    phone: str
    procedure_code: str
    procedure_name: str
    dossier_code: str
    returned_at: datetime.datetime | None
    agency: str


def sample_size(population: int, margin: float = DEFAULT_MARGIN) -> int:
    """n = N / (1 + N·e²), rounded up (never more than N)."""
    if population <= 0:
        return 0
    if margin <= 0:
        return population
    return min(population, math.ceil(population / (1 + population * margin * margin) - 1e-9))


def new_seed() -> int:
    return secrets.randbelow(SEED_MAX) + 1


def _applicant_key(d: Dossier) -> str:
    if d.applicant_id_number:
        return "id:" + d.applicant_id_number.strip()
    if d.applicant_phone:
        return "tel:" + "".join(ch for ch in d.applicant_phone if ch.isdigit())
    return f"name:{d.applicant_name.strip().lower()}|{d.pk}"


def frame(*, agency_ids, date_from: datetime.date, date_to: datetime.date) -> list[FrameRow]:
    """The sampling frame, in a stable order (by return moment, then dossier id)."""
    seen: set[str] = set()
    rows: list[tuple[datetime.datetime, int, FrameRow]] = []
    for d in dossier_selectors.returned_between(
        agency_ids=agency_ids, date_from=date_from, date_to=date_to
    ):
        key = _applicant_key(d)
        if key in seen:
            continue
        seen.add(key)
        version = d.procedure_version
        rows.append(
            (
                d.returned_at,
                d.pk,
                FrameRow(
                    name=d.applicant_name,
                    phone=d.applicant_phone,
                    procedure_code=version.procedure.code if version else "",
                    procedure_name=version.name if version else "",
                    dossier_code=d.code or "",
                    returned_at=d.returned_at,
                    agency=d.competent_agency.name if d.competent_agency_id else "",
                ),
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def draw_sample(rows: list[FrameRow], *, n: int, seed: int) -> list[FrameRow]:
    """n rows chosen at random with random.Random(seed), kept in frame order."""
    n = max(0, min(n, len(rows)))
    rng = random.Random(seed)  # noqa: S311 — reproducible statistical sampling, not security
    picked = sorted(rng.sample(range(len(rows)), n))
    return [rows[i] for i in picked]


@dataclass
class Sample:
    population: int
    size: int
    margin: float
    seed: int
    rows: list[FrameRow]


def build_sample(
    *,
    agency_ids,
    date_from: datetime.date,
    date_to: datetime.date,
    margin: float = DEFAULT_MARGIN,
    seed: int,
) -> Sample:
    rows = frame(agency_ids=agency_ids, date_from=date_from, date_to=date_to)
    n = sample_size(len(rows), margin)
    return Sample(
        population=len(rows),
        size=n,
        margin=margin,
        seed=seed,
        rows=draw_sample(rows, n=n, seed=seed),
    )
