"""The procedure catalogue: national procedures, their dated versions and what each contains.

Validity convention (used everywhere in this app): a `ProcedureVersion` is in force on day D
when ``valid_from <= D`` and (``valid_to`` is null or ``valid_to >= D``). `valid_to` is the LAST
day the version is in force (inclusive). When a decision dated D amends, replaces or abolishes a
procedure, the old version gets ``valid_to = D - 1 day`` and the new one ``valid_from = D``, so
exactly one version is in force on any day. Nothing in the catalogue is ever deleted.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import fold


class Sector(models.Model):
    """Ngành: groups fields."""

    code = models.CharField(_("mã ngành"), max_length=30, blank=True)
    name = models.CharField(_("tên ngành"), max_length=255, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngành")
        verbose_name_plural = _("ngành")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Field(models.Model):
    """Lĩnh vực (field), matched on import by its folded name."""

    code = models.CharField(_("mã lĩnh vực"), max_length=30, blank=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("ngành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fields",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="procedures_field_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AnnouncementDecision(models.Model):
    """Quyết định công bố: the decision that made procedures new, amended, replaced or abolished."""

    number = models.CharField(_("số quyết định"), max_length=100, unique=True)
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    file = models.FileField(_("tệp quyết định"), upload_to="procedures/decisions/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định công bố")
        verbose_name_plural = _("quyết định công bố")
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        if self.date:
            return f"{self.number} ngày {self.date:%d/%m/%Y}"
        return self.number


class Procedure(models.Model):
    """A national procedure, identified by its opaque national code (e.g. ``1.001193``)."""

    code = models.CharField(_("mã TTHC"), max_length=40, unique=True)
    legacy_code = models.CharField(_("mã cũ"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class OnlineLevel(models.TextChoices):
    NONE = "", _("Chưa xác định")
    INFO = "info", _("Cung cấp thông tin")
    PARTIAL = "partial", _("Một phần")
    FULL = "full", _("Toàn trình")


ONLINE_RANK = {"": 0, "info": 1, "partial": 2, "full": 3}


class ProcedureVersionQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def open(self):
        """Versions not yet closed (the latest of each procedure, unless abolished)."""
        return self.filter(valid_to__isnull=True)


class ProcedureVersion(models.Model):
    """One dated version of a procedure's content.

    In force on day D when ``valid_from <= D <= valid_to`` — `valid_to` is inclusive (the last
    day in force) and null while open. A decision dated D closes the previous version on D - 1.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang áp dụng")
        AMENDED = "amended", _("Đã sửa đổi, bổ sung")
        REPLACED = "replaced", _("Đã bị thay thế")
        ABOLISHED = "abolished", _("Đã bãi bỏ")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="versions"
    )
    at_province = models.BooleanField(_("cấp tỉnh"), default=False)
    at_district = models.BooleanField(_("cấp huyện"), default=False)
    at_commune = models.BooleanField(_("cấp xã"), default=False)
    agency_text = models.TextField(_("cơ quan thực hiện"), blank=True)
    agencies = models.ManyToManyField(
        "agencies.Agency",
        through="ProcedureAgency",
        verbose_name=_("cơ quan thực hiện"),
        related_name="procedure_versions",
        blank=True,
    )
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    online_level = models.CharField(
        _("mức độ dịch vụ công cao nhất"),
        max_length=10,
        choices=OnlineLevel.choices,
        blank=True,
        default="",
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_to = models.DateField(_("hiệu lực đến hết ngày"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    announcement = models.ForeignKey(
        AnnouncementDecision,
        verbose_name=_("quyết định công bố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="versions",
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay bằng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    raw = models.JSONField(_("bản ghi nhập gốc"), default=dict, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedures_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(valid_to__isnull=True),
                name="procedures_one_open_version",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="proc_version_validity")]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.name} (v{self.number})"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def build_search_text(
        self,
        *,
        code: str | None = None,
        legacy_code: str | None = None,
        field_name: str | None = None,
    ) -> str:
        """fold(code, legacy code, name, field, agencies); the bulk import passes the parts."""
        if code is None:
            code, legacy_code = self.procedure.code, self.procedure.legacy_code
        if field_name is None:
            field_name = self.field.name
        parts = [code, legacy_code or "", self.name, field_name, self.agency_text]
        return fold(" ".join(parts))

    @property
    def levels(self) -> list[str]:
        out = []
        if self.at_province:
            out.append(_("Tỉnh"))
        if self.at_district:
            out.append(_("Huyện"))
        if self.at_commune:
            out.append(_("Xã"))
        return out

    @property
    def allows_online_submission(self) -> bool:
        return self.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)

    def is_in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("Ngày làm việc")
    CALENDAR_DAY = "calendar_day", _("Ngày")
    WORKING_HOUR = "working_hour", _("Giờ")


class ProcedureCase(models.Model):
    """Trường hợp: a variant with its own time limit, fees and online level.

    The time limit (`time_value` + `time_unit`) applies to every channel; `online_*` and `post_*`
    override it for that channel when set. ``time_value = 0`` means "within the same day"
    (with an optional `same_day_cutoff`: received after it → the next working day).
    """

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="cases")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên trường hợp"), max_length=500, blank=True)
    time_value = models.DecimalField(_("thời hạn"), max_digits=7, decimal_places=2)
    time_unit = models.CharField(_("đơn vị thời gian"), max_length=15, choices=TimeUnit.choices)
    online_time_value = models.DecimalField(
        _("thời hạn (trực tuyến)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    online_time_unit = models.CharField(
        _("đơn vị (trực tuyến)"), max_length=15, choices=TimeUnit.choices, blank=True
    )
    post_time_value = models.DecimalField(
        _("thời hạn (bưu chính)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    post_time_unit = models.CharField(
        _("đơn vị (bưu chính)"), max_length=15, choices=TimeUnit.choices, blank=True
    )
    same_day_cutoff = models.TimeField(
        _("giờ chốt trả trong ngày"),
        null=True,
        blank=True,
        help_text=_("Nhận sau giờ này thì trả kết quả trong ngày làm việc tiếp theo."),
    )
    resolved_on_spot = models.BooleanField(_("giải quyết ngay, không ra phiếu hẹn"), default=False)
    fee_amount = models.PositiveBigIntegerField(_("mức phí, lệ phí (đồng)"), null=True, blank=True)
    fee_text = models.TextField(_("phí, lệ phí (mô tả)"), blank=True)
    online_level = models.CharField(
        _("mức độ dịch vụ công"),
        max_length=10,
        choices=OnlineLevel.choices,
        blank=True,
        default="",
    )
    legacy_online_level = models.PositiveSmallIntegerField(
        _("mức độ cũ (1–4)"),
        null=True,
        blank=True,
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name or str(_("Trường hợp chung"))


class RequiredDocument(models.Model):
    """Thành phần hồ sơ of one case."""

    class Copy(models.TextChoices):
        UNSPECIFIED = "", _("Không ghi")
        ORIGINAL = "original", _("Bản chính")
        CERTIFIED = "certified", _("Bản sao có chứng thực")
        COPY = "copy", _("Bản sao")
        PHOTO = "photo", _("Bản photo")

    case = models.ForeignKey(ProcedureCase, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.TextField(_("tên giấy tờ"))
    copy_type = models.CharField(
        _("loại bản"), max_length=10, choices=Copy.choices, blank=True, default=""
    )
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    form_file = models.FileField(_("mẫu đơn, tờ khai"), upload_to="procedures/forms/", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["case", "order"]

    def __str__(self) -> str:
        return self.name[:120]


class LegalBasis(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="legal_bases"
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    title = models.TextField(_("văn bản"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.title[:120]


class ProcedureAgency(models.Model):
    """An agency that implements this version (matched by name on import, or set in admin)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="agency_links"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="procedure_links"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan thực hiện")
        verbose_name_plural = _("cơ quan thực hiện")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "agency"], name="procedures_version_agency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id} — {self.agency}"


class AnnouncementItem(models.Model):
    """What a decision did to one procedure version."""

    class Action(models.TextChoices):
        NEW = "new", _("Mới ban hành")
        AMENDED = "amended", _("Sửa đổi, bổ sung")
        REPLACED = "replaced", _("Thay thế")
        ABOLISHED = "abolished", _("Bãi bỏ")

    decision = models.ForeignKey(
        AnnouncementDecision, on_delete=models.PROTECT, related_name="items"
    )
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="announcement_items"
    )
    action = models.CharField(_("hình thức"), max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nội dung công bố")
        verbose_name_plural = _("nội dung công bố")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "version", "action"], name="procedures_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} — {self.get_action_display()} — {self.version_id}"
