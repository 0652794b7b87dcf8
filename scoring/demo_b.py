"""Demo assessments (ILLUSTRATIVE data) for the 2025 criteria sets seeded by scoring.demo.

For every demo agency of each 2025 set (departments; communes / wards) one assessment, in
varied states so that the public ranking page has data:
- most are approved and then published, with self-assessed and appraised points, a few
  evidence links (no files) and appraiser comments;
- Sở Tư pháp (000.11.00.H13, where the demo CCHC officer works) stays a draft, so the
  self-assessment journey can be tried;
- one department waits for an explanation (explanation_requested) and one ward is under
  appraisal.
The set is then published (publication reference marked illustrative) and ranked.

Demo data is written directly (not through the workflow services, which need a real officer,
appraiser and head for every agency); each state change still gets its AssessmentEvent row
(by = None, note "Dữ liệu minh họa"). Points are drawn with random.Random(electronic id), so a
fresh seed always gives the same figures.

`seed()` is idempotent: an agency that already has an assessment for the set is left alone,
and the set's publication is set once. Run it after scoring.demo (seed order: ..., "scoring",
"scoring.demo_b").
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import ranking, rules, selectors, services, tree
from .models import Assessment, CriteriaSet, Evidence, RuleType, TargetGroup

YEAR = 2025
S = Assessment.Status
DRAFT_AGENCY = "000.11.00.H13"  # Sở Tư pháp: the demo CCHC officer's agency
EXPLANATION_AGENCY = "000.13.00.H13"  # Sở Tài chính
UNDER_APPRAISAL_AGENCY = "000.40.09.H13"  # UBND phường Hưng Phú
NOTE = "Dữ liệu minh họa."
PUBLICATION_REF = "Quyết định số …/QĐ-UBND (dữ liệu minh họa, không phải quyết định thật)"
PATH = {
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_APPRAISAL: [S.SUBMITTED, S.UNDER_APPRAISAL],
    S.EXPLANATION_REQUESTED: [S.SUBMITTED, S.UNDER_APPRAISAL, S.EXPLANATION_REQUESTED],
    S.APPROVED: [S.SUBMITTED, S.UNDER_APPRAISAL, S.APPRAISED, S.APPROVED],
}
FRACTIONS = ["1", "1", "1", "0.75", "0.5", "0"]
COMMENTS = [
    "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả thực hiện.",
    "Báo cáo gửi chậm so với thời hạn quy định.",
    "Chưa cung cấp quyết định ban hành kèm theo.",
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _points(criterion, rng: random.Random) -> Decimal:
    low, high = rules.allowed_range(criterion)
    if criterion.rule_type == RuleType.YES_NO:
        return high if rng.random() < 0.85 else low
    value = rules.q(high * Decimal(rng.choice(FRACTIONS)))
    if criterion.rule_type == RuleType.BONUS:
        value = rules.q(high * Decimal(rng.choice(["0", "0", "0.5", "1"])))
    return min(max(value, low), high)


def _fill(assessment: Assessment, leaves, status: str, rng: random.Random, now) -> None:
    appraise = status in (S.APPROVED, S.UNDER_APPRAISAL, S.EXPLANATION_REQUESTED)
    scores = {s.criterion_id: s for s in assessment.scores.all()}
    evidence = []
    asked = False
    for node in leaves:
        c = node.criterion
        score = scores.get(c.pk)
        if score is None:
            continue
        self_points = _points(c, rng)
        score.self_points = self_points
        score.explanation = NOTE
        score.self_updated_at = now
        if appraise:
            lowered = rng.random() < 0.15
            low, _high = rules.allowed_range(c)
            appraised = max(rules.q(self_points / 2), low) if lowered else self_points
            score.appraised_points = appraised
            score.appraised_at = now
            if lowered:
                score.appraisal_comment = rng.choice(COMMENTS)
        if status == S.EXPLANATION_REQUESTED and not asked and c.evidence_required:
            score.explanation_requested = True
            score.explanation_question = "Đề nghị bổ sung văn bản chứng minh (dữ liệu minh họa)."
            asked = True
        score.save()
        if c.evidence_required:
            evidence.append(
                Evidence(
                    score=score,
                    title=f"Tài liệu kiểm chứng tiêu chí {c.code} (minh họa)",
                    doc_number=f"{rng.randint(10, 999)}/QĐ-{assessment.agency.short_name or 'UBND'}",
                    doc_date=datetime.date(YEAR, rng.randint(1, 11), rng.randint(1, 28)),
                    issuer=assessment.agency.name,
                    url="https://example.gov.vn/tai-lieu-minh-hoa/"
                    f"{assessment.agency.electronic_id}/{c.code}",
                )
            )
    Evidence.objects.bulk_create(evidence)


def _advance(assessment: Assessment, status: str, now) -> None:
    frm = S.DRAFT
    for step in PATH.get(status, []):
        services.record(assessment, by=None, frm=frm, to=step, note=NOTE)
        frm = step
    assessment.status = status
    assessment.submitted_at = now if status != S.DRAFT else None
    if status == S.APPROVED:
        assessment.appraised_at = assessment.approved_at = now
    if status == S.EXPLANATION_REQUESTED:
        assessment.explanation_deadline = now + datetime.timedelta(days=7)
    assessment.save()


def _status_for(agency) -> str:
    if agency.electronic_id == DRAFT_AGENCY:
        return S.DRAFT
    if agency.electronic_id == EXPLANATION_AGENCY:
        return S.EXPLANATION_REQUESTED
    if agency.electronic_id == UNDER_APPRAISAL_AGENCY:
        return S.UNDER_APPRAISAL
    return S.APPROVED


def _seed_set(criteria_set: CriteriaSet, stdout) -> None:
    year_end = datetime.date(criteria_set.year, 12, 31)
    agencies = selectors.eligible_agencies(
        target_group=criteria_set.target_group, year=criteria_set.year
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=year_end))
    existing = set(criteria_set.assessments.values_list("agency_id", flat=True))
    leaves = tree.leaves(tree.load(criteria_set))
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for agency in agencies:
            if agency.pk in existing:
                continue
            assessment = services.start_assessment(criteria_set=criteria_set, agency=agency)
            status = _status_for(agency)
            rng = random.Random(f"{criteria_set.year}-{agency.electronic_id}")  # noqa: S311
            if status != S.DRAFT:
                _fill(assessment, leaves, status, rng, now)
            _advance(assessment, status, now)
            created += 1
        if created and criteria_set.frozen_at is None:
            criteria_set.frozen_at = now
            criteria_set.save(update_fields=["frozen_at", "updated_at"])
        if created or criteria_set.published_at is None:
            approved = list(criteria_set.assessments.filter(status=S.APPROVED))
            for assessment in approved:
                services.record(assessment, by=None, frm=S.APPROVED, to=S.PUBLISHED, note=NOTE)
            Assessment.objects.filter(pk__in=[a.pk for a in approved]).update(
                status=S.PUBLISHED, published_at=now
            )
            if criteria_set.published_at is None and approved:
                criteria_set.published_at = now
                criteria_set.publication_ref = PUBLICATION_REF
                criteria_set.save(update_fields=["published_at", "publication_ref", "updated_at"])
            ranking.compute(criteria_set=criteria_set)
    _say(stdout, f"scoring.demo_b: {criteria_set} — {created} assessments created")


def seed(stdout=None) -> None:
    sets = CriteriaSet.objects.filter(
        year=YEAR, target_group__in=[TargetGroup.DEPARTMENTS, TargetGroup.COMMUNES]
    )
    if not sets:
        _say(stdout, "scoring.demo_b: no 2025 criteria sets — run scoring.demo first")
        return
    for criteria_set in sets:
        if criteria_set.status != CriteriaSet.Status.OPEN:
            _say(stdout, f"scoring.demo_b: {criteria_set} is not open — skipped")
            continue
        _seed_set(criteria_set, stdout)
