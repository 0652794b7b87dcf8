"""XLSX writing with openpyxl's write-only mode: constant memory whatever the number of rows."""

import datetime
import decimal
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import is_date_format
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
    value (dates dd/mm/yyyy, integers #,##0). None and "" leave the cell empty; text starting
    with "=" is written as text, never as a formula. `rows` may be a generator. When `progress`
    and `total` are given, progress(percent) is called every few hundred rows. Returns the
    number of data rows written.
    """
    headers = [str(header) for header in headers]
    width = len(headers)
    if isinstance(column_formats, dict):
        formats = [column_formats.get(i) for i in range(width)]
    else:
        formats = list(column_formats or []) + [None] * width
    formats = [NAMED_FORMATS.get(fmt, fmt) if fmt else None for fmt in formats[:width]]
    formats = [None if fmt == "General" else fmt for fmt in formats]

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

    convert = _Converter(sheet, formats)
    append = sheet.append
    count = 0
    for row in rows:
        append(convert(row))
        count += 1
        if progress is not None and total and count % PROGRESS_EVERY == 0:
            progress(min(99, count * 100 // total))
    workbook.save(out)
    return count


class _Converter:
    """Turns a row of Python values into what the write-only sheet appends, cheaply.

    openpyxl's write-only sheet serialises each appended row before `append` returns, so one
    styled cell per column and number format is created once and reused for every row (instead
    of a WriteOnlyCell, a style array and a number-format lookup per cell). Values and formats
    are exactly those `_excel_value` and `_format_for` give.
    """

    def __init__(self, sheet, formats: Sequence[str | None]):
        self.sheet = sheet
        self.formats = list(formats)
        self.width = len(self.formats)
        self.cells: dict[tuple[int, str], tuple[Cell, bool]] = {}
        self.timezone = timezone.get_current_timezone()

    def _cell(self, index: int, number_format: str, value: Any) -> Cell:
        key = (index, number_format)
        try:
            cell, for_dates = self.cells[key]
        except KeyError:
            cell = _SharedCell(self.sheet, row=1, column=1)
            cell.number_format = number_format
            for_dates = is_date_format(number_format)
            self.cells[key] = cell, for_dates
        if not for_dates and type(value) in _DATE_TYPES:
            # binding a date would replace a non-date format on the shared cell
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = number_format
            return cell
        cell.value = value
        if cell.data_type == "f":
            cell.data_type = "s"  # see _text_cell
        return cell

    def __call__(self, row: Sequence[Any]) -> list[Any]:
        formats, width, tz = self.formats, self.width, self.timezone
        cells = []
        append = cells.append
        for index, value in enumerate(row):
            if value is None:
                append(None)
                continue
            kind = type(value)
            if kind is str:
                if not value:
                    append(None)
                    continue
            elif kind is datetime.datetime:
                if value.utcoffset() is not None:
                    # Excel has no time zones: write the local wall-clock time.
                    value = value.astimezone(tz).replace(tzinfo=None)
            elif kind not in _PLAIN_TYPES:
                value = _excel_value(value)
                if value == "":
                    append(None)
                    continue
                kind = type(value)
            number_format = formats[index] if index < width else None
            if number_format is None:
                number_format = _INFERRED_FORMATS.get(kind, _UNKNOWN)
                if number_format is _UNKNOWN:
                    number_format = _format_for(value, None)
            if number_format is not None:
                append(self._cell(index, number_format, value))
            elif isinstance(value, str) and value.startswith("="):
                append(_text_cell(self.sheet, value))
            else:
                append(value)
        return cells


class _SharedCell(Cell):
    """A styled cell reused row after row. The write-only sheet tries each appended item as a
    value first and formats the repr of a cell into an error message it then discards: keep
    that repr cheap (the default one builds the coordinate), as it runs for every styled cell."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<shared cell>"


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """Text typed by users is never a formula (formula injection): "=..." stays a string."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


_PLAIN_TYPES = frozenset({str, int, float, decimal.Decimal, bool, datetime.date, datetime.time})
_UNKNOWN = object()
_DATE_TYPES = frozenset({datetime.datetime, datetime.date, datetime.time, datetime.timedelta})
_INFERRED_FORMATS = {
    datetime.datetime: DATETIME_FORMAT,
    datetime.date: DATE_FORMAT,
    int: INTEGER_FORMAT,
    float: DECIMAL_FORMAT,
    decimal.Decimal: DECIMAL_FORMAT,
    str: None,
    bool: None,
    datetime.time: None,
}


def _sheet_title(name: str) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in str(name)).strip()
    return (cleaned or "Sheet")[:MAX_SHEET_NAME]
