"""Reads about accounts."""

from allauth.mfa.models import Authenticator

from .models import ROLES_REQUIRING_2FA, User
from .permissions import roles_of
from .validators import PHONE_RE, normalize_phone


def user_by_phone(*, phone: str) -> User | None:
    """The active account registered with this phone number (any accepted spelling)."""
    normalized = normalize_phone(phone)
    if not PHONE_RE.match(normalized):
        return None
    return User.objects.filter(phone=normalized).first()


def requires_two_factor(*, user) -> bool:
    """Superusers, appraisers and administrators must protect their account with TOTP."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or roles_of(user) & ROLES_REQUIRING_2FA)


def has_totp(*, user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
