"""Workbook → validated records: file checks, headers, and the row rules one by one."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from procedures import importer
from procedures.importer import ImportFileError, check_upload, read_workbook

from .helpers import make_xlsx, row

MB = 1024 * 1024


def read(data: bytes):
    return read_workbook(io.BytesIO(data))


def errors_of(parsed):
    return [(e.row, e.column, e.message) for e in parsed.errors]


# --- File checks ------------------------------------------------------------------------------


def check(data: bytes, name="danh-muc.xlsx", max_bytes=10 * MB):
    check_upload(io.BytesIO(data), name=name, size=len(data), max_bytes=max_bytes)


def test_valid_xlsx_passes_checks():
    check(make_xlsx([row()]))


def test_too_large():
    with pytest.raises(ImportFileError, match="quá lớn"):
        check(make_xlsx([row()]), max_bytes=100)


def test_wrong_extension():
    with pytest.raises(ImportFileError, match=r"\.xlsx"):
        check(make_xlsx([row()]), name="danh-muc.csv")


def test_not_a_zip_named_xlsx():
    with pytest.raises(ImportFileError, match="không phải bảng tính"):
        check(b"Ma TTHC;Ten TTHC\n1.001193;Dang ky", name="x.xlsx")


def test_zip_without_content_types():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(ImportFileError, match="không phải bảng tính"):
        check(buf.getvalue())


def test_password_protected_workbook_is_named_as_such():
    # An encrypted .xlsx is an OLE compound file holding an "EncryptionInfo" stream.
    fake = (
        importer.OLE_SIGNATURE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    )
    with pytest.raises(ImportFileError, match="mật khẩu"):
        check(fake)


def test_old_xls_is_refused_with_advice():
    with pytest.raises(ImportFileError, match=r"\.xls"):
        check(importer.OLE_SIGNATURE + b"\x00" * 600, name="cu.xls")


def test_corrupt_zip_body():
    data = make_xlsx([row()])
    with pytest.raises(ImportFileError):
        read(data[: len(data) // 2])


# --- Headers ------------------------------------------------------------------------------------


def test_headers_any_case_order_and_diacritics_and_extra_columns():
    headers = [
        "STT",
        "ten tthc",
        "MÃ TTHC",
        "linh vuc",
        "Cap  thuc hien",
        "THOI HAN GIAI QUYET",
        "Ghi chú",
    ]
    data = make_xlsx(
        [
            {
                "STT": 1,
                "MÃ TTHC": "1.001193",
                "ten tthc": "Đăng ký khai sinh",
                "linh vuc": "Hộ tịch",
                "Cap  thuc hien": "Xã",
                "THOI HAN GIAI QUYET": "07 ngày làm việc",
                "Ghi chú": "bỏ qua",
            }
        ],
        headers=headers,
    )
    parsed = read(data)
    assert parsed.errors == []
    (record,) = parsed.records
    assert (record.code, record.name, record.field, record.levels) == (
        "1.001193",
        "Đăng ký khai sinh",
        "Hộ tịch",
        ("commune",),
    )


def test_title_rows_above_header_are_skipped():
    data = make_xlsx(
        [row()],
        before=[["DANH MỤC THỦ TỤC HÀNH CHÍNH"], ["(Kèm theo Quyết định số 1234/QĐ-UBND)"], []],
    )
    parsed = read(data)
    assert parsed.errors == [] and len(parsed.records) == 1
    assert parsed.records[0].cases[0].row == 5


def test_no_header_row():
    data = make_xlsx([{"a": 1}], headers=["Cột 1", "Cột 2"])
    with pytest.raises(ImportFileError, match="dòng tiêu đề"):
        read(data)


def test_missing_required_column():
    headers = [h for h in importer.HEADERS if h != "Thời hạn giải quyết"]
    with pytest.raises(ImportFileError, match="Thiếu cột bắt buộc: Thời hạn giải quyết"):
        read(make_xlsx([row()], headers=headers))


# --- Rows ---------------------------------------------------------------------------------------


def test_blank_rows_are_ignored_and_row_numbers_stay_true():
    data = make_xlsx([row("1.000001"), row("1.000002", time="x")], blank_rows_after={0})
    parsed = read(data)
    assert [r.code for r in parsed.records] == ["1.000001"]
    assert errors_of(parsed)[0][:2] == (4, "Thời hạn giải quyết")


def test_formula_cell_is_an_invalid_row():
    data = make_xlsx([row("1.000001"), row("1.000002")], formulas={"G3": "=1+6"})
    parsed = read(data)
    assert [r.code for r in parsed.records] == ["1.000001"]
    assert (3, "Thời hạn giải quyết", "Ô chứa công thức, hãy dán giá trị.") in errors_of(parsed)


def test_vertically_merged_code_gives_one_procedure_with_cases():
    rows = [
        row(
            "2.000720",
            name="Đăng ký hộ kinh doanh",
            case="Trực tiếp",
            time="3",
            unit="Ngày làm việc",
        ),
        row(
            None,
            name=None,
            field=None,
            levels=None,
            case="Trực tuyến",
            time="2",
            unit="Ngày làm việc",
        ),
        row(None, name=None, field=None, levels=None, case="Bưu chính", time="4 ngày làm việc"),
    ]
    data = make_xlsx(rows, merges=["A2:A4", "B2:B4", "C2:C4", "D2:D4"])
    parsed = read(data)
    assert parsed.errors == []
    (record,) = parsed.records
    assert record.name == "Đăng ký hộ kinh doanh"
    assert [c.name for c in record.cases] == ["Trực tiếp", "Trực tuyến", "Bưu chính"]
    assert [c.time_value for c in record.cases] == [3, 2, 4]


def test_wide_merged_section_heading_row_is_skipped():
    rows = [{"Mã TTHC": "A. THỦ TỤC CẤP XÃ"}, row()]
    parsed = read(make_xlsx(rows, merges=["A2:P2"]))
    assert parsed.errors == []
    assert [r.code for r in parsed.records] == ["1.001193"]


def test_numbers_stored_as_text_and_as_numbers():
    rows = [
        row("1.000001", time="7", unit="Ngày làm việc", fee="50000"),
        row("1.000002", time=7, unit="Ngày làm việc", fee=50000),
        row(1.00119, time="0,5", unit="ngay lam viec", fee="50.000 đồng/hồ sơ"),
    ]
    parsed = read(make_xlsx(rows))
    assert parsed.errors == []
    a, b, c = parsed.records
    assert (a.cases[0].time_value, a.cases[0].fee_amount, a.cases[0].fee_text) == (7, 50000, "")
    assert (b.cases[0].time_value, b.cases[0].fee_amount, b.cases[0].fee_text) == (7, 50000, "")
    assert c.code == "1.001190"  # a numeric code keeps the national d.dddddd form
    assert c.cases[0].time_value == Decimal("0.5")
    assert (c.cases[0].fee_amount, c.cases[0].fee_text) == (50000, "50.000 đồng/hồ sơ")


def test_very_long_cells_are_reported():
    parsed = read(make_xlsx([row(name="Thủ tục " * 200), row("1.000002")]))
    assert [r.code for r in parsed.records] == ["1.000002"]
    ((r, col, msg),) = errors_of(parsed)
    assert (r, col) == (2, "Tên TTHC") and "tối đa 1000" in msg


def test_duplicate_code_and_case_within_file():
    parsed = read(make_xlsx([row(), row(), row("1.000002")]))
    assert [r.code for r in parsed.records] == ["1.000002"]
    errs = errors_of(parsed)
    assert (3, "Mã TTHC", "Trùng mã TTHC 1.001193 và trường hợp với dòng 2.") in errs
    # the first row of the same code is reported as skipped, not silently applied
    assert any(e[0] == 2 and "Bỏ qua" in e[2] for e in errs)


def test_rows_of_one_code_must_agree_on_version_columns():
    parsed = read(make_xlsx([row(case="A"), row(case="B", name="Tên khác")]))
    assert parsed.records == []
    assert (3, "Tên TTHC", "Khác với dòng 2 của cùng mã TTHC 1.001193.") in errors_of(parsed)


def test_required_values_per_row():
    rows = [
        row(None),
        row("1.000002", name=""),
        row("1.000003", levels="Bộ"),
        row("1.000004", time=""),
        row("1.000005", time="7", unit=""),
        row("1.000006", time="Không có thông tin"),
        row("1.000007", online="Mức độ 9"),
        row("1.000008", action="Tạm dừng"),
        row("1 001 009"),
    ]
    parsed = read(make_xlsx(rows))
    assert parsed.records == []
    by_row = {e.row: (e.column, e.message) for e in parsed.errors}
    assert by_row[2] == ("Mã TTHC", "Thiếu mã TTHC.")
    assert by_row[3] == ("Tên TTHC", "Thiếu Tên TTHC.")
    assert by_row[4][0] == "Cấp thực hiện" and "Bộ" in by_row[4][1]
    assert by_row[5] == ("Thời hạn giải quyết", "Thiếu thời hạn giải quyết.")
    assert by_row[6][0] == "Thời hạn giải quyết" and "Đơn vị thời gian" in by_row[6][1]
    assert by_row[7][0] == "Thời hạn giải quyết"
    assert by_row[8][0] == "Mức độ DVC"
    assert by_row[9][0] == "Hình thức"
    assert by_row[10][0] == "Mã TTHC"


def test_abolished_row_needs_only_the_code():
    parsed = read(
        make_xlsx(
            [
                {
                    "Mã TTHC": "1.001193",
                    "Hình thức": "Bãi bỏ",
                    "Tên TTHC": "",
                    "Thời hạn giải quyết": "",
                }
            ]
        )
    )
    assert parsed.errors == []
    assert parsed.records[0].action == "abolished"


# --- Cell parsers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("07 ngày làm việc", None, (Decimal(7), "working_day", None, False)),
        ("15 ngày", None, (Decimal(15), "calendar_day", None, False)),
        ("4 giờ", None, (Decimal(4), "working_hour", None, False)),
        ("0,5", "Ngày làm việc", (Decimal("0.5"), "working_day", None, False)),
        (3, "Ngày", (Decimal(3), "calendar_day", None, False)),
        (
            "15 ngày (25 ngày đối với vùng khó khăn)",
            None,
            (Decimal(15), "calendar_day", None, False),
        ),
        (
            "Trong ngày; nhận sau 15:00 thì trả trong ngày làm việc tiếp theo",
            None,
            (Decimal(0), "working_day", datetime.time(15, 0), False),
        ),
        (
            "Trả ngay trong ngày, sau 15 giờ trả ngày hôm sau",
            None,
            (Decimal(0), "working_day", datetime.time(15), False),
        ),
        ("Giải quyết ngay, không ra phiếu hẹn", None, (Decimal(0), "working_day", None, True)),
    ],
)
def test_parse_time(value, unit, expected):
    assert importer.parse_time(value, unit) == expected


@pytest.mark.parametrize("value", ["3 tháng", "Không có thông tin", "abc", -1])
def test_parse_time_rejects(value):
    with pytest.raises(importer.CellError):
        importer.parse_time(value, "Ngày")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Không", (0, "Không")),
        ("Miễn phí (Không có)", (0, "Miễn phí (Không có)")),
        (50000, (50000, "")),
        ("50.000", (50000, "")),
        ("50.000 đồng/hồ sơ", (50000, "50.000 đồng/hồ sơ")),
        ("300,000 Việt Nam Đồng", (300000, "300,000 Việt Nam Đồng")),
        ("Theo Nghị quyết 12/2023 của HĐND", (None, "Theo Nghị quyết 12/2023 của HĐND")),
        (None, (None, "")),
    ],
)
def test_parse_fee(value, expected):
    assert importer.parse_fee(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Toàn trình", ("full", None)),
        ("một phần", ("partial", None)),
        ("Cung cấp thông tin", ("info", None)),
        ("Mức độ 4", ("full", 4)),
        ("Mức độ 3", ("partial", 3)),
        ("Mức độ 2", ("info", 2)),
        ("", ("", None)),
    ],
)
def test_parse_online(value, expected):
    assert importer.parse_online(value) == expected


def test_parse_documents_markers():
    docs = importer.parse_documents(
        "Tờ khai (bản chính)\n- Giấy chứng sinh (Bản sao có chứng thực)\nẢnh (nếu có) (không bắt buộc)\n\nCCCD"
    )
    assert [(d.name, d.copy_type, d.mandatory) for d in docs] == [
        ("Tờ khai", "original", True),
        ("- Giấy chứng sinh", "certified", True),
        ("Ảnh (nếu có)", "", False),
        ("CCCD", "", True),
    ]


def test_parse_levels_and_decision():
    assert importer.parse_levels("Cấp tỉnh;\nCấp xã") == ("province", "commune")
    assert importer.parse_levels("Xã, Huyện") == ("district", "commune")
    assert importer.parse_decision("1234/QĐ-UBND ngày 15/03/2026") == (
        "1234/QĐ-UBND",
        datetime.date(2026, 3, 15),
    )
    assert importer.parse_decision("163/QĐ-BTP") == ("163/QĐ-BTP", None)
