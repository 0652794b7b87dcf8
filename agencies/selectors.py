"""Reads on the agency registry, shaped for pages; constant number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import generations

from .models import Agency

# replaced on every save or delete of an agency (agencies.apps): what is built from the agency
# list (the statistics tree, agency pickers) is keyed by it
GENERATION_KEY = "agencies:generation"


def generation() -> str:
    return generations.current(GENERATION_KEY)


# the whole registry (≈ 1,000 rows), kept by each process per agencies generation
_REGISTRY = generations.ProcessCopy(GENERATION_KEY)


def registry_copy() -> dict[int, Agency] | None:
    """This process's copy of the whole registry by id (shared: read it, never change it), or
    None inside a transaction, where the copy would be read afresh: query what you need."""
    if transaction.get_connection().in_atomic_block:
        return None
    return _REGISTRY.get(lambda: Agency.objects.in_bulk())


def by_ids(ids) -> dict[int, Agency]:
    """The agencies `ids` from this process's copy of the registry, no query while it holds
    (inside a transaction, only those are read afresh). The instances are shared by the
    requests of the process: read them, never change them."""
    wanted = set(ids) - {None}
    if not wanted:
        return {}
    registry = registry_copy()
    # in a transaction, or one created since the copy (its token change lost)
    if registry is None or not wanted <= registry.keys():
        registry = Agency.objects.in_bulk(wanted)
    return {pk: registry[pk] for pk in wanted if pk in registry}


GROUP_ORDER = ("province", "departments", "service_centres", "districts", "communes", "others")
GROUP_LABELS = {
    "province": _("Ủy ban nhân dân cấp tỉnh"),
    "departments": _("Sở, ban, ngành cấp tỉnh"),
    "service_centres": _("Trung tâm Phục vụ hành chính công"),
    "districts": _("Ủy ban nhân dân cấp huyện"),
    "communes": _("Ủy ban nhân dân cấp xã, phường, đặc khu"),
    "others": _("Đơn vị khác"),
}
PROVINCE_DEPARTMENT_KINDS = {
    Agency.Kind.DEPARTMENT,
    Agency.Kind.BOARD,
    Agency.Kind.OFFICE,
    Agency.Kind.INSPECTORATE,
}


@dataclass
class Node:
    agency: Agency
    children: list["Node"] = field(default_factory=list)


@dataclass
class Group:
    key: str
    label: str
    nodes: list[Node] = field(default_factory=list)


def _group_key(agency: Agency) -> str | None:
    """The directory group an agency heads, or None when it shows under its parent."""
    if agency.kind == Agency.Kind.SERVICE_CENTRE and agency.level == Agency.Level.PROVINCE:
        return "service_centres"
    if agency.kind == Agency.Kind.PEOPLES_COMMITTEE:
        return {
            Agency.Level.PROVINCE: "province",
            Agency.Level.DISTRICT: "districts",
            Agency.Level.COMMUNE: "communes",
        }[agency.level]
    if agency.level == Agency.Level.PROVINCE and agency.kind in PROVINCE_DEPARTMENT_KINDS:
        return "departments"
    return None


def directory_tree(*, day: datetime.date) -> list[Group]:
    """Agencies in force on `day` grouped for the public directory, each with its sub-units.

    One query whatever the number of agencies. A unit that heads no group (a division, an
    intake point) shows under its parent; with no parent in force it goes to "others".
    """
    agencies = list(Agency.objects.active_on(day).order_by("display_order", "name", "pk"))
    by_id = {a.pk: Node(a) for a in agencies}
    groups = {key: Group(key, GROUP_LABELS[key]) for key in GROUP_ORDER}
    for agency in agencies:
        node = by_id[agency.pk]
        key = _group_key(agency)
        if key is not None:
            groups[key].nodes.append(node)
        elif agency.parent_id in by_id:
            by_id[agency.parent_id].children.append(node)
        else:
            groups["others"].nodes.append(node)
    return [g for g in (groups[k] for k in GROUP_ORDER) if g.nodes]
