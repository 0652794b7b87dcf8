"""Every rule type at its boundary values, and the totals check of the tree."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from scoring import rules, tree
from scoring.models import Criterion, RuleType


def leaf(rule, max_points="6", **kw):
    return Criterion(code="3.2", name="x", max_points=D(max_points), rule_type=rule, **kw)


class TestManual:
    @pytest.mark.parametrize(
        "value,expected", [("0", "0"), ("2.5", "2.5"), ("6", "6"), ("5.99", "5.99")]
    )
    def test_within_range(self, value, expected):
        assert rules.points_for(leaf(RuleType.MANUAL), value=value) == D(expected)

    def test_above_max_refused_in_vietnamese(self):
        with pytest.raises(ValidationError) as exc:
            rules.points_for(leaf(RuleType.MANUAL), value="6.01")
        assert "vượt quá điểm tối đa 6" in exc.value.messages[0]

    def test_below_zero_refused(self):
        with pytest.raises(ValidationError) as exc:
            rules.points_for(leaf(RuleType.MANUAL), value="-0.01")
        assert "thấp hơn mức tối thiểu 0" in exc.value.messages[0]

    def test_three_decimals_refused(self):
        with pytest.raises(ValidationError):
            rules.validate_points(leaf(RuleType.MANUAL), "1.005")

    def test_missing_value(self):
        with pytest.raises(ValidationError):
            rules.points_for(leaf(RuleType.MANUAL))

    def test_not_a_number(self):
        with pytest.raises(ValidationError) as exc:
            rules.points_for(leaf(RuleType.MANUAL), value="abc")
        assert "không phải là số" in exc.value.messages[0]


class TestYesNo:
    def test_yes_gives_max_no_gives_zero(self):
        c = leaf(RuleType.YES_NO, "1.5")
        assert rules.points_for(c, yes=True) == D("1.5")
        assert rules.points_for(c, yes=False) == D("0")

    def test_missing_answer(self):
        with pytest.raises(ValidationError):
            rules.points_for(leaf(RuleType.YES_NO))

    def test_range(self):
        assert rules.allowed_range(leaf(RuleType.YES_NO, "1.5")) == (D("0"), D("1.5"))


class TestRatioTiers:
    c = leaf(RuleType.RATIO_TIERS, tiers=[["0.8", "3"], ["1", "6"]])  # any order

    @pytest.mark.parametrize(
        "ratio,expected",
        [("1", "6"), ("0.9999", "3"), ("0.8", "3"), ("0.7999", "0"), ("0", "0")],
    )
    def test_boundaries(self, ratio, expected):
        assert rules.points_for(self.c, ratio=ratio) == D(expected)

    @pytest.mark.parametrize("ratio", ["1.0001", "-0.01"])
    def test_ratio_out_of_range(self, ratio):
        with pytest.raises(ValidationError) as exc:
            rules.points_for(self.c, ratio=ratio)
        assert "0% đến 100%" in exc.value.messages[0]

    def test_tier_points_capped_at_max(self):
        c = leaf(RuleType.RATIO_TIERS, "2", tiers=[["1", "5"]])
        assert rules.points_for(c, ratio=1) == D("2")
        assert rules.rule_errors(c)  # configuration error reported too

    def test_configuration_errors(self):
        assert rules.rule_errors(leaf(RuleType.RATIO_TIERS, tiers=[]))
        assert rules.rule_errors(leaf(RuleType.RATIO_TIERS, tiers=[["1", "2"], ["1", "3"]]))
        assert rules.rule_errors(leaf(RuleType.RATIO_TIERS, tiers=[["1.5", "2"]]))
        assert rules.rule_errors(leaf(RuleType.RATIO_TIERS, tiers=[["x", "2"]]))
        assert rules.rule_errors(self.c) == []


class TestProportional:
    @pytest.mark.parametrize(
        "ratio,expected",
        [("0", "0"), ("1", "6"), ("0.5", "3"), ("0.3333", "2.00"), ("0.99999", "6.00")],
    )
    def test_points(self, ratio, expected):
        assert rules.points_for(leaf(RuleType.PROPORTIONAL), ratio=ratio) == D(expected)

    def test_rounds_half_up(self):
        # 5 × 0.001 = 0.005 → 0.01
        assert rules.points_for(leaf(RuleType.PROPORTIONAL, "5"), ratio="0.001") == D("0.01")

    def test_above_one_refused(self):
        with pytest.raises(ValidationError):
            rules.points_for(leaf(RuleType.PROPORTIONAL), ratio="1.01")


class TestCountCapped:
    c = leaf(RuleType.COUNT_CAPPED, "2", unit_points=D("0.5"))

    @pytest.mark.parametrize(
        "count,expected", [(0, "0"), (1, "0.5"), (3, "1.5"), (4, "2"), (5, "2"), (100, "2")]
    )
    def test_cap(self, count, expected):
        assert rules.points_for(self.c, count=count) == D(expected)

    @pytest.mark.parametrize("count", [-1, "1.5"])
    def test_bad_count(self, count):
        with pytest.raises(ValidationError):
            rules.points_for(self.c, count=count)

    def test_unit_required(self):
        assert rules.rule_errors(leaf(RuleType.COUNT_CAPPED))
        assert rules.rule_errors(self.c) == []


class TestDeduction:
    c = leaf(RuleType.DEDUCTION, "2", unit_points=D("0.5"), floor_points=D("0"))

    @pytest.mark.parametrize(
        "count,expected", [(0, "2"), (1, "1.5"), (3, "0.5"), (4, "0"), (9, "0")]
    )
    def test_floor(self, count, expected):
        assert rules.points_for(self.c, count=count) == D(expected)

    def test_negative_floor(self):
        c = leaf(RuleType.DEDUCTION, "1", unit_points=D("1"), floor_points=D("-2"))
        assert rules.points_for(c, count=2) == D("-1")
        assert rules.points_for(c, count=5) == D("-2")
        assert rules.allowed_range(c) == (D("-2"), D("1"))

    def test_typed_points_below_floor_refused(self):
        c = leaf(RuleType.DEDUCTION, "1", unit_points=D("1"), floor_points=D("-2"))
        assert rules.validate_points(c, "-2") == D("-2")
        with pytest.raises(ValidationError) as exc:
            rules.validate_points(c, "-2.01")
        assert "thấp hơn mức tối thiểu -2" in exc.value.messages[0]

    def test_floor_above_max_is_a_configuration_error(self):
        assert rules.rule_errors(
            leaf(RuleType.DEDUCTION, "1", unit_points=D("1"), floor_points=D("2"))
        )


class TestBonus:
    c = leaf(RuleType.BONUS, "5", unit_points=D("1"))

    @pytest.mark.parametrize("count,expected", [(0, "0"), (1, "1"), (5, "5"), (6, "5")])
    def test_cap(self, count, expected):
        assert rules.points_for(self.c, count=count) == D(expected)

    def test_typed_points_capped(self):
        assert rules.points_for(self.c, value="5") == D("5")
        with pytest.raises(ValidationError):
            rules.points_for(self.c, value="5.5")


def test_aggregate():
    assert rules.aggregate(D("5"), [D("3"), None, D("4")], capped=False) == D("7")
    assert rules.aggregate(D("5"), [D("3"), None, D("4")], capped=True) == D("5")


def test_fmt_vietnamese():
    assert rules.fmt(D("0.50")) == "0,5"
    assert rules.fmt(D("6.00")) == "6"


class TestTotals:
    def build(self, *specs):
        items = []
        for pk, (code, parent, maximum, extra) in enumerate(specs, start=1):
            items.append(
                Criterion(
                    pk=pk,
                    code=code,
                    name=code,
                    parent_id=parent,
                    max_points=D(maximum),
                    position=pk,
                    **extra,
                )
            )
        return tree.build(items)

    def test_sum_matches(self):
        roots = self.build(("1", None, "3", {}), ("1.1", 1, "1", {}), ("1.2", 1, "2", {}))
        assert tree.errors(roots) == {}
        assert tree.max_total(roots) == D("3")

    def test_sum_mismatch_reported_on_the_parent(self):
        roots = self.build(("1", None, "4", {}), ("1.1", 1, "1", {}), ("1.2", 1, "2", {}))
        problems = tree.errors(roots)
        assert list(problems) == [1]
        assert "tổng điểm tối đa các tiêu chí con là 3" in problems[1][0]

    def test_flag_allows_difference(self):
        roots = self.build(
            ("1", None, "2", {"max_differs_from_children": True}),
            ("1.1", 1, "1.5", {}),
            ("1.2", 1, "1.5", {}),
        )
        assert tree.errors(roots) == {}

    def test_bonus_root_not_counted_and_bonus_leaf_must_be_under_it(self):
        roots = self.build(
            ("1", None, "2", {}),
            ("1.1", 1, "2", {"rule_type": RuleType.BONUS, "unit_points": D("1")}),
            ("9", None, "5", {"is_bonus": True}),
            ("9.1", 3, "5", {"rule_type": RuleType.BONUS, "unit_points": D("1")}),
        )
        problems = tree.errors(roots)
        assert list(problems) == [2]
        assert tree.max_total(roots) == D("2")
