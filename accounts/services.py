"""Writes about accounts: sign-up, profile, verified staff email, role assignment."""

from allauth.account.models import EmailAddress
from django.db import transaction

from agencies.models import Agency

from .models import StaffMembership, User
from .validators import normalize_phone


def _clean_optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@transaction.atomic
def register_user(
    *,
    email: str,
    password: str,
    full_name: str,
    kind: str = User.Kind.CITIZEN,
    phone: str | None = None,
    citizen_id: str | None = None,
    organisation_name: str = "",
    address: str = "",
) -> User:
    """Create a citizen or organisation account with an unverified primary email.

    The phone number is stored as an unverified login identifier: there is no SMS gateway, so
    it is never verified by SMS (allauth's phone verification is not used).
    """
    if kind not in (User.Kind.CITIZEN, User.Kind.ORGANISATION):
        raise ValueError(f"Self sign-up cannot create accounts of kind {kind!r}.")
    phone = _clean_optional(phone)
    user = User(
        email=email.strip().lower(),
        phone=normalize_phone(phone) if phone else None,
        citizen_id=_clean_optional(citizen_id),
        full_name=full_name.strip(),
        kind=kind,
        organisation_name=organisation_name.strip() if kind == User.Kind.ORGANISATION else "",
        address=address.strip(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return user


@transaction.atomic
def update_profile(
    *,
    user: User,
    full_name: str,
    phone: str | None,
    citizen_id: str | None,
    address: str = "",
    organisation_name: str = "",
) -> User:
    """Update the citizen profile. Email changes go through allauth (they need verification)."""
    phone = _clean_optional(phone)
    user.full_name = full_name.strip()
    user.phone = normalize_phone(phone) if phone else None
    user.citizen_id = _clean_optional(citizen_id)
    user.address = address.strip()
    user.organisation_name = (
        organisation_name.strip() if user.kind == User.Kind.ORGANISATION else ""
    )
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone", "citizen_id", "address", "organisation_name"])
    return user


@transaction.atomic
def mark_email_verified(*, user: User) -> EmailAddress | None:
    """Record the user's email as verified and primary.

    Used for accounts an administrator creates (staff): the administrator vouches for the
    address, and two-factor activation requires a verified email.
    """
    if not user.email:
        return None
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    EmailAddress.objects.filter(user=user, primary=True).exclude(
        pk=getattr(address, "pk", None)
    ).update(primary=False)
    if address is None:
        return EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    if not (address.verified and address.primary):
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    return address


@transaction.atomic
def assign_role(*, user: User, agency: Agency, role: str) -> StaffMembership:
    """Give `user` the `role` in `agency` (reactivating it if it was switched off).

    StaffMembership keeps its own history (simple_history), so every change is audited.
    """
    membership, created = StaffMembership.objects.get_or_create(
        user=user, agency=agency, role=role, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    if user.kind != User.Kind.STAFF:
        user.kind = User.Kind.STAFF
        user.save(update_fields=["kind"])
    return membership
