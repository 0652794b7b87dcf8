"""Permission helpers every app uses to scope what a user may see and do.

Roles are held per agency through StaffMembership. Home Affairs appraisers and administrators
act province-wide; everyone else acts only in the agencies where they hold a role.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from agencies.models import Agency

from .models import Role, StaffMembership

PROVINCE_WIDE_ROLES = frozenset({Role.APPRAISER, Role.ADMINISTRATOR})


def _active_memberships(user) -> QuerySet[StaffMembership]:
    return StaffMembership.objects.filter(user=user, is_active=True, user__is_active=True)


def roles_of(user, agency: Agency | None = None) -> set[str]:
    """The roles a user holds (in one agency when given). One query per request: the user's
    active memberships are read once and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    by_agency = user.__dict__.get("_roles_by_agency")
    if by_agency is None:
        by_agency = {}
        # the user row is at hand: its is_active needs no join (every request reads this)
        memberships = StaffMembership.objects.filter(user_id=user.pk, is_active=True)
        if not user.is_active:
            memberships = memberships.none()
        for agency_id, role in memberships.values_list("agency_id", "role"):
            by_agency.setdefault(agency_id, set()).add(role)
        user.__dict__["_roles_by_agency"] = by_agency
    if agency is not None:
        return set(by_agency.get(agency.pk, ()))
    return set().union(*by_agency.values())


def agency_ids_with(user, roles: Iterable[str]) -> set[int]:
    """Ids of the agencies where the user holds one of `roles` through a membership (the
    memberships roles_of already read: no query). Province-wide roles are not expanded."""
    roles_of(user)  # loads the memberships once
    wanted = set(roles)
    by_agency = user.__dict__.get("_roles_by_agency", {})
    return {agency_id for agency_id, held in by_agency.items() if held & wanted}


def has_role(user, *roles: str, agency: Agency | None = None) -> bool:
    """True when the user holds any of `roles` (in `agency` when given).

    A province-wide role (appraiser, administrator) counts in every agency.
    """
    held = roles_of(user, agency)
    if held & set(roles):
        return True
    if agency is not None:
        return bool(roles_of(user) & set(roles) & PROVINCE_WIDE_ROLES)
    return False


def is_staff_user(user) -> bool:
    return bool(roles_of(user))


def agencies_of(user, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """Agencies in which the user holds one of `roles` (any role when None).

    Appraisers and administrators see every agency.
    """
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    wanted = set(roles) if roles is not None else None
    if roles_of(user) & PROVINCE_WIDE_ROLES and (wanted is None or wanted & PROVINCE_WIDE_ROLES):
        return Agency.objects.all()
    qs = _active_memberships(user)
    if wanted is not None:
        qs = qs.filter(role__in=wanted)
    return Agency.objects.filter(pk__in=qs.values("agency_id"))
