"""Demo users for `manage.py seed_demo` (idempotent; needs the agencies seed first).

All demo accounts use the password DEMO_PASSWORD. admin@ and thamdinh@ have TOTP activated
with DEMO_TOTP_SECRET (base32): add it to any authenticator app, or compute codes with
allauth.mfa.totp.internal.auth.hotp_value. Never run this in production.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from . import services
from .models import Role, User

DEMO_PASSWORD = "CchcDemo@2026"  # noqa: S105 (published demo credential)
DEMO_TOTP_SECRET = "MNRWQYZNMRSW23ZNORXXI4BNGIYDENRB"  # noqa: S105 (published demo secret)

SO_NOI_VU = "000.10.00.H13"
SO_TU_PHAP = "000.11.00.H13"
TRUNG_TAM_PVHCC = "000.30.00.H13"
PHUONG_NINH_KIEU = "000.40.01.H13"

# (email, full name, role, agency electronic id, superuser, totp)
STAFF = [
    ("admin@cchc.local", "Quản trị Hệ thống", Role.ADMINISTRATOR, SO_NOI_VU, True, True),
    ("thamdinh@cchc.local", "Trần Thị Thẩm Định", Role.APPRAISER, SO_NOI_VU, False, True),
    ("motcua@cchc.local", "Lê Văn Một Cửa", Role.DESK_OFFICER, TRUNG_TAM_PVHCC, False, False),
    (
        "chuyenvien@cchc.local",
        "Phạm Thị Chuyên Viên",
        Role.PROCESSING_OFFICER,
        SO_TU_PHAP,
        False,
        False,
    ),
    ("lanhdao@cchc.local", "Nguyễn Văn Lãnh Đạo", Role.AGENCY_LEADER, SO_TU_PHAP, False, False),
    ("cchc.stp@cchc.local", "Võ Thị Cải Cách", Role.CCHC_OFFICER, SO_TU_PHAP, False, False),
    (
        "motcua.ninhkieu@cchc.local",
        "Huỳnh Văn Ninh Kiều",
        Role.DESK_OFFICER,
        PHUONG_NINH_KIEU,
        False,
        False,
    ),
    ("bientap@cchc.local", "Đặng Thị Biên Tập", Role.EDITOR, SO_NOI_VU, False, False),
    # the head of Home Affairs approves and publishes PAR-Index results
    ("giamdoc.snv@cchc.local", "Trương Văn Giám Đốc", Role.AGENCY_LEADER, SO_NOI_VU, False, True),
]
CITIZEN = {
    "email": "congdan@cchc.local",
    "full_name": "Nguyễn Văn Công Dân",
    "phone": "0901234567",
    "citizen_id": "092090001234",
    "address": "Phường Ninh Kiều, thành phố Cần Thơ",
}

# For the lead's seed_demo to print: (email, role label).
DEMO_LOGINS: list[tuple[str, str]] = [(row[0], row[2].label) for row in STAFF] + [
    (CITIZEN["email"], _("Công dân"))
]


def _agency(electronic_id: str) -> Agency:
    agency = Agency.objects.filter(electronic_id=electronic_id).order_by("pk").first()
    if agency is None:
        raise ImproperlyConfigured(
            f"Demo agency {electronic_id} is missing: run the agencies seed (agencies.demo.seed) "
            "before accounts.demo.seed."
        )
    return agency


def _user(*, email: str, defaults: dict) -> tuple[User, bool]:
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, **defaults)
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user, True
    changed = [name for name, value in defaults.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, defaults[name])
    if changed:
        user.save(update_fields=changed)
    return user, False


def _ensure_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def seed(stdout=None) -> None:
    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    agencies = {code: _agency(code) for code in {row[3] for row in STAFF}}
    with transaction.atomic():
        for email, full_name, role, agency_code, superuser, totp in STAFF:
            user, created = _user(
                email=email,
                defaults={
                    "full_name": full_name,
                    "kind": User.Kind.STAFF,
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            services.mark_email_verified(user=user)
            services.assign_role(user=user, agency=agencies[agency_code], role=role)
            if totp:
                _ensure_totp(user)
            say(f"{'created' if created else 'kept'} {email} ({role.label})")
        citizen, created = _user(
            email=CITIZEN["email"],
            defaults={
                "full_name": CITIZEN["full_name"],
                "kind": User.Kind.CITIZEN,
                "phone": CITIZEN["phone"],
                "citizen_id": CITIZEN["citizen_id"],
                "address": CITIZEN["address"],
            },
        )
        services.mark_email_verified(user=citizen)
        say(f"{'created' if created else 'kept'} {CITIZEN['email']}")


def current_demo_totp() -> str:
    """The demo TOTP code valid now (for the README and the browser journey)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
