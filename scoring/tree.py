"""The criteria tree in memory (one query) and the totals check.

A node's max must equal the sum of its children's max unless the node sets
`max_differs_from_children`. Bonus roots (`is_bonus`) do not count towards the set's maximum;
a bonus-rule leaf must sit under a bonus root.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from . import rules
from .models import Criterion, RuleType


@dataclass
class Node:
    criterion: Criterion
    children: list["Node"] = field(default_factory=list)
    depth: int = 0

    @property
    def is_leaf(self) -> bool:
        return not self.children


def build(criteria) -> list[Node]:
    """Roots of the tree (ordered by position, then id) from an iterable of Criterion."""
    nodes = {c.pk: Node(c) for c in criteria}
    roots: list[Node] = []
    for node in sorted(nodes.values(), key=lambda n: (n.criterion.position, n.criterion.pk)):
        parent = nodes.get(node.criterion.parent_id)
        (parent.children if parent else roots).append(node)

    def set_depth(items, depth):
        for n in items:
            n.depth = depth
            set_depth(n.children, depth + 1)

    set_depth(roots, 0)
    return roots


def walk(roots: list[Node]):
    """Pre-order: each node before its children."""
    for node in roots:
        yield node
        yield from walk(node.children)


def leaves(roots: list[Node]) -> list[Node]:
    return [n for n in walk(roots) if n.is_leaf]


def root_of(roots: list[Node]) -> dict[int, Criterion]:
    """criterion id → its root criterion (its area)."""
    result: dict[int, Criterion] = {}
    for root in roots:
        for node in walk([root]):
            result[node.criterion.pk] = root.criterion
    return result


def max_total(roots: list[Node]) -> Decimal:
    """The set's maximum: sum of the non-bonus roots."""
    return sum((r.criterion.max_points for r in roots if not r.criterion.is_bonus), Decimal("0"))


def errors(roots: list[Node]) -> dict[int, list[str]]:
    """criterion id → problems (totals, rules, bonus placement). Empty dict when valid."""
    problems: dict[int, list[str]] = {}

    def add(criterion, message):
        problems.setdefault(criterion.pk, []).append(message)

    for root in roots:
        for node in walk([root]):
            c = node.criterion
            if node.children:
                total = sum((ch.criterion.max_points for ch in node.children), Decimal("0"))
                if not c.max_differs_from_children and total != c.max_points:
                    add(
                        c,
                        _(
                            "Điểm tối đa của %(code)s là %(max)s nhưng tổng điểm tối đa các "
                            "tiêu chí con là %(sum)s."
                        )
                        % {"code": c.code, "max": rules.fmt(c.max_points), "sum": rules.fmt(total)},
                    )
            else:
                for message in rules.rule_errors(c):
                    add(c, f"{c.code}: {message}")
                if c.rule_type == RuleType.BONUS and not root.criterion.is_bonus:
                    add(
                        c,
                        _("%(code)s: tiêu chí điểm thưởng phải thuộc nhóm điểm thưởng.")
                        % {"code": c.code},
                    )
    return problems


def load(criteria_set) -> list[Node]:
    return build(Criterion.objects.filter(criteria_set=criteria_set))
