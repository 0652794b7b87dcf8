import datetime
import decimal
import io
import shutil
import subprocess
import zoneinfo

import openpyxl
import pytest

from reports import pdf
from reports.xlsx import write_table


def _load(buffer):
    buffer.seek(0)
    return openpyxl.load_workbook(buffer).active


def test_write_table_streams_a_generator_with_formats():
    calls = []

    def rows():
        for i in range(1, 1201):
            yield [i, f"Hồ sơ số {i}", datetime.date(2026, 1, 1), 1_234_000]

    out = io.BytesIO()
    written = write_table(
        out,
        title="Thống kê hồ sơ",
        headers=["STT", "Tên hồ sơ", "Ngày nhận", "Phí, lệ phí"],
        rows=rows(),
        column_formats={3: "money"},
        sheet_name="Hồ sơ: quý I/2026",
        progress=calls.append,
        total=1200,
    )
    assert written == 1200
    assert calls == [41, 83]  # every 500 rows
    sheet = _load(out)
    assert sheet.title == "Hồ sơ- quý I-2026"
    assert sheet["A1"].value == "Thống kê hồ sơ"
    assert sheet["A1"].font.bold
    assert [cell.value for cell in sheet[3]] == ["STT", "Tên hồ sơ", "Ngày nhận", "Phí, lệ phí"]
    assert all(cell.font.bold for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet["C4"].number_format == "dd/mm/yyyy"
    assert sheet["A4"].number_format == "#,##0"
    assert sheet["D4"].number_format == '#,##0 "đ"'
    assert sheet["B1203"].value == "Hồ sơ số 1200"
    assert sheet.column_dimensions["B"].width >= 13


def test_write_table_writes_aware_datetimes_as_local_time(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    moment = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    out = io.BytesIO()
    write_table(out, title="T", headers=["Lúc"], rows=[[moment], [None], ["chữ"]])
    sheet = _load(out)
    assert sheet["A4"].value == datetime.datetime(2026, 3, 1, 8, 30)
    assert sheet["A4"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["A5"].value is None
    assert sheet["A6"].value == "chữ"


def test_official_date_line_follows_decree_30_2020_zero_padding():
    assert pdf.official_date_line(datetime.date(2026, 2, 5)) == "Cần Thơ, ngày 05 tháng 02 năm 2026"
    assert pdf.official_date_line(datetime.date(2026, 3, 5)) == "Cần Thơ, ngày 05 tháng 3 năm 2026"
    assert (
        pdf.official_date_line(datetime.date(2026, 11, 28), place="Ninh Kiều")
        == "Ninh Kiều, ngày 28 tháng 11 năm 2026"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://127.0.0.1/x.css",
        "ftp://example.com/f",
        "file:///etc/passwd",
    ],
)
def test_url_fetcher_refuses_network_and_foreign_files(url):
    fetcher = pdf._fetcher_class()()
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_url_fetcher_allows_vendored_fonts_and_data_urls():
    fetcher = pdf._fetcher_class()()
    response = fetcher.fetch((pdf.FONT_DIR / "DejaVuSans.ttf").as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"
    response.close()
    assert fetcher.fetch("data:text/plain,xin%20ch%C3%A0o").read() == "xin chào".encode()


def test_render_pdf_header_uses_the_given_unit_and_date(tmp_path):
    out = io.BytesIO()
    pdf.render_pdf(
        "pdf/base.html",
        {
            "title": "Giấy tiếp nhận hồ sơ",
            "unit_name": "Sở Tư pháp",
            "document_date": datetime.date(2026, 1, 9),
            "document_number": "Số: 12/GTN",
        },
        out,
    )
    data = out.getvalue()
    assert data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    path = tmp_path / "base.pdf"
    path.write_bytes(data)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )
    assert "UBND THÀNH PHỐ CẦN THƠ" in text
    assert "SỞ TƯ PHÁP" in text
    assert "Cần Thơ, ngày 09 tháng 01 năm 2026" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in text
    assert "Số: 12/GTN" in text
    assert "Trang 1/1" in text


def test_write_table_reuses_styles_without_mixing_formats(settings):
    """One styled cell per column and format is reused across rows: every row keeps its own
    value and the column's (or the inferred) format, whatever came in the row before."""
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    utc = zoneinfo.ZoneInfo("UTC")
    rows = [
        [1, "HS-001", datetime.datetime(2026, 3, 1, 1, 30, tzinfo=utc), 2, decimal.Decimal("1.5")],
        [2, "HS-002", None, datetime.date(2026, 3, 2), "không"],
        [3, "", datetime.datetime(2026, 3, 3, 8, 0), 4, 2.25],
    ]
    out = io.BytesIO()
    written = write_table(
        out,
        title="T",
        headers=["STT", "Mã", "Lúc", "Số", "Khác"],
        rows=rows,
        column_formats=["int", "text", "datetime", "int"],
    )
    assert written == 3
    sheet = _load(out)
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=6)]
    assert values == [
        [1, "HS-001", datetime.datetime(2026, 3, 1, 8, 30), 2, 1.5],
        [2, "HS-002", None, 46083, "không"],  # a date under a number format: its serial
        [3, None, datetime.datetime(2026, 3, 3, 8, 0), 4, 2.25],
    ]
    formats = [[c.number_format for c in row] for row in sheet.iter_rows(min_row=4, max_row=6)]
    assert [f[:2] for f in formats] == [["#,##0", "@"], ["#,##0", "@"], ["#,##0", "General"]]
    assert formats[0][2] == formats[2][2] == "dd/mm/yyyy hh:mm"
    # a date in an "int" column keeps the column's format, and does not leak into the next row
    assert formats[1][3] == formats[2][3] == formats[0][3] == "#,##0"
    assert formats[0][4] == formats[2][4] == "#,##0.00"
    assert formats[1][4] == "General"


def test_write_table_never_writes_user_text_as_a_formula():
    out = io.BytesIO()
    write_table(
        out,
        title="T",
        headers=["Mã", "Tên"],
        rows=[["=1+1", '=HYPERLINK("http://x.example","bấm")'], ["a", "=2*3"]],
        column_formats=["text"],
    )
    sheet = _load(out)
    cells = [sheet["A4"], sheet["B4"], sheet["B5"]]
    assert [c.value for c in cells] == ["=1+1", '=HYPERLINK("http://x.example","bấm")', "=2*3"]
    assert all(c.data_type == "s" for c in cells)
