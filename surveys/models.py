"""Surveys: questionnaires (SIPAS, post-dossier rating, officials' perception), their collection
(tokens, public links, paper entry, XLSX import) and officials' knowledge / skills tests.

Answer storage (read by the results code):
- scale5   -> Answer.value_int 1..5 (1 = Rất không hài lòng … 5 = Rất hài lòng)
- yes_no   -> Answer.value_int 1 (Có) / 0 (Không)
- number   -> Answer.value_int
- single   -> Answer.value_text = the chosen Option.value
- multiple -> Answer.value_choices = list of chosen Option.value (form order)
- ranking  -> Answer.value_choices = list of Option.value, most important first
- short_text -> Answer.value_text

Surveys never reference dossiers by foreign key: a dossier is recorded by its code and public id.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(16)


def new_slug() -> str:
    return secrets.token_urlsafe(8).replace("_", "x").replace("-", "y").lower()


class SurveyKind(models.TextChoices):
    SIPAS = "sipas", _("Khảo sát sự hài lòng (SIPAS)")
    DOSSIER_RATING = "dossier_rating", _("Đánh giá sau khi trả kết quả hồ sơ")
    OFFICIALS_PERCEPTION = "officials_perception", _("Khảo sát nhận thức của cán bộ, công chức")
    KNOWLEDGE_TEST = "knowledge_test", _("Kiểm tra kiến thức cải cách hành chính")
    SKILLS_TEST = "skills_test", _("Kiểm tra kỹ năng công nghệ thông tin")


TEST_KINDS = frozenset({SurveyKind.KNOWLEDGE_TEST, SurveyKind.SKILLS_TEST})


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã đóng")


class QuestionType(models.TextChoices):
    SCALE5 = "scale5", _("Thang đo hài lòng 5 mức")
    YES_NO = "yes_no", _("Có / Không")
    SINGLE = "single", _("Chọn một")
    MULTIPLE = "multiple", _("Chọn nhiều")
    RANKING = "ranking", _("Xếp hạng ưu tiên")
    SHORT_TEXT = "short_text", _("Trả lời ngắn")
    NUMBER = "number", _("Số")


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING})

# The 5-point satisfaction scale (domain.md §6.2). Values 4 and 5 count as satisfied.
SCALE5_CHOICES = [
    (1, _("Rất không hài lòng")),
    (2, _("Không hài lòng")),
    (3, _("Bình thường")),
    (4, _("Hài lòng")),
    (5, _("Rất hài lòng")),
]
SCALE5_SATISFIED = frozenset({4, 5})
YES_NO_CHOICES = [(1, _("Có")), (0, _("Không"))]


class SipasElement(models.TextChoices):
    """The 5 elements of the service process (domain.md §6.2)."""

    ACCESS = "access", _("Tiếp cận dịch vụ")
    PROCEDURES = "procedures", _("Thủ tục hành chính")
    OFFICIALS = "officials", _("Công chức trực tiếp giải quyết công việc")
    RESULTS = "results", _("Kết quả giải quyết thủ tục hành chính")
    FEEDBACK = "feedback", _("Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị")


class QuestionPurpose(models.TextChoices):
    """What a question measures, so the results code knows how to aggregate it."""

    RESPONDENT = "respondent", _("Thông tin người trả lời")
    ASSESSMENT = "assessment", _("Nhận định")
    CRITERION = "criterion", _("Tiêu chí hài lòng")
    GENERAL = "general", _("Hài lòng chung")
    EXPECTATION = "expectation", _("Mong đợi")
    RATING = "rating", _("Chỉ số đánh giá hồ sơ")
    OTHER = "other", _("Khác")


class Survey(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(
        _("mã khảo sát"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Mã ngắn dùng để nhận diện (không bắt buộc)."),
    )
    kind = models.CharField(_("loại"), max_length=24, choices=SurveyKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    title_en = models.CharField(_("tiêu đề (tiếng Anh)"), max_length=255, blank=True)
    description = models.TextField(_("giới thiệu, hướng dẫn"), blank=True)
    period_start = models.DateField(_("từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("đến ngày"), null=True, blank=True)
    target_agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("cơ quan được khảo sát"),
        blank=True,
        related_name="surveys",
    )
    anonymous = models.BooleanField(_("ẩn danh"), default=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("sao chép từ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
    )
    # knowledge / skills tests only (TEST_KINDS)
    time_limit_minutes = models.PositiveIntegerField(
        _("thời gian làm bài (phút)"), null=True, blank=True
    )
    draw_count = models.PositiveIntegerField(_("số câu hỏi"), null=True, blank=True)

    class DrawMode(models.TextChoices):
        RANDOM = "random", _("Ngẫu nhiên từ ngân hàng câu hỏi")
        FIXED = "fixed", _("Bộ câu hỏi cố định")

    draw_mode = models.CharField(
        _("cách chọn câu hỏi"), max_length=10, choices=DrawMode.choices, default=DrawMode.RANDOM
    )
    draw_topics = models.ManyToManyField(
        "surveys.BankTopic", verbose_name=_("chủ đề"), blank=True, related_name="tests"
    )
    fixed_questions = models.ManyToManyField(
        "surveys.BankQuestion",
        verbose_name=_("câu hỏi cố định"),
        blank=True,
        through="surveys.TestFixedQuestion",
        related_name="fixed_in_tests",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khảo sát")
        verbose_name_plural = _("khảo sát")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="survey_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_test(self) -> bool:
        return self.kind in TEST_KINDS

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN

    @property
    def is_frozen(self) -> bool:
        """Questions can no longer change once any response (even in progress) exists."""
        return self.responses.exists() or self.attempts.exists()


class SurveyEvent(models.Model):
    """Append-only log of survey state changes (open, close, new version, import...)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo khảo sát")
        OPENED = "opened", _("Mở khảo sát")
        CLOSED = "closed", _("Đóng khảo sát")
        NEW_VERSION = "new_version", _("Tạo phiên bản mới")
        IMPORTED = "imported", _("Nhập phiếu từ Excel")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.survey} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("SurveyEvent is append-only.")
        super().save(*args, **kwargs)


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tên phần"), max_length=255)
    title_en = models.CharField(_("tên phần (tiếng Anh)"), max_length=255, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("phần")
        verbose_name_plural = _("phần")
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    code = models.CharField(
        _("mã câu hỏi"),
        max_length=20,
        help_text=_("Mã ngắn, duy nhất trong khảo sát; là tên cột khi nhập phiếu từ Excel."),
    )
    type = models.CharField(_("loại câu hỏi"), max_length=12, choices=QuestionType.choices)
    text = models.TextField(_("nội dung câu hỏi"))
    text_en = models.TextField(_("nội dung câu hỏi (tiếng Anh)"), blank=True)
    help_text = models.CharField(_("gợi ý"), max_length=500, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    purpose = models.CharField(
        _("mục đích"), max_length=12, choices=QuestionPurpose.choices, default=QuestionPurpose.OTHER
    )
    sipas_element = models.CharField(
        _("yếu tố SIPAS"), max_length=12, choices=SipasElement.choices, blank=True
    )
    sipas_criterion = models.CharField(_("mã tiêu chí SIPAS"), max_length=12, blank=True)
    # number: bounds; multiple/ranking: how many may be chosen / must be ranked (null = any/all)
    min_value = models.IntegerField(_("giá trị nhỏ nhất"), null=True, blank=True)
    max_value = models.IntegerField(_("giá trị lớn nhất"), null=True, blank=True)
    max_choices = models.PositiveIntegerField(_("số lựa chọn tối đa"), null=True, blank=True)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"

    @property
    def has_options(self) -> bool:
        return self.type in CHOICE_TYPES


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    value = models.CharField(_("giá trị"), max_length=30)
    label = models.CharField(_("nhãn"), max_length=255)
    label_en = models.CharField(_("nhãn (tiếng Anh)"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phương án")
        verbose_name_plural = _("phương án")
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="option_value_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class CampaignLink(models.Model):
    """A public anonymous link to a survey (/khao-sat/l/<slug>/), optionally for one agency."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    slug = models.SlugField(_("đường dẫn"), max_length=40, unique=True, default=new_slug)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("ghi chú"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đường dẫn khảo sát công khai")
        verbose_name_plural = _("đường dẫn khảo sát công khai")

    def __str__(self) -> str:
        return self.slug


class InvitationToken(models.Model):
    """A one-time invitation (/khao-sat/t/<token>/). Its response is Response.invitation, a
    OneToOne: the database allows exactly one response per token."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=30, blank=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True)
    dossier_public_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã mời khảo sát")
        verbose_name_plural = _("mã mời khảo sát")

    def __str__(self) -> str:
        return f"{self.survey} · {self.token[:6]}…"


class ResponseChannel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    PAPER = "paper", _("Phiếu giấy (nhập tay)")
    IMPORT = "import", _("Nhập từ Excel")


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Đang trả lời")
    SUBMITTED = "submitted", _("Đã gửi")


class Response(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan được đánh giá"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("công chức xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rated_responses",
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=30, blank=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True)
    dossier_public_id = models.UUIDField(null=True, blank=True)
    invitation = models.OneToOneField(
        InvitationToken,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response",
    )
    link = models.ForeignKey(
        CampaignLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    channel = models.CharField(
        _("kênh"), max_length=10, choices=ResponseChannel.choices, default=ResponseChannel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập phiếu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entered_responses",
    )
    paper_serial = models.CharField(_("số phiếu"), max_length=40, blank=True)
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    # anonymous save-and-resume: the signed cookie carries this key
    resume_key = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    # dossier_rating: indicators computed from the dossier's own data (domain.md §2.7)
    computed = models.JSONField(_("chỉ số tính từ hồ sơ"), default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "paper_serial"],
                condition=~Q(paper_serial=""),
                name="response_paper_serial_unique",
            ),
            models.UniqueConstraint(
                fields=["survey", "dossier_code"],
                condition=~Q(dossier_code=""),
                name="response_dossier_once",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "status", "agency"], name="response_results"),
            models.Index(fields=["survey", "submitted_at"], name="response_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.paper_serial or str(self.public_id)[:8]}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value_int = models.IntegerField(null=True, blank=True)
    value_text = models.TextField(blank=True)
    value_choices = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
        ]
        indexes = [models.Index(fields=["question", "value_int"], name="answer_question_value")]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value_int or self.value_text or self.value_choices}"


# --- knowledge / skills tests -----------------------------------------------------------------
class BankTopic(models.Model):
    code = models.SlugField(_("mã chủ đề"), max_length=40, unique=True)
    name = models.CharField(_("chủ đề"), max_length=255)
    for_kind = models.CharField(
        _("dùng cho"),
        max_length=24,
        choices=[(k.value, k.label) for k in TEST_KINDS],
        default=SurveyKind.KNOWLEDGE_TEST,
    )

    class Meta:
        verbose_name = _("chủ đề câu hỏi")
        verbose_name_plural = _("chủ đề câu hỏi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BankQuestion(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", _("Chọn một đáp án đúng")
        MULTIPLE = "multiple", _("Chọn nhiều đáp án đúng")

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("Dễ")
        MEDIUM = 2, _("Trung bình")
        HARD = 3, _("Khó")

    topic = models.ForeignKey(BankTopic, on_delete=models.PROTECT, related_name="questions")
    type = models.CharField(_("loại"), max_length=10, choices=Type.choices, default=Type.SINGLE)
    text = models.TextField(_("nội dung câu hỏi"))
    difficulty = models.PositiveSmallIntegerField(
        _("độ khó"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    points = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, default=1)
    explanation = models.TextField(_("giải thích / căn cứ"), blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("câu hỏi kiểm tra")
        verbose_name_plural = _("ngân hàng câu hỏi kiểm tra")
        ordering = ["topic", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class BankOption(models.Model):
    question = models.ForeignKey(BankQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("phương án"), max_length=500)
    is_correct = models.BooleanField(_("đáp án đúng"), default=False)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class TestFixedQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="fixed_entries")
    question = models.ForeignKey(BankQuestion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="fixed_question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.position}"


class TestAttempt(models.Model):
    """One staff member's single attempt at a test. The deadline is fixed on the server at start."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Đang làm bài")
        SUBMITTED = "submitted", _("Đã nộp bài")
        EXPIRED = "expired", _("Hết giờ")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="test_attempts"
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question_ids = models.JSONField(default=list, help_text="BankQuestion ids drawn, in order.")
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    correct_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="attempt_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.user}"


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(TestAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(BankQuestion, on_delete=models.PROTECT, related_name="+")
    selected = models.JSONField(default=list, help_text="BankOption ids chosen.")
    is_correct = models.BooleanField(null=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question_id}"
