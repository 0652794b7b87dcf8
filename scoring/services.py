"""Writes of the scoring app: the criteria-set builder, self-assessment and appraisal.

Every function is keyword-only, runs in one transaction and, for assessment state changes,
writes an AssessmentEvent in the same transaction. Errors for the user are ValidationError
(field input) or workflow.WorkflowError (state / permission), both with Vietnamese messages.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role

from . import rules, tree, workflow
from .models import (
    Assessment,
    AssessmentEvent,
    Band,
    CriteriaSet,
    Criterion,
    Evidence,
    Score,
)
from .workflow import WorkflowError

S = Assessment.Status

DEFAULT_BANDS = [  # illustrative thresholds (domain.md §5.2: make them configurable)
    ("Xuất sắc", Decimal("90"), "success"),
    ("Tốt", Decimal("80"), "primary"),
    ("Khá", Decimal("70"), "info"),
    ("Trung bình", Decimal("50"), "warning"),
    ("Yếu", Decimal("0"), "danger"),
]

CRITERION_FIELDS = (
    "code",
    "name",
    "max_points",
    "max_differs_from_children",
    "is_bonus",
    "rule_type",
    "tiers",
    "unit_points",
    "floor_points",
    "evidence_required",
    "guidance",
    "evidence_guidance",
    "metric",
    "metric_params",
)


# ----------------------------------------------------------------------------- builder
def ensure_builder(user) -> None:
    if not has_role(user, Role.APPRAISER, Role.ADMINISTRATOR):
        raise WorkflowError(
            _("Chỉ cán bộ Sở Nội vụ (thẩm định viên, quản trị) được xây dựng bộ tiêu chí.")
        )


def _ensure_tree_editable(criteria_set: CriteriaSet) -> None:
    if criteria_set.is_frozen:
        raise WorkflowError(
            _(
                "Bộ tiêu chí đã bị khóa vì đã có cơ quan nộp tự đánh giá; không thể sửa cây tiêu chí."
            )
        )


def _locked_set(criteria_set: CriteriaSet) -> CriteriaSet:
    return CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)


def create_set(
    *,
    year: int,
    target_group: str,
    name: str,
    by,
    decision_ref: str = "",
    description: str = "",
    submission_deadline: datetime.date | None = None,
    is_illustrative: bool = False,
) -> CriteriaSet:
    ensure_builder(by)
    with transaction.atomic():
        if CriteriaSet.objects.filter(year=year, target_group=target_group).exists():
            raise ValidationError({"year": _("Đã có bộ tiêu chí cho năm và nhóm đối tượng này.")})
        criteria_set = CriteriaSet.objects.create(
            year=year,
            target_group=target_group,
            name=name,
            decision_ref=decision_ref,
            description=description,
            submission_deadline=submission_deadline,
            is_illustrative=is_illustrative,
            created_by=by,
        )
        create_default_bands(criteria_set=criteria_set)
    return criteria_set


def create_default_bands(*, criteria_set: CriteriaSet) -> None:
    for name, minimum, colour in DEFAULT_BANDS:
        Band.objects.get_or_create(
            criteria_set=criteria_set, name=name, defaults={"min_index": minimum, "colour": colour}
        )


def update_set(*, criteria_set: CriteriaSet, by, **fields) -> CriteriaSet:
    """Name, decision, description, deadline. The deadline may change even when frozen."""
    ensure_builder(by)
    allowed = {"name", "decision_ref", "description", "submission_deadline", "is_illustrative"}
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set)
        for key, value in fields.items():
            if key not in allowed:
                raise ValueError(f"update_set cannot change {key}")
            setattr(criteria_set, key, value)
        criteria_set.save()
    return criteria_set


def copy_set(*, source: CriteriaSet, year: int, by, name: str = "") -> CriteriaSet:
    """A new draft set for `year` with the same tree, rules and bands (e.g. last year's)."""
    ensure_builder(by)
    with transaction.atomic():
        if CriteriaSet.objects.filter(year=year, target_group=source.target_group).exists():
            raise ValidationError({"year": _("Đã có bộ tiêu chí cho năm và nhóm đối tượng này.")})
        new = CriteriaSet.objects.create(
            year=year,
            target_group=source.target_group,
            name=name or source.name.replace(str(source.year), str(year)),
            decision_ref="",
            description=source.description,
            is_illustrative=source.is_illustrative,
            copied_from=source,
            created_by=by,
        )
        for band in source.bands.all():
            Band.objects.create(
                criteria_set=new, name=band.name, min_index=band.min_index, colour=band.colour
            )
        mapping: dict[int, Criterion] = {}
        for node in tree.walk(tree.load(source)):
            old = node.criterion
            mapping[old.pk] = Criterion.objects.create(
                criteria_set=new,
                parent=mapping.get(old.parent_id),
                position=old.position,
                **{f: getattr(old, f) for f in CRITERION_FIELDS},
            )
    return new


def _clean_criterion(criterion: Criterion) -> None:
    try:
        criterion.full_clean(exclude=["criteria_set", "parent"], validate_unique=False)
    except ValidationError:
        raise
    clash = Criterion.objects.filter(
        criteria_set_id=criterion.criteria_set_id, code=criterion.code
    ).exclude(pk=criterion.pk)
    if clash.exists():
        raise ValidationError({"code": _("Mã tiêu chí đã được dùng trong bộ tiêu chí này.")})
    problems = rules.rule_errors(criterion)
    if problems:
        raise ValidationError({"rule_type": problems})


def add_criterion(
    *, criteria_set: CriteriaSet, parent: Criterion | None, by, **fields
) -> Criterion:
    ensure_builder(by)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set)
        _ensure_tree_editable(criteria_set)
        if parent is not None and parent.criteria_set_id != criteria_set.pk:
            raise ValidationError(_("Tiêu chí cha không thuộc bộ tiêu chí này."))
        siblings = Criterion.objects.filter(criteria_set=criteria_set, parent=parent)
        position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
        criterion = Criterion(criteria_set=criteria_set, parent=parent, position=position)
        for key in CRITERION_FIELDS:
            if key in fields:
                setattr(criterion, key, fields[key])
        _clean_criterion(criterion)
        criterion.save()
    return criterion


def update_criterion(*, criterion: Criterion, by, **fields) -> Criterion:
    ensure_builder(by)
    with transaction.atomic():
        _ensure_tree_editable(_locked_set(criterion.criteria_set))
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        new_parent = fields.pop("parent", criterion.parent)
        if new_parent is not None:
            if new_parent.criteria_set_id != criterion.criteria_set_id:
                raise ValidationError({"parent": _("Tiêu chí cha không thuộc bộ tiêu chí này.")})
            ancestor = new_parent
            while ancestor is not None:
                if ancestor.pk == criterion.pk:
                    raise ValidationError(
                        {
                            "parent": _(
                                "Không thể chuyển tiêu chí vào chính nó hoặc tiêu chí con của nó."
                            )
                        }
                    )
                ancestor = ancestor.parent
        if (new_parent.pk if new_parent else None) != criterion.parent_id:
            criterion.parent = new_parent
            siblings = Criterion.objects.filter(
                criteria_set_id=criterion.criteria_set_id, parent=new_parent
            )
            criterion.position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
        for key in CRITERION_FIELDS:
            if key in fields:
                setattr(criterion, key, fields[key])
        _clean_criterion(criterion)
        criterion.save()
    return criterion


def move_criterion(*, criterion: Criterion, direction: str, by) -> Criterion:
    """Swap with the previous ("up") or next ("down") sibling."""
    ensure_builder(by)
    with transaction.atomic():
        _ensure_tree_editable(_locked_set(criterion.criteria_set))
        siblings = list(
            Criterion.objects.select_for_update()
            .filter(criteria_set_id=criterion.criteria_set_id, parent_id=criterion.parent_id)
            .order_by("position", "pk")
        )
        index = next(i for i, c in enumerate(siblings) if c.pk == criterion.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
    return criterion


def delete_criterion(*, criterion: Criterion, by) -> None:
    """Delete a node and its subtree (draft scores on it go too; the set is not frozen)."""
    ensure_builder(by)
    with transaction.atomic():
        _ensure_tree_editable(_locked_set(criterion.criteria_set))
        criterion.delete()


def open_set(*, criteria_set: CriteriaSet, by) -> CriteriaSet:
    """Open the set for self-assessment: the tree must be valid and a deadline set."""
    ensure_builder(by)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set)
        roots = tree.load(criteria_set)
        problems = [m for messages in tree.errors(roots).values() for m in messages]
        if not roots:
            problems.insert(0, _("Bộ tiêu chí chưa có tiêu chí nào."))
        if criteria_set.submission_deadline is None:
            problems.append(_("Chưa đặt hạn nộp tự đánh giá."))
        if problems:
            raise ValidationError(problems)
        criteria_set.status = CriteriaSet.Status.OPEN
        criteria_set.opened_at = criteria_set.opened_at or timezone.now()
        criteria_set.save(update_fields=["status", "opened_at", "updated_at"])
    return criteria_set


# ----------------------------------------------------------------------------- events
def record(assessment: Assessment, *, by, frm: str = "", to: str = "", note="", data=None):
    return AssessmentEvent.objects.create(
        assessment=assessment,
        at=timezone.now(),
        by=by,
        from_status=frm,
        to_status=to,
        note=note,
        data=data or {},
    )


def transition(*, assessment: Assessment, to: str, by, note: str = "", data=None) -> Assessment:
    """The one guarded status change: table check, row lock, event row."""
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        workflow.ensure_allowed(assessment, to=to, user=by)
        frm = assessment.status
        assessment.status = to
        assessment.revision += 1
        assessment.save(update_fields=["status", "revision", "updated_at"])
        record(assessment, by=by, frm=frm, to=to, note=note, data=data)
    return assessment


# ----------------------------------------------------------------------------- self-assessment
def start_assessment(*, criteria_set: CriteriaSet, agency, by=None) -> Assessment:
    """The agency's assessment for the set (created once, with a Score row per leaf).

    `by` must be the agency's CCHC officer or an appraiser/administrator; None is accepted for
    demo seeding and management commands only.
    """
    if by is not None and not (
        has_role(by, Role.CCHC_OFFICER, agency=agency)
        or has_role(by, Role.APPRAISER, Role.ADMINISTRATOR)
    ):
        raise WorkflowError(_("Bạn không có quyền lập bản tự đánh giá cho cơ quan này."))
    if criteria_set.status != CriteriaSet.Status.OPEN:
        raise WorkflowError(_("Bộ tiêu chí chưa được mở để tự đánh giá."))
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(
            criteria_set=criteria_set, agency=agency
        )
        if created:
            record(assessment, by=by, to=S.DRAFT, note=_("Lập bản tự đánh giá."))
        ensure_scores(assessment)
    return assessment


def ensure_scores(assessment: Assessment) -> None:
    """One Score per current leaf; drop scores of nodes that are no longer leaves (draft only)."""
    roots = tree.load(assessment.criteria_set)
    leaf_ids = {n.criterion.pk for n in tree.leaves(roots)}
    have = set(assessment.scores.values_list("criterion_id", flat=True))
    Score.objects.bulk_create(
        [Score(assessment=assessment, criterion_id=cid) for cid in leaf_ids - have]
    )
    stale = have - leaf_ids
    if stale and assessment.status == S.DRAFT:
        assessment.scores.filter(criterion_id__in=stale).delete()


def _ensure_self_editable(score: Score, user) -> Assessment:
    assessment = score.assessment
    if not workflow.is_officer(user, assessment):
        raise WorkflowError(_("Chỉ cán bộ phụ trách CCHC của cơ quan được tự đánh giá."))
    if assessment.status not in workflow.SELF_EDITABLE:
        raise WorkflowError(
            _("Bản đánh giá đang ở trạng thái “%(s)s”, không thể sửa điểm tự đánh giá.")
            % {"s": S(assessment.status).label}
        )
    return assessment


def _lock_score(score: Score) -> Score:
    return (
        Score.objects.select_for_update()
        .select_related("assessment__agency", "assessment__criteria_set", "criterion")
        .get(pk=score.pk)
    )


def save_self_score(
    *, score: Score, by, points=None, yes=None, ratio=None, count=None, explanation: str = ""
) -> Score:
    """Save one leaf of the self-assessment; points come from the rule (or are typed, bounded)."""
    with transaction.atomic():
        score = _lock_score(score)
        _ensure_self_editable(score, by)
        criterion = score.criterion
        kind = rules.input_kind(criterion)
        try:
            if kind == "points":
                result = rules.points_for(criterion, value=points)
            elif kind == "yes":
                result = rules.points_for(criterion, yes=yes)
            elif kind == "ratio":
                result = rules.points_for(criterion, ratio=ratio)
            else:
                result = rules.points_for(criterion, count=count)
        except ValidationError as exc:
            raise ValidationError({_field_for(kind): exc.messages}) from exc
        score.declared_yes = yes if kind == "yes" else None
        score.declared_ratio = Decimal(str(ratio)) if kind == "ratio" else None
        score.declared_count = int(count) if kind == "count" else None
        score.self_points = result
        score.explanation = explanation
        score.self_updated_at = timezone.now()
        score.self_updated_by = by
        score.save()
    return score


def _field_for(kind: str) -> str:
    return {"points": "points", "yes": "yes", "ratio": "ratio_pct", "count": "count"}[kind]


def _ensure_evidence_editable(score: Score, user) -> str:
    assessment = score.assessment
    if not workflow.is_officer(user, assessment):
        raise WorkflowError(
            _("Chỉ cán bộ phụ trách CCHC của cơ quan được cập nhật tài liệu kiểm chứng.")
        )
    if assessment.status in workflow.SELF_EDITABLE:
        return Evidence.Stage.SELF
    if assessment.status in workflow.EXPLANATION_EDITABLE and score.explanation_requested:
        _ensure_before_explanation_deadline(assessment)
        return Evidence.Stage.EXPLANATION
    raise WorkflowError(
        _("Bản đánh giá đang ở trạng thái “%(s)s”, không thể cập nhật tài liệu kiểm chứng.")
        % {"s": S(assessment.status).label}
    )


def _ensure_before_explanation_deadline(assessment: Assessment) -> None:
    if assessment.explanation_deadline and timezone.now() > assessment.explanation_deadline:
        raise WorkflowError(_("Đã quá hạn giải trình."))


def add_evidence(
    *,
    score: Score,
    by,
    title: str,
    file=None,
    checked=None,
    url: str = "",
    doc_number: str = "",
    doc_date: datetime.date | None = None,
    issuer: str = "",
) -> Evidence:
    """Attach a document (a file already checked by core.uploads.validate_upload, or a link)."""
    if not file and not url:
        raise ValidationError({"file": _("Vui lòng chọn tệp hoặc nhập đường liên kết.")})
    if file is not None and checked is None:
        from core.uploads import validate_upload

        checked = validate_upload(file)
    with transaction.atomic():
        score = _lock_score(score)
        stage = _ensure_evidence_editable(score, by)
        evidence = Evidence(
            score=score,
            stage=stage,
            title=title,
            doc_number=doc_number,
            doc_date=doc_date,
            issuer=issuer,
            url=url,
            uploaded_by=by,
        )
        if file is not None:
            evidence.original_name = checked.safe_name
            evidence.content_type = checked.mime
            evidence.size = checked.size
            evidence.file.save(checked.safe_name, file, save=False)
        evidence.save()
    return evidence


def delete_evidence(*, evidence: Evidence, by) -> None:
    with transaction.atomic():
        score = _lock_score(evidence.score)
        stage = _ensure_evidence_editable(score, by)
        if stage == Evidence.Stage.EXPLANATION and evidence.stage != stage:
            raise WorkflowError(_("Không thể xóa tài liệu đã nộp trước khi giải trình."))
        stored = evidence.file.name if evidence.file else ""
        evidence.delete()
        if stored:
            storage = evidence.file.storage
            transaction.on_commit(lambda: storage.delete(stored))


def submit(*, assessment: Assessment, by, note: str = "") -> Assessment:
    """Submit the self-assessment before the set's deadline; freezes the criteria set."""
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        workflow.ensure_allowed(assessment, to=S.SUBMITTED, user=by)
        criteria_set = _locked_set(assessment.criteria_set)
        deadline = criteria_set.submission_deadline
        if deadline and timezone.localdate() > deadline:
            raise WorkflowError(
                _("Đã quá hạn nộp tự đánh giá (%(d)s).") % {"d": deadline.strftime("%d/%m/%Y")}
            )
        ensure_scores(assessment)
        scores = list(assessment.scores.select_related("criterion").prefetch_related("evidence"))
        missing = [s.criterion.code for s in scores if s.self_points is None]
        if missing:
            raise WorkflowError(
                _("Chưa chấm điểm các tiêu chí: %(codes)s.") % {"codes": ", ".join(sorted(missing))}
            )
        no_evidence = [
            s.criterion.code
            for s in scores
            if s.criterion.evidence_required and not list(s.evidence.all())
        ]
        if no_evidence:
            raise WorkflowError(
                _("Các tiêu chí sau bắt buộc có tài liệu kiểm chứng: %(codes)s.")
                % {"codes": ", ".join(sorted(no_evidence))}
            )
        now = timezone.now()
        if criteria_set.frozen_at is None:
            criteria_set.frozen_at = now
            criteria_set.save(update_fields=["frozen_at", "updated_at"])
        assessment.submitted_at = now
        assessment.save(update_fields=["submitted_at"])
        transition(assessment=assessment, to=S.SUBMITTED, by=by, note=note)
    assessment.refresh_from_db()
    return assessment


# ----------------------------------------------------------------------------- appraisal
def start_appraisal(*, assessment: Assessment, by, note: str = "") -> Assessment:
    return transition(assessment=assessment, to=S.UNDER_APPRAISAL, by=by, note=note)


def save_appraisal(
    *, score: Score, by, points, comment: str = "", override_reason: str = ""
) -> Score:
    with transaction.atomic():
        score = _lock_score(score)
        if not workflow.is_appraiser(by):
            raise WorkflowError(_("Chỉ thẩm định viên Sở Nội vụ được chấm điểm thẩm định."))
        if score.assessment.status not in workflow.APPRAISAL_EDITABLE:
            raise WorkflowError(
                _("Bản đánh giá đang ở trạng thái “%(s)s”, không thể chấm điểm thẩm định.")
                % {"s": S(score.assessment.status).label}
            )
        try:
            value = rules.validate_points(score.criterion, points)
        except ValidationError as exc:
            raise ValidationError({"points": exc.messages}) from exc
        if (
            score.auto_points is not None
            and value != score.auto_points
            and not override_reason.strip()
        ):
            raise ValidationError(
                {
                    "override_reason": _(
                        "Điểm thẩm định khác điểm tính tự động: vui lòng nêu lý do điều chỉnh."
                    )
                }
            )
        score.appraised_points = value
        score.appraisal_comment = comment
        score.override_reason = override_reason
        score.appraised_by = by
        score.appraised_at = timezone.now()
        score.save()
    return score


def request_explanation(
    *, assessment: Assessment, by, questions: dict[int, str], deadline, note: str = ""
) -> Assessment:
    """Ask the agency to explain chosen leaves by `deadline`; reopens only those leaves."""
    questions = {int(k): v.strip() for k, v in questions.items() if v and v.strip()}
    if not questions:
        raise ValidationError(_("Chọn ít nhất một tiêu chí và nêu nội dung cần giải trình."))
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"deadline": _("Hạn giải trình phải sau thời điểm hiện tại.")})
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        workflow.ensure_allowed(assessment, to=S.EXPLANATION_REQUESTED, user=by)
        scores = list(assessment.scores.select_related("criterion").filter(pk__in=questions))
        if len(scores) != len(questions):
            raise ValidationError(_("Tiêu chí được chọn không thuộc bản đánh giá này."))
        assessment.scores.update(explanation_requested=False)
        for score in scores:
            score.explanation_requested = True
            score.explanation_question = questions[score.pk]
            score.explanation_answer = ""
            score.answered_at = None
            score.save()
        assessment.explanation_deadline = deadline
        assessment.save(update_fields=["explanation_deadline"])
        transition(
            assessment=assessment,
            to=S.EXPLANATION_REQUESTED,
            by=by,
            note=note,
            data={
                "criteria": sorted(s.criterion.code for s in scores),
                "deadline": deadline.isoformat(),
            },
        )
    assessment.refresh_from_db()
    return assessment


def answer_explanation(*, score: Score, by, answer: str) -> Score:
    with transaction.atomic():
        score = _lock_score(score)
        assessment = score.assessment
        if not workflow.is_officer(by, assessment):
            raise WorkflowError(_("Chỉ cán bộ phụ trách CCHC của cơ quan được giải trình."))
        if (
            assessment.status not in workflow.EXPLANATION_EDITABLE
            or not score.explanation_requested
        ):
            raise WorkflowError(_("Tiêu chí này không được yêu cầu giải trình."))
        _ensure_before_explanation_deadline(assessment)
        if not answer.strip():
            raise ValidationError({"answer": _("Vui lòng nhập nội dung giải trình.")})
        score.explanation_answer = answer.strip()
        score.answered_at = timezone.now()
        score.save()
    return score


def send_explanation(*, assessment: Assessment, by, note: str = "") -> Assessment:
    """Back to appraisal: the agency sends its answers (all requested leaves answered), or the
    appraiser takes the request back."""
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        workflow.ensure_allowed(assessment, to=S.UNDER_APPRAISAL, user=by)
        if workflow.is_officer(by, assessment):
            _ensure_before_explanation_deadline(assessment)
            open_items = assessment.scores.filter(
                explanation_requested=True, answered_at__isnull=True
            ).select_related("criterion")
            codes = sorted(s.criterion.code for s in open_items)
            if codes:
                raise WorkflowError(
                    _("Chưa giải trình các tiêu chí: %(codes)s.") % {"codes": ", ".join(codes)}
                )
        transition(assessment=assessment, to=S.UNDER_APPRAISAL, by=by, note=note)
    assessment.refresh_from_db()
    return assessment


def finish_appraisal(*, assessment: Assessment, by, note: str = "") -> Assessment:
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        workflow.ensure_allowed(assessment, to=S.APPRAISED, user=by)
        missing = sorted(
            assessment.scores.filter(appraised_points__isnull=True).values_list(
                "criterion__code", flat=True
            )
        )
        if missing:
            raise WorkflowError(
                _("Chưa chấm điểm thẩm định các tiêu chí: %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
        assessment.appraised_at = timezone.now()
        assessment.save(update_fields=["appraised_at"])
        transition(assessment=assessment, to=S.APPRAISED, by=by, note=note)
    assessment.refresh_from_db()
    return assessment


def return_for_appraisal(*, assessment: Assessment, by, note: str = "") -> Assessment:
    return transition(assessment=assessment, to=S.UNDER_APPRAISAL, by=by, note=note)


def approve(*, assessment: Assessment, by, note: str = "") -> Assessment:
    with transaction.atomic():
        assessment = transition(assessment=assessment, to=S.APPROVED, by=by, note=note)
        assessment.approved_at = timezone.now()
        assessment.approved_by = by
        assessment.save(update_fields=["approved_at", "approved_by"])
    return assessment


def publish(*, assessment: Assessment, by, note: str = "") -> Assessment:
    with transaction.atomic():
        assessment = transition(assessment=assessment, to=S.PUBLISHED, by=by, note=note)
        assessment.published_at = timezone.now()
        assessment.save(update_fields=["published_at"])
    return assessment
