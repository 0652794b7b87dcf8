"""The rule engine: what a leaf's rule allows and how its input becomes points.

Inputs: `value` (points typed directly), `ratio` (a fraction, 0.98 = 98 %), `count` (a
non-negative integer), `yes` (bool). Results are Decimal rounded half-up to two places.

| rule          | input  | points                                   | allowed range      |
| manual        | value  | value                                    | [0, max]           |
| yes_no        | yes    | max if yes else 0                        | [0, max]           |
| ratio_tiers   | ratio  | points of the highest tier whose min ≤ r | [0, max]           |
| proportional  | ratio  | max × min(max(r, 0), 1)                  | [0, max]           |
| count_capped  | count  | min(count × unit, max)                   | [0, max]           |
| deduction     | count  | max(max − count × unit, floor)           | [floor, max]       |
| bonus         | count  | min(count × unit, max); or value typed   | [0, max]           |

Any rule also accepts `value` alone: the appraiser (or an officer on a manual leaf) types the
points, which must lie within `allowed_range`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import RuleType

TWO = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")


def q(value) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None) -> str:
    """Vietnamese number: comma as decimal separator, no trailing zeros ("0,5", "6")."""
    if value is None:
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def _dec(value, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError(
            _("Giá trị “%(v)s” không phải là số.") % {"v": value}, code=field
        ) from exc
    if not result.is_finite():
        raise ValidationError(_("Giá trị “%(v)s” không phải là số.") % {"v": value}, code=field)
    return result


def tiers_of(criterion) -> list[tuple[Decimal, Decimal]]:
    """(min_ratio, points) pairs, highest threshold first."""
    pairs = [(_dec(m, "tiers"), _dec(p, "tiers")) for m, p in (criterion.tiers or [])]
    return sorted(pairs, key=lambda pair: pair[0], reverse=True)


def floor_of(criterion) -> Decimal:
    return criterion.floor_points if criterion.floor_points is not None else ZERO


def allowed_range(criterion) -> tuple[Decimal, Decimal]:
    """The lowest and highest points the leaf can get."""
    top = q(criterion.max_points)
    if criterion.rule_type == RuleType.DEDUCTION:
        return q(floor_of(criterion)), top
    return q(ZERO), top


def validate_points(criterion, points) -> Decimal:
    """Points typed by a person: a number within the rule's range, else a Vietnamese error."""
    if points is None or points == "":
        raise ValidationError(_("Vui lòng nhập điểm."), code="required")
    value = _dec(points, "points")
    low, high = allowed_range(criterion)
    if value > high:
        raise ValidationError(
            _("Điểm %(v)s vượt quá điểm tối đa %(max)s của tiêu chí %(code)s.")
            % {"v": fmt(value), "max": fmt(high), "code": criterion.code},
            code="above_max",
        )
    if value < low:
        raise ValidationError(
            _("Điểm %(v)s thấp hơn mức tối thiểu %(min)s của tiêu chí %(code)s.")
            % {"v": fmt(value), "min": fmt(low), "code": criterion.code},
            code="below_min",
        )
    if value != value.quantize(TWO):
        raise ValidationError(_("Điểm chỉ được có tối đa hai chữ số thập phân."), code="precision")
    return q(value)


def _need(value, message):
    if value is None or value == "":
        raise ValidationError(message, code="required")
    return value


def points_for(criterion, *, value=None, ratio=None, count=None, yes=None) -> Decimal:
    """Points for one leaf from its input, per its rule. Raises ValidationError (Vietnamese)."""
    rule = criterion.rule_type
    top = q(criterion.max_points)
    if value is not None and value != "":
        return validate_points(criterion, value)
    if rule == RuleType.MANUAL:
        raise ValidationError(_("Vui lòng nhập điểm."), code="required")
    if rule == RuleType.YES_NO:
        _need(yes, _("Vui lòng chọn Có hoặc Không."))
        return top if yes else q(ZERO)
    if rule in (RuleType.RATIO_TIERS, RuleType.PROPORTIONAL):
        r = _dec(_need(ratio, _("Vui lòng nhập tỷ lệ.")), "ratio")
        if r < 0 or r > ONE:
            raise ValidationError(_("Tỷ lệ phải nằm trong khoảng từ 0% đến 100%."), code="ratio")
        if rule == RuleType.PROPORTIONAL:
            return q(top * r)
        for minimum, points in tiers_of(criterion):
            if r >= minimum:
                return q(min(points, top))
        return q(ZERO)
    # count-based rules
    raw = _need(count, _("Vui lòng nhập số lượng."))
    n = _dec(raw, "count")
    if n < 0 or n != n.to_integral_value():
        raise ValidationError(_("Số lượng phải là số nguyên không âm."), code="count")
    unit = criterion.unit_points if criterion.unit_points is not None else ZERO
    if rule in (RuleType.COUNT_CAPPED, RuleType.BONUS):
        return q(min(n * unit, top))
    if rule == RuleType.DEDUCTION:
        return q(max(top - n * unit, floor_of(criterion)))
    raise ValidationError(_("Cách tính điểm không hợp lệ."), code="rule")


def input_kind(criterion) -> str:
    """Which input the self-assessment form asks for: points, yes, ratio or count."""
    return {
        RuleType.MANUAL: "points",
        RuleType.YES_NO: "yes",
        RuleType.RATIO_TIERS: "ratio",
        RuleType.PROPORTIONAL: "ratio",
        RuleType.COUNT_CAPPED: "count",
        RuleType.DEDUCTION: "count",
        RuleType.BONUS: "count",
    }.get(criterion.rule_type, "points")


def rule_errors(criterion) -> list[str]:
    """Problems in a leaf's rule configuration (empty when fine)."""
    errors: list[str] = []
    rule = criterion.rule_type
    top = criterion.max_points or ZERO
    if rule == RuleType.RATIO_TIERS:
        try:
            tiers = tiers_of(criterion)
        except ValidationError:
            return [_("Các bậc tỷ lệ phải là số.")]
        if not tiers:
            errors.append(_("Cần ít nhất một bậc tỷ lệ."))
        mins = [m for m, _p in tiers]
        if len(set(mins)) != len(mins):
            errors.append(_("Hai bậc tỷ lệ có cùng ngưỡng."))
        for m, p in tiers:
            if m < 0 or m > ONE:
                errors.append(_("Ngưỡng tỷ lệ phải từ 0% đến 100%."))
            if p < 0 or p > top:
                errors.append(
                    _("Điểm của bậc (%(p)s) phải từ 0 đến điểm tối đa %(max)s.")
                    % {"p": fmt(p), "max": fmt(top)}
                )
    if rule in (RuleType.COUNT_CAPPED, RuleType.DEDUCTION, RuleType.BONUS) and (
        criterion.unit_points is None or criterion.unit_points <= 0
    ):
        errors.append(_("Cần nhập số điểm mỗi đơn vị (lớn hơn 0)."))
    if rule == RuleType.DEDUCTION and floor_of(criterion) > top:
        errors.append(_("Điểm sàn không được lớn hơn điểm tối đa."))
    return errors


def aggregate(node_max: Decimal, child_points: list[Decimal | None], *, capped: bool) -> Decimal:
    """Points of an inner node from its children (None counts as 0); capped at the node's max
    when the node's max differs from the sum of its children."""
    total = sum((p for p in child_points if p is not None), ZERO)
    return q(min(total, node_max) if capped else total)
