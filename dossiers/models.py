"""One-stop dossiers (hồ sơ): the record, its append-only event log, attachments and forms.

Statuses follow the national DVCQG codes (domain.md §2.3). Every state change goes through
`dossiers.services` — one transaction, one `DossierEvent` row — and is allowed or refused by the
single transition table in `dossiers.workflow`.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


class Channel(models.IntegerChoices):
    """Intake channel, coded as the national system does (KenhThucHien)."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


class Status(models.IntegerChoices):
    """National status codes used in DVCQG synchronisation (domain.md §2.3)."""

    SUBMITTED = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    WAITING_SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    WAITING_PAYMENT = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    FINISHED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


CLOSED_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
PAUSED_STATUSES = frozenset({Status.WAITING_SUPPLEMENT, Status.WAITING_PAYMENT})
# the Bootstrap badge of each status on staff pages (templates/dossiers/staff/_status.html)
STATUS_BADGE = {
    Status.SUBMITTED: "text-bg-info",
    Status.ACCEPTED: "text-bg-primary",
    Status.PROCESSING: "text-bg-primary",
    Status.WAITING_SUPPLEMENT: "text-bg-warning",
    Status.WAITING_PAYMENT: "text-bg-warning",
    Status.FINISHED: "text-bg-success",
    Status.RETURNED: "text-bg-success",
}
# open (not closed) and not a draft: what the staff queue lists by default
OPEN_NON_DRAFT = ~Q(step="draft") & ~Q(status__in=sorted(CLOSED_STATUSES))
# the queue's second and third parts (selectors.queue_listing) only ever list dossiers held by a
# unit other than their competent agency, received by a unit other than both: their indexes
# leave out the rest (most of a unit's open dossiers), and the parts repeat these conditions so
# PostgreSQL may use them
HELD_ELSEWHERE = ~Q(current_unit=F("competent_agency"))
RECEIVED_ELSEWHERE = ~Q(receiving_unit=F("competent_agency")) & ~Q(receiving_unit=F("current_unit"))


class Step(models.TextChoices):
    """Our finer position inside a national status (who holds the dossier now)."""

    DRAFT = "draft", _("Bản nháp")
    AT_DESK = "at_desk", _("Tại bộ phận một cửa")
    WITH_UNIT = "with_unit", _("Tại cơ quan giải quyết")
    WITH_OFFICER = "with_officer", _("Chuyên viên đang xử lý")
    WITH_LEADER = "with_leader", _("Chờ lãnh đạo duyệt")
    RESULT_AT_DESK = "result_at_desk", _("Kết quả đã chuyển về một cửa")
    CLOSED = "closed", _("Đã kết thúc")


class Outcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


def _label_of(field_name: str, choices):
    """get_<field>_display without Django's per-call rebuild of the choices dict (a queue page
    calls these for every row): the enum's label, else the raw value as Django gives it."""

    def display(self) -> str:
        value = getattr(self, field_name)
        try:
            return str(choices(value).label)
        except ValueError:
            return force_str(value, strings_only=True)

    display.__name__ = f"get_{field_name}_display"
    return display


def _tracking_secret() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Dossier(models.Model):
    # identity
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    tracking_secret = models.CharField(_("mã tra cứu"), max_length=12, default=_tracking_secret)
    external_code = models.CharField(_("mã hồ sơ trên hệ thống khác"), max_length=60, blank=True)

    # what is asked, pinned to the version and case in force when received
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("thủ tục hành chính"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    case = models.ForeignKey(
        "procedures.ProcedureCase",
        verbose_name=_("trường hợp"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    summary = models.CharField(_("nội dung yêu cầu giải quyết"), max_length=500, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), default=1)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)

    # people: the submitter, the owner (may differ) and an authorised representative
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=150)
    applicant_id_number = models.CharField(_("số căn cước người nộp"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("điện thoại người nộp"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("thư điện tử người nộp"), blank=True)
    applicant_address = models.CharField(_("địa chỉ người nộp"), max_length=255, blank=True)
    owner_name = models.CharField(_("chủ hồ sơ"), max_length=255, blank=True)
    owner_id_number = models.CharField(_("số giấy tờ của chủ hồ sơ"), max_length=20, blank=True)
    owner_phone = models.CharField(_("điện thoại chủ hồ sơ"), max_length=15, blank=True)
    owner_email = models.EmailField(_("thư điện tử chủ hồ sơ"), blank=True)
    owner_address = models.CharField(_("địa chỉ chủ hồ sơ"), max_length=255, blank=True)
    representative_name = models.CharField(_("người được ủy quyền"), max_length=150, blank=True)
    representative_id_number = models.CharField(
        _("số căn cước người được ủy quyền"), max_length=20, blank=True
    )
    representative_phone = models.CharField(
        _("điện thoại người được ủy quyền"), max_length=15, blank=True
    )
    return_by_post = models.BooleanField(_("nhận kết quả qua bưu chính"), default=False)

    # where: intake regardless of administrative boundary, so the two units may differ
    receiving_unit = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("bộ phận tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    competent_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
    )
    current_unit = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("đơn vị đang giữ hồ sơ"),
        on_delete=models.PROTECT,
        related_name="held_dossiers",
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )

    # state
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=Status.choices, default=Status.SUBMITTED
    )
    step = models.CharField(
        _("bước xử lý"), max_length=20, choices=Step.choices, default=Step.DRAFT
    )
    revision = models.PositiveIntegerField(
        default=0, help_text="Optimistic lock: forms carry it; a stale form is refused."
    )
    resolved_on_spot = models.BooleanField(_("giải quyết ngay"), default=False)
    outcome = models.CharField(
        _("kết quả đúng hạn"), max_length=10, choices=Outcome.choices, blank=True
    )
    fee_amount = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), null=True, blank=True)
    fees_paid = models.BooleanField(_("đã nộp phí, lệ phí"), default=False)

    # moments
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    refused_at = models.DateTimeField(_("từ chối lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("đã cảnh báo quá hạn lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    get_channel_display = _label_of("channel", Channel)
    get_status_display = _label_of("status", Status)
    get_step_display = _label_of("step", Step)
    get_outcome_display = _label_of("outcome", Outcome)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["competent_agency", "status", "due_at"], name="dossier_queue"),
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_received"),
            models.Index(
                fields=["competent_agency", "received_at"], name="dossier_agency_received"
            ),
            models.Index(
                fields=["competent_agency", "finished_at"], name="dossier_agency_finished"
            ),
            models.Index(fields=["applicant_user", "-created_at"], name="dossier_applicant"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            # the staff queue (selectors.queue_listing): open dossiers of a unit, one index per
            # unit column; partial, so a unit's closed history is never read; keyed in the
            # queue's order (due moment, submission, id) so a page is read by an ordered scan
            # that stops after it, and covering what the queue splits on (overdue: status,
            # finished_at; the other unit columns), so only the page's 25 rows are read
            *[
                models.Index(
                    fields=[column, "due_at", "submitted_at", "id"],
                    include=["status", "finished_at", *others],
                    condition=OPEN_NON_DRAFT & elsewhere,
                    name=f"dossier_open_{column.split('_')[0]}",
                )
                for column, others, elsewhere in (
                    ("competent_agency", [], Q()),
                    ("current_unit", ["competent_agency"], HELD_ELSEWHERE),
                    ("receiving_unit", ["competent_agency", "current_unit"], RECEIVED_ELSEWHERE),
                )
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(step="draft") | Q(code__isnull=False), name="dossier_code_after_draft"
            ),
        ]

    def __str__(self) -> str:
        return self.code or str(_("Hồ sơ nháp"))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # the step and units as read: a save that moves the dossier away from a unit must
        # refresh that unit's queue too (dossiers.queue_cache.unit_keys_of)
        loaded = instance.__dict__
        instance._loaded_queue_state = (
            loaded.get("step"),
            tuple(
                loaded.get(c)
                for c in ("competent_agency_id", "current_unit_id", "receiving_unit_id")
            ),
        )
        return instance

    @property
    def is_draft(self) -> bool:
        return self.step == Step.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "text-bg-secondary")

    @property
    def applicant_initials(self) -> str:
        """What public tracking may show of the applicant: "N. V. A."."""
        return " ".join(f"{w[0].upper()}." for w in self.applicant_name.split() if w)


class DossierCodeCounter(models.Model):
    """The daily sequence per receiving unit. Incremented under a row lock in the same
    transaction as the submission, so a failed submission leaves no gap and no code repeats."""

    unit = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dossier_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}@{self.day}: {self.last}"


class DossierEvent(models.Model):
    """Append-only timeline: every transition and hand-off (source of Mẫu 05)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo hồ sơ")
        TRANSITION = "transition", _("Chuyển trạng thái")
        HANDOFF = "handoff", _("Bàn giao hồ sơ")
        RECEIVE = "receive", _("Nhận hồ sơ")
        ASSIGN = "assign", _("Phân công xử lý")
        SUPPLEMENT_REQUEST = "supplement_request", _("Yêu cầu bổ sung")
        SUPPLEMENT_ANSWER = "supplement_answer", _("Công dân bổ sung hồ sơ")
        APOLOGY = "apology", _("Xin lỗi và hẹn lại ngày trả")
        NOTE = "note", _("Ghi chú")
        OVERDUE = "overdue", _("Cảnh báo quá hạn")
        ATTACHMENT = "attachment", _("Cập nhật tệp đính kèm")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)
    from_unit = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_deadline = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(
        default=True, help_text="Shown on the public timeline (without personal data)."
    )

    get_kind_display = _label_of("kind", Kind)
    get_from_status_display = _label_of("from_status", Status)
    get_to_status_display = _label_of("to_status", Status)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_timeline")]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.get_kind_display()} · {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("DossierEvent is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("DossierEvent is append-only.")


def attachment_path(instance: "DossierAttachment", filename: str) -> str:
    # never the user's name on disk: a random name under the dossier's public id
    return f"dossiers/{instance.dossier.public_id}/{uuid.uuid4().hex}{_ext(filename)}"


def _ext(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:10] if dot >= 0 else ""


class DossierAttachment(models.Model):
    class Role(models.TextChoices):
        INPUT = "input", _("Thành phần hồ sơ")
        SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
        RESULT = "result", _("Kết quả giải quyết")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.INPUT)
    required_document = models.ForeignKey(
        "procedures.RequiredDocument",
        verbose_name=_("thành phần hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supplement_request = models.ForeignKey(
        "SupplementRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    title = models.CharField(_("tên giấy tờ"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to=attachment_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    # paper received at the desk (copies by kind); digitised when a scan is attached
    copies_original = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies_certified = models.PositiveSmallIntegerField(_("bản chứng thực"), default=0)
    copies_photo = models.PositiveSmallIntegerField(_("bản photo"), default=0)
    is_digitised = models.BooleanField(_("đã số hóa"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # set by `manage.py purge_attachments` when the file is deleted after the retention period
    purged_at = models.DateTimeField(_("đã xóa tệp lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["role", "pk"]

    def __str__(self) -> str:
        return self.title or self.original_name


class SupplementRequest(models.Model):
    """Mẫu 02: what is missing, asked once and completely; pauses the clock until answered."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="supplement_requests"
    )
    items = models.JSONField(_("giấy tờ cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    during_intake = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(_("ghi chú khi bổ sung"), blank=True)
    paused_working_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} · {_('Yêu cầu bổ sung')} {self.requested_at:%d/%m/%Y}"


class Refusal(models.Model):
    """Mẫu 03: refusal to accept, with the reasons."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="refusal")
    reasons = models.TextField(_("lý do từ chối"))
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    refused_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier} · {_('Từ chối tiếp nhận')}"


class Apology(models.Model):
    """Mẫu 04: apology and new appointment — once per dossier, before the old due moment."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="apology")
    reason = models.TextField(_("lý do chậm trễ"))
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField(_("hẹn trả mới"))
    responsible_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan gây chậm trễ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier} · {_('Xin lỗi, hẹn lại')} {self.new_due_at:%d/%m/%Y}"
