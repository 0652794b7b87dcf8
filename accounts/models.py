"""Users (login by email or phone), citizen profile fields and staff memberships."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_citizen_id, validate_phone


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("Cán bộ một cửa")
    PROCESSING_OFFICER = "processing_officer", _("Chuyên viên xử lý")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    CCHC_OFFICER = "cchc_officer", _("Cán bộ phụ trách CCHC")
    APPRAISER = "appraiser", _("Thẩm định viên Sở Nội vụ")
    EDITOR = "editor", _("Biên tập viên")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


# Roles whose holders must use TOTP two-factor authentication.
ROLES_REQUIRING_2FA = frozenset({Role.APPRAISER, Role.ADMINISTRATOR})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, phone, password, **extra):
        if not email and not phone:
            raise ValueError("A user needs an email or a phone number.")
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, phone=phone or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, phone=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, phone, password, **extra)

    def create_superuser(self, email=None, password=None, phone=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, phone, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")
        STAFF = "staff", _("Cán bộ, công chức")

    email = models.EmailField(_("thư điện tử"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("số điện thoại"),
        max_length=15,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_phone],
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    kind = models.CharField(
        _("loại tài khoản"), max_length=20, choices=Kind.choices, default=Kind.CITIZEN
    )
    organisation_name = models.CharField(_("tên tổ chức"), max_length=255, blank=True)
    citizen_id = models.CharField(
        _("số căn cước / CCCD"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_citizen_id],
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_staff = models.BooleanField(
        _("được vào trang quản trị"),
        default=False,
        help_text=_("Cho phép đăng nhập trang quản trị Django."),
    )
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else ""


class StaffMembership(models.Model):
    """A staff user's role in one agency. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
