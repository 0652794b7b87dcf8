"""XLSX import/export of criteria sets (all-or-nothing with row errors) and the demo seed."""

import io

import pytest
from openpyxl import Workbook

from accounts.models import Role
from scoring import criteria_io, demo, tree
from scoring.models import CriteriaSet, Criterion

from .factories import CriteriaSetFactory, fast_passwords, small_tree, staff  # noqa: F401

pytestmark = pytest.mark.django_db


def workbook(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(criteria_io.HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_round_trip():
    appraiser = staff(Role.APPRAISER)
    source = CriteriaSetFactory()
    small_tree(source)
    out = io.BytesIO()
    criteria_io.export_xlsx(source, out)
    out.seek(0)
    target = CriteriaSetFactory()
    assert criteria_io.import_xlsx(criteria_set=target, file=out, by=appraiser) == 6
    fields = (
        "code",
        "parent__code",
        "max_points",
        "rule_type",
        "tiers",
        "unit_points",
        "floor_points",
    )
    assert list(target.criteria.order_by("code").values_list(*fields)) == list(
        source.criteria.order_by("code").values_list(*fields)
    )


def test_errors_reported_per_row_and_nothing_saved():
    appraiser = staff(Role.APPRAISER)
    target = CriteriaSetFactory()
    small_tree(target)
    before = list(target.criteria.values_list("pk", flat=True))
    file = workbook(
        [
            ["1", "Lĩnh vực", 3],
            ["1.1", "A", "abc", "Chấm điểm trực tiếp"],
            ["1.2", "", 1, "không có loại này"],
            ["1.2", "B", 1, "Theo bậc tỷ lệ", "80%=1; xx"],
            ["2.1", "Mồ côi", 1],
            ["1.3", "C", 1, "Có / Không", "", "", "", "Có lẽ"],
        ]
    )
    with pytest.raises(criteria_io.ImportFailed) as exc:
        criteria_io.import_xlsx(criteria_set=target, file=file, by=appraiser)
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "Dòng 3: “Điểm tối đa” không phải là số (abc)." in text
    assert "Dòng 4: thiếu tên tiêu chí." in text
    assert "Dòng 4: cách tính điểm “không có loại này” không có trong danh mục." in text
    assert "Dòng 5: mã 1.2 trùng với dòng 4." in text
    assert "Dòng 7: “Điểm tối đa khác tổng con” chỉ nhận Có hoặc Không." in text
    assert list(target.criteria.values_list("pk", flat=True)) == before


def test_totals_mismatch_and_orphans_refused():
    appraiser = staff(Role.APPRAISER)
    target = CriteriaSetFactory()
    file = workbook([["1", "A", 5], ["1.1", "a", 2], ["1.2", "b", 2], ["3.1", "x", 1]])
    with pytest.raises(criteria_io.ImportFailed) as exc:
        criteria_io.import_xlsx(criteria_set=target, file=file, by=appraiser)
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "Dòng 5: không có tiêu chí cha 3." in text
    file = workbook([["1", "A", 5], ["1.1", "a", 2], ["1.2", "b", 2]])
    with pytest.raises(criteria_io.ImportFailed) as exc:
        criteria_io.import_xlsx(criteria_set=target, file=file, by=appraiser)
    assert "Dòng 2:" in str(exc.value.errors[0]) and "là 4" in str(exc.value.errors[0])
    assert not target.criteria.exists()


def test_wrong_header_refused():
    wb = Workbook()
    wb.active.append(["Code", "Name"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(criteria_io.ImportFailed) as exc:
        criteria_io.import_xlsx(
            criteria_set=CriteriaSetFactory(), file=out, by=staff(Role.APPRAISER)
        )
    assert "Tiêu đề cột không đúng mẫu" in str(exc.value.errors[0])


def test_tiers_text():
    assert criteria_io.parse_tiers("100%=6; 98%=4; 0%=0") == [["1", "6"], ["0.98", "4"], ["0", "0"]]
    assert criteria_io.format_tiers([["1", "6"], ["0.98", "4"]]) == "100%=6; 98%=4"
    with pytest.raises(ValueError):
        criteria_io.parse_tiers("120%=1")


def test_demo_seed_is_valid_illustrative_and_idempotent():
    demo.seed()
    snapshot = list(Criterion.objects.order_by("pk").values())
    demo.seed()
    assert list(Criterion.objects.order_by("pk").values()) == snapshot
    for criteria_set in CriteriaSet.objects.filter(year=2025):
        roots = tree.load(criteria_set)
        assert criteria_set.is_illustrative and "MINH HỌA" in criteria_set.description
        assert criteria_set.status == CriteriaSet.Status.OPEN
        assert tree.errors(roots) == {}
        assert tree.max_total(roots) == 100
    assert {s.target_group for s in CriteriaSet.objects.all()} == {"departments", "communes"}
