"""Data builders for SCORING-B tests and bench/ranking.py (bulk inserts, no services)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from agencies.models import Agency
from scoring.models import Assessment, Band, CriteriaSet, Criterion, RuleType, Score, TargetGroup
from scoring.services import DEFAULT_BANDS


def make_set(*, year=2025, target_group=TargetGroup.DEPARTMENTS, published=False, **extra):
    criteria_set = CriteriaSet.objects.create(
        year=year,
        target_group=target_group,
        name=f"Bộ tiêu chí thử nghiệm {year}",
        status=CriteriaSet.Status.OPEN,
        submission_deadline=datetime.date(2099, 12, 31),
        opened_at=timezone.now(),
        published_at=timezone.now() if published else None,
        **extra,
    )
    for name, minimum, colour in DEFAULT_BANDS:
        Band.objects.create(criteria_set=criteria_set, name=name, min_index=minimum, colour=colour)
    return criteria_set


def make_tree(criteria_set, *, areas=10, criteria=3, leaves=5, leaf_max=Decimal("1")):
    """areas × criteria × leaves leaves of `leaf_max` points each (manual rule)."""
    roots, all_leaves = [], []
    for a in range(1, areas + 1):
        root = Criterion.objects.create(
            criteria_set=criteria_set,
            code=str(a),
            name=f"Lĩnh vực thử nghiệm số {a}",
            position=a,
            max_points=leaf_max * criteria * leaves,
        )
        roots.append(root)
        for c in range(1, criteria + 1):
            node = Criterion.objects.create(
                criteria_set=criteria_set,
                parent=root,
                code=f"{a}.{c}",
                name=f"Tiêu chí {a}.{c}",
                position=c,
                max_points=leaf_max * leaves,
            )
            batch = [
                Criterion(
                    criteria_set=criteria_set,
                    parent=node,
                    code=f"{a}.{c}.{n}",
                    name=f"Tiêu chí thành phần {a}.{c}.{n}",
                    position=n,
                    max_points=leaf_max,
                    rule_type=RuleType.MANUAL,
                )
                for n in range(1, leaves + 1)
            ]
            all_leaves.extend(Criterion.objects.bulk_create(batch))
    return roots, all_leaves


def make_agencies(n, *, prefix="Sở Thử nghiệm", start=0):
    batch = [
        Agency(
            name=f"{prefix} {i:04d}",
            level=Agency.Level.PROVINCE,
            kind=Agency.Kind.DEPARTMENT,
            electronic_id=f"999.{i // 100:02d}.{i % 100:02d}.B13",
            valid_from=datetime.date(2020, 1, 1),
            display_order=i,
        )
        for i in range(start, start + n)
    ]
    return Agency.objects.bulk_create(batch)


def make_assessments(
    criteria_set, agencies, leaves, *, status=Assessment.Status.APPROVED, seed=1, comments=True
):
    """One assessment per agency with random self / appraised points on every leaf."""
    rng = random.Random(seed)
    assessments = Assessment.objects.bulk_create(
        [Assessment(criteria_set=criteria_set, agency=a, status=status) for a in agencies],
        batch_size=1000,
    )
    scores = []
    for assessment in assessments:
        for i, leaf in enumerate(leaves):
            self_points = Decimal(rng.choice(["1", "1", "0.75", "0.5", "0"])) * leaf.max_points
            appraised = min(self_points, Decimal(rng.choice(["1", "1", "0.5"])) * leaf.max_points)
            scores.append(
                Score(
                    assessment=assessment,
                    criterion=leaf,
                    self_points=self_points,
                    appraised_points=appraised,
                    appraisal_comment=(
                        "Chưa đủ tài liệu kiểm chứng." if comments and i % 50 == 0 else ""
                    ),
                )
            )
        if len(scores) >= 20000:
            Score.objects.bulk_create(scores, batch_size=5000)
            scores = []
    Score.objects.bulk_create(scores, batch_size=5000)
    return assessments
