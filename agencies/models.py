"""Agency registry (the tree of state bodies, closed but never deleted; domain.md §5.3) and the
working calendar data (exceptions to the national holidays, office hours). The arithmetic that
reads the calendar lives in agencies/worktime.py."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AgencyQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Agency(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
        COMMUNE = "commune", _("Cấp xã")

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        DEPARTMENT = "department", _("Sở")
        BOARD = "board", _("Ban")
        OFFICE = "office", _("Văn phòng")
        INSPECTORATE = "inspectorate", _("Thanh tra")
        SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
        ONE_STOP_UNIT = "one_stop_unit", _("Bộ phận Một cửa")
        INTAKE_POINT = "intake_point", _("Điểm tiếp nhận và trả kết quả")
        BRANCH = "branch", _("Chi nhánh")
        DIVISION = "division", _("Phòng chuyên môn")

    class UnitType(models.TextChoices):
        NONE = "", _("—")
        CITY = "city", _("Thành phố trực thuộc trung ương")
        PROVINCE = "province", _("Tỉnh")
        URBAN_DISTRICT = "urban_district", _("Quận")
        RURAL_DISTRICT = "rural_district", _("Huyện")
        TOWN = "town", _("Thị xã")
        PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã")
        WARD = "ward", _("Phường")
        TOWNLET = "townlet", _("Thị trấn")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")

    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("loại cơ quan"), max_length=30, choices=Kind.choices)
    unit_type = models.CharField(
        _("loại đơn vị hành chính"), max_length=20, choices=UnitType.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    admin_unit_code = models.CharField(_("mã đơn vị hành chính"), max_length=20, blank=True)
    electronic_id = models.CharField(
        _("mã định danh điện tử"),
        max_length=40,
        blank=True,
        help_text=_("Theo QĐ 20/2020/QĐ-TTg, ví dụ 000.00.12.H13. Dùng trong mã hồ sơ."),
    )
    is_demo_code = models.BooleanField(
        _("mã minh họa"),
        default=False,
        help_text=_("Đánh dấu khi mã định danh/mã ĐVHC chưa được xác minh (dữ liệu mẫu)."),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ ngày"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("hết hiệu lực từ ngày"), null=True, blank=True)
    display_order = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
    successors = models.ManyToManyField(
        "self",
        through="AgencySuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )
    history = HistoricalRecords()

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
            models.UniqueConstraint(
                fields=["electronic_id"],
                condition=~Q(electronic_id=""),
                name="agency_electronic_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(
            _("Không được xóa cơ quan; hãy đặt ngày hết hiệu lực và liên kết cơ quan kế thừa."),
            {self},
        )


class AgencySuccession(models.Model):
    """Lineage after a merge, split or rename, with the deciding document."""

    class Reason(models.TextChoices):
        MERGE = "merge", _("Hợp nhất / sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        TRANSFER = "transfer", _("Chuyển giao chức năng")

    predecessor = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiền thân"),
        on_delete=models.PROTECT,
        related_name="succession_links_out",
    )
    successor = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan kế thừa"),
        on_delete=models.PROTECT,
        related_name="succession_links_in",
    )
    reason = models.CharField(_("lý do"), max_length=20, choices=Reason.choices)
    is_partial = models.BooleanField(_("kế thừa một phần"), default=False)
    decision = models.CharField(_("văn bản quyết định"), max_length=120, blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế thừa cơ quan")
        verbose_name_plural = _("kế thừa cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="agency_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="agency_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class CalendarException(models.Model):
    """A day that differs from the national calendar (the `holidays` package) — data, not code.

    An exception wins over the library: an extra day off, or a make-up working day (a Saturday
    "làm bù"). With no agency it applies nationwide; with an agency it applies to that agency and
    the units under it, and wins over a nationwide row for the same date.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    decision = models.CharField(
        _("văn bản quyết định"),
        max_length=200,
        blank=True,
        help_text=_("Số, ký hiệu và ngày của văn bản thông báo nghỉ / làm bù."),
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan áp dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_exceptions",
        help_text=_("Để trống nếu áp dụng toàn quốc."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù ngoại lệ")
        verbose_name_plural = _("ngày nghỉ / làm bù ngoại lệ")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(agency__isnull=True),
                name="calendar_exception_nationwide_unique",
            ),
            models.UniqueConstraint(
                fields=["date", "agency"],
                condition=Q(agency__isnull=False),
                name="calendar_exception_agency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"


class OfficeHours(models.Model):
    """Office hours for a validity period; with no agency this is the default for everyone.

    One working day is the sum of the morning and afternoon sessions (4.5 h + 3.5 h = 8 h).
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan áp dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="office_hours",
        help_text=_("Để trống để đặt giờ làm việc mặc định."),
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("hiệu lực đến hết ngày"), null=True, blank=True)
    morning_start = models.TimeField(_("bắt đầu buổi sáng"), default=datetime.time(7, 0))
    morning_end = models.TimeField(_("kết thúc buổi sáng"), default=datetime.time(11, 30))
    afternoon_start = models.TimeField(_("bắt đầu buổi chiều"), default=datetime.time(13, 30))
    afternoon_end = models.TimeField(_("kết thúc buổi chiều"), default=datetime.time(17, 0))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["agency__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="office_hours_sessions_ordered",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="office_hours_valid_range",
            ),
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=Q(agency__isnull=True),
                name="office_hours_default_valid_from_unique",
            ),
            models.UniqueConstraint(
                fields=["agency", "valid_from"],
                condition=Q(agency__isnull=False),
                name="office_hours_agency_valid_from_unique",
            ),
        ]

    def __str__(self) -> str:
        who = self.agency.name if self.agency_id else _("Mặc định")
        return (
            f"{who}: {self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )

    @property
    def working_day_length(self) -> datetime.timedelta:
        def span(a: datetime.time, b: datetime.time) -> datetime.timedelta:
            day = datetime.date(2000, 1, 1)
            return datetime.datetime.combine(day, b) - datetime.datetime.combine(day, a)

        return span(self.morning_start, self.morning_end) + span(
            self.afternoon_start, self.afternoon_end
        )

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if not (self.morning_start < self.morning_end):
            errors["morning_end"] = _("Giờ kết thúc buổi sáng phải sau giờ bắt đầu.")
        if self.afternoon_start < self.morning_end:
            errors["afternoon_start"] = _("Buổi chiều phải bắt đầu sau khi buổi sáng kết thúc.")
        if not (self.afternoon_start < self.afternoon_end):
            errors["afternoon_end"] = _("Giờ kết thúc buổi chiều phải sau giờ bắt đầu.")
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Ngày kết thúc hiệu lực phải sau ngày bắt đầu.")
        if errors:
            raise ValidationError(errors)
        if self.valid_from:
            overlapping = OfficeHours.objects.filter(agency=self.agency).exclude(pk=self.pk)
            overlapping = overlapping.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
            )
            if self.valid_to:
                overlapping = overlapping.filter(valid_from__lte=self.valid_to)
            if overlapping.exists():
                raise ValidationError(
                    _("Khoảng hiệu lực trùng với một bản ghi giờ làm việc khác của cùng cơ quan.")
                )
