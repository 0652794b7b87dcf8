"""XLSX writing with openpyxl's write-only mode: constant memory whatever the number of rows."""

import datetime
import decimal
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
INTEGER_FORMAT = "#,##0"  # shown with the reader's grouping (1.234.000 with Vietnamese locale)
DECIMAL_FORMAT = "#,##0.00"
MONEY_FORMAT = '#,##0 "đ"'

NAMED_FORMATS = {
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "int": INTEGER_FORMAT,
    "integer": INTEGER_FORMAT,
    "decimal": DECIMAL_FORMAT,
    "money": MONEY_FORMAT,
    "text": "@",
}
DEFAULT_WIDTHS = {DATE_FORMAT: 12, DATETIME_FORMAT: 17, INTEGER_FORMAT: 12, MONEY_FORMAT: 16}
MAX_SHEET_NAME = 31
PROGRESS_EVERY = 500  # rows


def _format_for(value: Any, column_format: str | None) -> str | None:
    if column_format:
        return column_format
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return INTEGER_FORMAT
    if isinstance(value, decimal.Decimal | float):
        return DECIMAL_FORMAT
    return None


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # Excel has no time zones: write the local wall-clock time.
        return timezone.make_naive(value)
    if value is not None and not isinstance(
        value, str | int | float | decimal.Decimal | datetime.date | datetime.time | bool
    ):
        return str(value)
    return value


def write_table(
    out: BinaryIO,
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    column_formats: Sequence[str | None] | dict[int, str] | None = None,
    sheet_name: str = "Báo cáo",
    column_widths: Sequence[float | None] | None = None,
    subtitle: str = "",
    progress: Callable[[int], None] | None = None,
    total: int | None = None,
) -> int:
    """Write one sheet: a bold title, an optional subtitle, a bold frozen header row, the rows.

    `column_formats` (per column, by position) takes "date", "datetime", "int", "decimal",
    "money", "text" or a raw Excel number format; without one a cell's format follows its
    value (dates dd/mm/yyyy, integers #,##0). `rows` may be a generator. When `progress` and
    `total` are given, progress(percent) is called every few hundred rows. Returns the number
    of data rows written.
    """
    headers = [str(header) for header in headers]
    width = len(headers)
    if isinstance(column_formats, dict):
        formats = [column_formats.get(i) for i in range(width)]
    else:
        formats = list(column_formats or []) + [None] * width
    formats = [NAMED_FORMATS.get(fmt, fmt) if fmt else None for fmt in formats[:width]]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_name))
    for index, header in enumerate(headers):
        given = column_widths[index] if column_widths and index < len(column_widths) else None
        default = max(len(header) + 4, DEFAULT_WIDTHS.get(formats[index], 14))
        sheet.column_dimensions[get_column_letter(index + 1)].width = given or default

    header_row = 4 if subtitle else 3
    # Sheet views are serialised with the first row: freeze before appending anything.
    sheet.freeze_panes = f"A{header_row + 1}"

    title_cell = WriteOnlyCell(sheet, value=str(title))
    title_cell.font = Font(bold=True, size=14)
    sheet.append([title_cell])
    if subtitle:
        subtitle_cell = WriteOnlyCell(sheet, value=str(subtitle))
        subtitle_cell.font = Font(italic=True)
        sheet.append([subtitle_cell])
    sheet.append([])

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", start_color="DDEBF7")
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = header_alignment
        header_cells.append(cell)
    sheet.append(header_cells)

    count = 0
    for row in rows:
        cells = []
        for index, raw in enumerate(row):
            value = _excel_value(raw)
            number_format = _format_for(value, formats[index] if index < width else None)
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
        if progress is not None and total and count % PROGRESS_EVERY == 0:
            progress(min(99, count * 100 // total))
    workbook.save(out)
    return count


def _sheet_title(name: str) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in str(name)).strip()
    return (cleaned or "Sheet")[:MAX_SHEET_NAME]
