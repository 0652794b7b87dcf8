"""PAR-Index scoring: criteria sets (a tree per year and target group), bands, assessments,
per-leaf scores (self / auto / appraised), evidence (TLKC) and the append-only event log.

Points are Decimal with two places; ratios are fractions in [0, 1] (0.98 = 98 %).
The rule engine that turns a leaf's rule into points lives in scoring/rules.py, the state
machine in scoring/workflow.py, writes in scoring/services.py.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

POINTS = {"max_digits": 7, "decimal_places": 2}


class TargetGroup(models.TextChoices):
    DEPARTMENTS = "departments", _("Sở, ban, ngành")
    COMMUNES = "communes", _("UBND xã, phường, đặc khu")
    DISTRICTS = "districts", _("UBND cấp huyện (đến năm 2024)")


class RuleType(models.TextChoices):
    MANUAL = "manual", _("Chấm điểm trực tiếp")
    YES_NO = "yes_no", _("Có / Không")
    RATIO_TIERS = "ratio_tiers", _("Theo bậc tỷ lệ")
    PROPORTIONAL = "proportional", _("Tỷ lệ thuận (điểm tối đa × tỷ lệ)")
    COUNT_CAPPED = "count_capped", _("Theo số lượng, có mức trần")
    DEDUCTION = "deduction", _("Trừ điểm theo lần vi phạm, có mức sàn")
    BONUS = "bonus", _("Điểm thưởng, có mức trần")


class Metric(models.TextChoices):
    """Portal data a leaf can be bound to (computed by SCORING-B in scoring/metrics.py)."""

    ON_TIME_RATE = "on_time_rate", _("Tỷ lệ hồ sơ giải quyết đúng hạn")
    ONLINE_RATE = "online_rate", _("Tỷ lệ hồ sơ trực tuyến")
    LATE_APOLOGY_RATE = "late_apology_rate", _("Tỷ lệ hồ sơ trễ hạn có văn bản xin lỗi")
    SIPAS_INDEX = "sipas_index", _("Chỉ số SIPAS")
    SIPAS_ELEMENT = "sipas_element", _("Thành phần chỉ số SIPAS")
    POST_DOSSIER_RATING = "post_dossier_rating", _("Đánh giá sau giải quyết hồ sơ")
    KNOWLEDGE_PARTICIPATION = "knowledge_participation", _("Tỷ lệ tham gia kiểm tra kiến thức")
    KNOWLEDGE_MEAN_SCORE = "knowledge_mean_score", _("Điểm trung bình kiểm tra kiến thức")


class CriteriaSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang xây dựng")
        OPEN = "open", _("Đang tự đánh giá")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    target_group = models.CharField(_("nhóm đối tượng"), max_length=20, choices=TargetGroup.choices)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    decision_ref = models.CharField(
        _("văn bản ban hành"),
        max_length=255,
        blank=True,
        help_text=_("Số, ngày quyết định ban hành bộ tiêu chí."),
    )
    description = models.TextField(_("ghi chú"), blank=True)
    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"),
        default=False,
        help_text=_("Bộ tiêu chí mẫu, không phải quyết định thật."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submission_deadline = models.DateField(_("hạn nộp tự đánh giá"), null=True, blank=True)
    opened_at = models.DateTimeField(_("mở tự đánh giá lúc"), null=True, blank=True)
    frozen_at = models.DateTimeField(
        _("khóa bộ tiêu chí lúc"),
        null=True,
        blank=True,
        help_text=_("Đặt khi cơ quan đầu tiên nộp tự đánh giá; sau đó không sửa cây tiêu chí."),
    )
    # ranking (SCORING-B)
    ranking_computed_at = models.DateTimeField(_("tính xếp hạng lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publication_ref = models.CharField(_("quyết định công bố"), max_length=255, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["-year", "target_group"]
        constraints = [
            models.UniqueConstraint(fields=["year", "target_group"], name="criteria_set_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Band(models.Model):
    """A result class (Xuất sắc, Tốt, ...) from `min_index` % upward; configurable per set."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(_("xếp loại"), max_length=100)
    min_index = models.DecimalField(
        _("chỉ số tối thiểu (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    colour = models.CharField(
        _("màu hiển thị"),
        max_length=20,
        blank=True,
        help_text=_("Lớp màu Bootstrap, ví dụ success."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["criteria_set", "-min_index"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "name"], name="band_name_unique"),
            models.UniqueConstraint(
                fields=["criteria_set", "min_index"], name="band_threshold_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (≥ {self.min_index}%)"


class Criterion(models.Model):
    """A node of the tree: area (lĩnh vực) → criterion (tiêu chí) → sub-criterion (TCTP).

    Only leaves are scored. A node's max must equal the sum of its children's max unless
    `max_differs_from_children` is set. A root with `is_bonus` holds bonus points that do not
    count towards the set's maximum.
    """

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=20)
    name = models.TextField(_("tên tiêu chí"))
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS, default=Decimal("0"))
    max_differs_from_children = models.BooleanField(
        _("điểm tối đa khác tổng điểm tiêu chí con"), default=False
    )
    is_bonus = models.BooleanField(
        _("nhóm điểm thưởng"),
        default=False,
        help_text=_("Không tính vào tổng điểm tối đa của bộ tiêu chí."),
    )
    rule_type = models.CharField(
        _("cách tính điểm"), max_length=20, choices=RuleType.choices, default=RuleType.MANUAL
    )
    # RATIO_TIERS: [["1", "6"], ["0.98", "4"]] = (min ratio as a fraction, points), any order
    tiers = models.JSONField(_("các bậc tỷ lệ"), default=list, blank=True)
    # COUNT_CAPPED / BONUS: points per unit; DEDUCTION: points deducted per occurrence
    unit_points = models.DecimalField(_("điểm mỗi đơn vị"), **POINTS, null=True, blank=True)
    # DEDUCTION: the lowest result (default 0)
    floor_points = models.DecimalField(_("điểm sàn"), **POINTS, null=True, blank=True)
    evidence_required = models.BooleanField(_("bắt buộc tài liệu kiểm chứng"), default=False)
    guidance = models.TextField(_("hướng dẫn chấm điểm"), blank=True)
    evidence_guidance = models.TextField(_("yêu cầu tài liệu kiểm chứng"), blank=True)
    metric = models.CharField(
        _("chỉ số tự động"), max_length=30, choices=Metric.choices, blank=True, default=""
    )
    metric_params = models.JSONField(_("tham số chỉ số"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"

    @property
    def depth(self) -> int:
        return self.code.count(".")


class Assessment(models.Model):
    """One agency's assessment against one criteria set (its year and target group)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang tự đánh giá")
        SUBMITTED = "submitted", _("Đã nộp")
        UNDER_APPRAISAL = "under_appraisal", _("Đang thẩm định")
        EXPLANATION_REQUESTED = "explanation_requested", _("Yêu cầu giải trình")
        APPRAISED = "appraised", _("Đã thẩm định")
        APPROVED = "approved", _("Đã phê duyệt")
        PUBLISHED = "published", _("Đã công bố")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="assessments"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="par_assessments"
    )
    status = models.CharField(
        _("trạng thái"), max_length=25, choices=Status.choices, default=Status.DRAFT
    )
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    explanation_deadline = models.DateTimeField(_("hạn giải trình"), null=True, blank=True)
    appraised_at = models.DateTimeField(_("thẩm định xong lúc"), null=True, blank=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    # computed by SCORING-B's ranking (scoring/ranking.py)
    self_total = models.DecimalField(_("tổng điểm tự đánh giá"), **POINTS, null=True, blank=True)
    final_total = models.DecimalField(_("tổng điểm đạt được"), **POINTS, null=True, blank=True)
    max_total = models.DecimalField(_("tổng điểm tối đa"), **POINTS, null=True, blank=True)
    index_pct = models.DecimalField(
        _("chỉ số (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("xếp hạng năm trước"), null=True, blank=True)
    band = models.ForeignKey(
        Band, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    area_points = models.JSONField(_("điểm theo lĩnh vực"), default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bản đánh giá chỉ số CCHC")
        verbose_name_plural = _("bản đánh giá chỉ số CCHC")
        ordering = ["criteria_set", "agency__display_order", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "agency"], name="assessment_set_agency_unique"
            )
        ]
        indexes = [models.Index(fields=["criteria_set", "status"], name="assessment_set_status")]

    def __str__(self) -> str:
        return f"{self.agency} — {self.criteria_set}"


class Score(models.Model):
    """The three scores of one leaf: self (agency), auto (portal data), appraised (Sở Nội vụ)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    # self-assessment: the declared input of the rule and the resulting points
    declared_yes = models.BooleanField(_("có / không"), null=True, blank=True)
    declared_ratio = models.DecimalField(
        _("tỷ lệ kê khai"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    declared_count = models.PositiveIntegerField(_("số lượng kê khai"), null=True, blank=True)
    self_points = models.DecimalField(_("điểm tự đánh giá"), **POINTS, null=True, blank=True)
    explanation = models.TextField(_("giải thích"), blank=True)
    self_updated_at = models.DateTimeField(null=True, blank=True)
    self_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # auto-scored from portal data (SCORING-B)
    auto_value = models.DecimalField(
        _("giá trị tính tự động"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    auto_inputs = models.JSONField(_("số liệu đầu vào"), default=dict, blank=True)
    auto_points = models.DecimalField(_("điểm tự động"), **POINTS, null=True, blank=True)
    auto_period_start = models.DateField(null=True, blank=True)
    auto_period_end = models.DateField(null=True, blank=True)
    auto_computed_at = models.DateTimeField(null=True, blank=True)
    # appraisal
    appraised_points = models.DecimalField(_("điểm thẩm định"), **POINTS, null=True, blank=True)
    appraisal_comment = models.TextField(_("nhận xét thẩm định"), blank=True)
    override_reason = models.TextField(_("lý do điều chỉnh điểm tự động"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    # request for explanation (giải trình) on this leaf
    explanation_requested = models.BooleanField(_("yêu cầu giải trình"), default=False)
    explanation_question = models.TextField(_("nội dung yêu cầu giải trình"), blank=True)
    explanation_answer = models.TextField(_("nội dung giải trình"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        ordering = ["assessment", "criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_assessment_criterion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.criterion.code}"

    @property
    def final_points(self) -> Decimal | None:
        """Appraised points win; else the auto-scored points; else the self-score."""
        if self.appraised_points is not None:
            return self.appraised_points
        if self.auto_points is not None:
            return self.auto_points
        return self.self_points


def evidence_path(instance: "Evidence", filename: str) -> str:
    dot = filename.rfind(".")
    ext = filename[dot:].lower()[:10] if dot >= 0 else ""
    return f"scoring/{instance.score.assessment.public_id}/{uuid.uuid4().hex}{ext}"


class Evidence(models.Model):
    """A document proving a self-score (tài liệu kiểm chứng): a file or a link."""

    class Stage(models.TextChoices):
        SELF = "self", _("Tự đánh giá")
        EXPLANATION = "explanation", _("Giải trình")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.SELF)
    title = models.CharField(_("trích yếu"), max_length=500)
    doc_number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    doc_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    file = models.FileField(_("tệp"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField(_("đường liên kết"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["score", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="evidence_file_or_link")
        ]

    def __str__(self) -> str:
        return self.title


class AssessmentEvent(models.Model):
    """Append-only log: every status change and notable action on an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=25, choices=Assessment.Status.choices, blank=True)
    to_status = models.CharField(max_length=25, choices=Assessment.Status.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký đánh giá")
        verbose_name_plural = _("nhật ký đánh giá")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("AssessmentEvent is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("AssessmentEvent is append-only.")
