"""Excel workbook → validated procedure records. Pure: reads files, never touches the database.

`check_upload()` vets the file (size, .xlsx by name AND by content, password protection),
`read_workbook()` finds the header row, reads every row once (openpyxl read-only, formulas kept
so that a formula cell can be refused), and `parse_rows()` validates and groups rows by code.
Every problem is a `RowError(row, column, message)` in Vietnamese; file-level problems raise
`ImportFileError`. The column list below is the single source of truth for import, export and
the blank template.
"""

import datetime
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from core.text import fold

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_UNCOMPRESSED = 400 * 1024 * 1024
# A formula that reaches outside the workbook: an external workbook ("[1]Sheet!A1",
# "'[other.xlsx]Sheet'!A1"), a DDE call ("=cmd|'/c calc'!A0") or a function that fetches data.
EXTERNAL_FORMULA = re.compile(
    r"\[|\||\b(?:WEBSERVICE|FILTERXML|RTD|CALL|REGISTER\.ID|HYPERLINK|IMPORTXML|IMPORTDATA|DDE)\s*\(",
    re.IGNORECASE,
)
EXTERNAL_DEFINED_NAME = re.compile(rb"<(?:\w+:)?definedName\b[^>]*>[^<]*[\[|]", re.IGNORECASE)
HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã TTHC", True, 40, ("mathutuc", "mathutuchanhchinh", "ma")),
    Column("name", "Tên TTHC", True, 1000, ("tenthutuc", "tenthutuchanhchinh")),
    Column("field", "Lĩnh vực", True, 255),
    Column("levels", "Cấp thực hiện", True, 200),
    Column("agency", "Cơ quan thực hiện", False, 5000),
    Column("case", "Trường hợp", False, 500),
    Column("time", "Thời hạn giải quyết", True, 1000, ("thoihan",)),
    Column("time_unit", "Đơn vị thời gian", False, 50, ("donvitinh",)),
    Column("fee", "Phí, lệ phí", False, 10000, ("philephi", "phi", "lephi")),
    Column("online", "Mức độ DVC", False, 100, ("mucdo", "mucdodichvucong", "mucdodvctt")),
    Column("documents", "Thành phần hồ sơ", False, 32767),
    Column("steps", "Trình tự thực hiện", False, 32767),
    Column("legal", "Căn cứ pháp lý", False, 32767),
    Column("result", "Kết quả", False, 10000, ("ketquathuchien",)),
    Column("decision", "Quyết định công bố", False, 150),
    Column("action", "Hình thức", False, 50),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.label for c in COLUMNS]
# Columns that describe the whole version: every row of one code must agree on them.
VERSION_KEYS = ("name", "field", "levels", "agency", "steps", "legal", "result", "decision")


def header_key(text: Any) -> str:
    """Header matching ignores case, diacritics, spaces and punctuation."""
    return re.sub(r"[^0-9a-z]", "", fold(str(text or "")))


_HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    _HEADER_LOOKUP[header_key(_c.label)] = _c.key
    for _a in _c.aliases:
        _HEADER_LOOKUP.setdefault(_a, _c.key)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the administrator."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Dòng %(row)s, cột «%(col)s»: %(msg)s") % {
                "row": self.row,
                "col": self.column,
                "msg": self.message,
            }
        return _("Dòng %(row)s: %(msg)s") % {"row": self.row, "msg": self.message}


@dataclass
class DocumentRecord:
    name: str
    copy_type: str = ""
    mandatory: bool = True


@dataclass
class CaseRecord:
    row: int
    name: str
    time_value: Decimal
    time_unit: str
    same_day_cutoff: datetime.time | None = None
    resolved_on_spot: bool = False
    fee_amount: int | None = None
    fee_text: str = ""
    online_level: str = ""
    legacy_online_level: int | None = None
    documents: list[DocumentRecord] = dc_field(default_factory=list)


@dataclass
class ProcedureRecord:
    code: str
    rows: list[int]
    action: str = ""
    name: str = ""
    field: str = ""
    levels: tuple[str, ...] = ()
    agency_text: str = ""
    steps: str = ""
    legal_bases: list[str] = dc_field(default_factory=list)
    result: str = ""
    decision_number: str = ""
    decision_date: datetime.date | None = None
    cases: list[CaseRecord] = dc_field(default_factory=list)
    raw: dict = dc_field(default_factory=dict)


@dataclass
class ParsedWorkbook:
    records: list[ProcedureRecord]
    errors: list[RowError]
    data_rows: int = 0

    @property
    def invalid_rows(self) -> set[int]:
        return {e.row for e in self.errors}


# --- File checks --------------------------------------------------------------------------


def check_upload(fileobj, *, name: str, size: int, max_bytes: int) -> None:
    """Refuse anything that is not a plain .xlsx within the size limit, with one clear message."""
    if size > max_bytes:
        raise ImportFileError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": _mb(size), "limit": _mb(max_bytes)}
        )
    if size == 0:
        raise ImportFileError(_("Tệp rỗng."))
    pos = fileobj.tell() if hasattr(fileobj, "tell") else 0
    head = fileobj.read(8)
    fileobj.seek(pos)
    if head.startswith(OLE_SIGNATURE):
        data = fileobj.read()
        fileobj.seek(pos)
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise ImportFileError(
                _("Tệp được bảo vệ bằng mật khẩu. Hãy gỡ mật khẩu trong Excel rồi tải lại.")
            )
        raise ImportFileError(
            _("Tệp theo định dạng Excel cũ (.xls). Hãy mở bằng Excel và lưu thành .xlsx.")
        )
    if not name.lower().endswith(".xlsx"):
        raise ImportFileError(_("Chỉ nhận tệp Excel có đuôi .xlsx."))
    if not head.startswith(ZIP_SIGNATURE):
        raise ImportFileError(_("Tệp không phải bảng tính Excel .xlsx hợp lệ."))
    try:
        with zipfile.ZipFile(fileobj) as zf:
            names = set(zf.namelist())
            total = sum(i.file_size for i in zf.infolist())
            _check_external_links(zf, names)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("Tệp không phải bảng tính Excel .xlsx hợp lệ.")) from exc
    finally:
        fileobj.seek(pos)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(_("Tệp không phải bảng tính Excel .xlsx hợp lệ."))
    if total > MAX_UNCOMPRESSED:
        raise ImportFileError(_("Nội dung tệp sau khi giải nén quá lớn."))


def _external_link_error() -> ImportFileError:
    return ImportFileError(
        _(
            "Bảng tính có liên kết tới tệp hoặc nguồn dữ liệu bên ngoài. Hãy xóa các liên kết "
            "ngoài (Dữ liệu → Sửa liên kết → Ngắt liên kết), chỉ dán giá trị rồi tải lại."
        )
    )


def _check_external_links(zf: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse workbooks with external link parts, external relationships of the workbook or
    defined names that point into another workbook."""
    if any(
        n.lower().startswith(("xl/externallinks/", "xl/connections", "xl/querytables/"))
        for n in names
    ):
        raise _external_link_error()
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        info = zf.getinfo(rels)
        if info.file_size <= 1024 * 1024 and b'TargetMode="External"' in zf.read(rels):
            raise _external_link_error()
    info = zf.getinfo("xl/workbook.xml") if "xl/workbook.xml" in names else None
    if (
        info is not None
        and info.file_size <= 5 * 1024 * 1024
        and EXTERNAL_DEFINED_NAME.search(zf.read("xl/workbook.xml"))
    ):
        raise _external_link_error()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


# --- Reading the workbook -----------------------------------------------------------------

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def _merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of every merged range (read-only mode hides them)."""
    try:
        with ws.parent._archive.open(ws._worksheet_path) as src:
            xml = src.read()
    except (AttributeError, KeyError):
        return []
    return [
        (int(r1), _col_index(c1), int(r2), _col_index(c2))
        for c1, r1, c2, r2 in _MERGE_RE.findall(xml)
    ]


def read_workbook(fileobj) -> ParsedWorkbook:
    """Read the first worksheet: header row anywhere in the first rows, then one record per row."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("Không đọc được bảng tính: tệp hỏng hoặc sai định dạng.")) from exc
    try:
        if not wb.worksheets:
            raise ImportFileError(_("Bảng tính không có trang nào."))
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        merges = _merged_ranges(ws)
        # Vertical merges are filled down in their first column; a wide horizontal merge is a
        # section heading ("A. THỦ TỤC CẤP TỈNH") and its row is skipped.
        fill_from: dict[tuple[int, int], tuple[int, int]] = {}
        heading_rows: set[int] = set()
        for r1, c1, r2, c2 in merges:
            for r in range(r1 + 1, r2 + 1):
                fill_from[(r, c1)] = (r1, c1)
            if c2 - c1 >= 2:
                heading_rows.update(range(r1, r2 + 1))
        top_values: dict[tuple[int, int], Any] = {}
        wanted_tops = set(fill_from.values())

        header: dict[int, str] | None = None
        header_row = 0
        rows: list[tuple[int, dict[str, Any], list[RowError]]] = []
        for row_no, cells in enumerate(ws.iter_rows(min_row=1), start=1):
            values: dict[int, Any] = {}
            formulas: set[int] = set()
            for idx, cell in enumerate(cells, start=1):
                value = cell.value
                if value is None or value == "":
                    continue
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(idx)
                    if EXTERNAL_FORMULA.search(str(value)):
                        raise _external_link_error()
                values[idx] = value
                if (row_no, idx) in wanted_tops:
                    top_values[(row_no, idx)] = value
            for (r, c), src in fill_from.items():
                if r == row_no and c not in values and src in top_values:
                    values[c] = top_values[src]
            if header is None:
                if row_no > HEADER_SCAN_ROWS:
                    break
                found = {i: _HEADER_LOOKUP.get(header_key(v)) for i, v in values.items()}
                found = {i: k for i, k in found.items() if k}
                keys = set(found.values())
                if "code" in keys and len(keys) >= 3:
                    header, header_row = {}, row_no
                    for i, k in found.items():
                        if k not in header.values():
                            header[i] = k
                continue
            if row_no in heading_rows and len(values) <= 1:
                continue
            record: dict[str, Any] = {}
            errors: list[RowError] = []
            for i, key in header.items():
                if i in formulas:
                    errors.append(
                        RowError(
                            row_no,
                            COLUMN_BY_KEY[key].label,
                            _("Ô chứa công thức, hãy dán giá trị."),
                        )
                    )
                    continue
                if i in values:
                    record[key] = values[i]
            if not record and not errors:
                continue  # blank row (or only extra columns such as STT)
            rows.append((row_no, record, errors))
    finally:
        wb.close()
    if header is None:
        raise ImportFileError(
            _("Không tìm thấy dòng tiêu đề (cần có cột «Mã TTHC» và các cột bắt buộc).")
        )
    missing = [c.label for c in COLUMNS if c.required and c.key not in header.values()]
    if missing:
        raise ImportFileError(_("Thiếu cột bắt buộc: %(cols)s.") % {"cols": ", ".join(missing)})
    del header_row
    return parse_rows(rows)


# --- Cell parsers -------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """NFC, one space between words, no blank lines, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("_x000D_", "")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


class CellError(ValueError):
    pass


def parse_code(value: Any) -> str:
    if isinstance(value, bool | datetime.date | datetime.time):
        raise CellError(_("Mã TTHC không hợp lệ."))
    if isinstance(value, float | int):
        # A code typed as a number lost its text form; national codes are d.dddddd.
        text = f"{value:.6f}" if isinstance(value, float) else str(value)
    else:
        text = clean_text(value)
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.\-_]*", text):
        raise CellError(_("Mã TTHC không hợp lệ: «%(v)s».") % {"v": text[:60]})
    return text


LEVEL_WORDS = {
    "tinh": "province",
    "thanh pho": "province",
    "huyen": "district",
    "xa": "commune",
    "phuong": "commune",
    "dac khu": "commune",
}
LEVEL_ORDER = ("province", "district", "commune")
LEVEL_LABELS = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}


def parse_levels(value: Any) -> tuple[str, ...]:
    text = clean_text(value)
    found = set()
    for token in re.split(r"[;\n,]", text):
        key = fold(token).strip(" .")
        if not key:
            continue
        key = re.sub(r"^cap\s+", "", key)
        if key not in LEVEL_WORDS:
            raise CellError(
                _("Cấp thực hiện không hợp lệ: «%(v)s» (chỉ nhận Tỉnh, Huyện, Xã).")
                % {"v": token.strip()[:40]}
            )
        found.add(LEVEL_WORDS[key])
    if not found:
        raise CellError(_("Thiếu cấp thực hiện."))
    return tuple(k for k in LEVEL_ORDER if k in found)


UNIT_WORDS = (
    ("ngay lam viec", "working_day"),
    ("gio lam viec", "working_hour"),
    ("gio", "working_hour"),
    ("ngay", "calendar_day"),
)
UNIT_LABELS = {"working_day": "Ngày làm việc", "calendar_day": "Ngày", "working_hour": "Giờ"}


def _unit_from(text: str) -> str | None:
    for word, unit in UNIT_WORDS:
        if text.startswith(word):
            return unit
    return None


def parse_time(value: Any, unit_value: Any) -> tuple[Decimal, str, datetime.time | None, bool]:
    """→ (value, unit, same-day cutoff, resolved on the spot)."""
    unit_text = fold(clean_text(unit_value))
    column_unit = _unit_from(unit_text) if unit_text else None
    if unit_text and column_unit is None:
        raise CellError(_("Đơn vị thời gian không hợp lệ (Ngày làm việc / Ngày / Giờ)."))
    if isinstance(value, bool | datetime.date | datetime.time):
        raise CellError(_("Thời hạn giải quyết không hợp lệ."))
    if isinstance(value, int | float):
        number, text_unit, folded = Decimal(str(value)), None, ""
    else:
        text = clean_text(value)
        if not text:
            raise CellError(_("Thiếu thời hạn giải quyết."))
        folded = fold(text)
        on_spot = "giai quyet ngay" in folded or "khong ra phieu hen" in folded
        if on_spot or "trong ngay" in folded:
            cutoff = None
            m = re.search(r"sau (\d{1,2})(?:\s*(?::|h|gio)\s*(\d{2})?)?", folded)
            if m and int(m.group(1)) < 24 and int(m.group(2) or 0) < 60:
                cutoff = datetime.time(int(m.group(1)), int(m.group(2) or 0))
            return Decimal(0), "working_day", cutoff, on_spot
        m = re.search(r"(\d+(?:[.,]\d+)?)", folded)
        if not m:
            raise CellError(
                _("Thời hạn giải quyết không hợp lệ: «%(v)s» (cần một số, ví dụ 7 hoặc 0,5).")
                % {"v": text[:60]}
            )
        try:
            number = Decimal(m.group(1).replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the regex only lets digits through
            raise CellError(_("Thời hạn giải quyết không hợp lệ.")) from exc
        rest = folded[m.end() :].strip()
        text_unit = _unit_from(rest) if rest else None
        if rest and text_unit is None and not rest.startswith("("):
            raise CellError(
                _("Đơn vị trong thời hạn không hợp lệ: «%(v)s» (Ngày làm việc / Ngày / Giờ).")
                % {"v": text[:60]}
            )
    unit = text_unit or column_unit
    if unit is None:
        raise CellError(_("Thời hạn là một số: cần ghi cột «Đơn vị thời gian»."))
    if number < 0 or number >= 100000 or number != number.quantize(Decimal("0.01")):
        raise CellError(_("Thời hạn giải quyết không hợp lệ."))
    return number, unit, None, False


_AMOUNT_RE = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:d\b|dong|vnd|viet nam dong)")
_BARE_AMOUNT_RE = re.compile(r"\d{1,3}(?:[.,]\d{3})+|\d+")


def parse_fee(value: Any) -> tuple[int | None, str]:
    """→ (amount in đồng when it is a number, description text)."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, bool | datetime.date | datetime.time):
        raise CellError(_("Phí, lệ phí không hợp lệ."))
    if isinstance(value, int | float):
        if value < 0 or not float(value).is_integer():
            raise CellError(_("Phí, lệ phí phải là số đồng nguyên, không âm."))
        return int(value), ""
    text = clean_text(value)
    folded = fold(text)
    if _BARE_AMOUNT_RE.fullmatch(folded):
        return int(re.sub(r"[.,]", "", folded)), ""
    if folded.startswith(("khong", "mien phi", "mien le phi", "mien")):
        return 0, text
    m = _AMOUNT_RE.search(folded)
    if m:
        return int(re.sub(r"[.,]", "", m.group(1))), text
    return None, text


def parse_online(value: Any) -> tuple[str, int | None]:
    if value is None or value == "":
        return "", None
    folded = fold(clean_text(value))
    if "toan trinh" in folded:
        return "full", None
    if "mot phan" in folded:
        return "partial", None
    if "thong tin" in folded:
        return "info", None
    m = re.fullmatch(r"(?:muc do|md|muc)?\s*([1-4])", folded)
    if m:
        legacy = int(m.group(1))
        return {4: "full", 3: "partial"}.get(legacy, "info"), legacy
    raise CellError(
        _("Mức độ DVC không hợp lệ (Toàn trình / Một phần / Cung cấp thông tin / Mức độ 2–4).")
    )


COPY_MARKERS = {
    "ban chinh": "original",
    "ban sao co chung thuc": "certified",
    "ban sao chung thuc": "certified",
    "ban sao": "copy",
    "ban photo": "photo",
    "ban chup": "photo",
}
COPY_LABELS = {
    "original": "bản chính",
    "certified": "bản sao có chứng thực",
    "copy": "bản sao",
    "photo": "bản photo",
}
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


def parse_documents(value: Any) -> list[DocumentRecord]:
    docs = []
    for line in _lines(clean_text(value)):
        copy_type, mandatory, name = "", True, line
        while True:
            m = _TRAILING_PAREN.search(name)
            if not m:
                break
            inner = fold(m.group(1))
            if inner in COPY_MARKERS and not copy_type:
                copy_type = COPY_MARKERS[inner]
            elif inner == "khong bat buoc" and mandatory:
                mandatory = False
            else:
                break
            name = name[: m.start()]
        name = name.strip()
        if name:
            docs.append(DocumentRecord(name=name, copy_type=copy_type, mandatory=mandatory))
    return docs


def parse_decision(value: Any) -> tuple[str, datetime.date | None]:
    text = clean_text(value).replace("\n", " ")
    if not text:
        return "", None
    date = None
    m = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        try:
            date = datetime.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError as exc:
            raise CellError(_("Ngày của quyết định công bố không hợp lệ.")) from exc
    number = re.split(r"\s+ng[àa]y\b|,", text, maxsplit=1, flags=re.IGNORECASE)[0].strip()
    if not number or len(number) > 100:
        raise CellError(_("Số quyết định công bố không hợp lệ."))
    return number, date


ACTIONS = {
    "moi ban hanh": "new",
    "moi": "new",
    "ban hanh moi": "new",
    "sua doi, bo sung": "amended",
    "sua doi bo sung": "amended",
    "sua doi": "amended",
    "bo sung": "amended",
    "thay the": "replaced",
    "bai bo": "abolished",
}
ACTION_LABELS = {
    "new": "Mới ban hành",
    "amended": "Sửa đổi, bổ sung",
    "replaced": "Thay thế",
    "abolished": "Bãi bỏ",
}


def parse_action(value: Any) -> str:
    folded = fold(clean_text(value)).strip(" .")
    if not folded:
        return ""
    if folded not in ACTIONS:
        raise CellError(
            _("Hình thức không hợp lệ (Mới ban hành / Sửa đổi, bổ sung / Thay thế / Bãi bỏ).")
        )
    return ACTIONS[folded]


# --- Rows → records -----------------------------------------------------------------------


def _check_length(row_no: int, key: str, value: Any, errors: list[RowError]) -> None:
    col = COLUMN_BY_KEY[key]
    if col.max_length and isinstance(value, str) and len(value) > col.max_length:
        errors.append(
            RowError(
                row_no,
                col.label,
                _("Quá dài (%(n)s ký tự; tối đa %(max)s).")
                % {"n": len(value), "max": col.max_length},
            )
        )


def _parse_row(row_no: int, data: dict[str, Any], errors: list[RowError]) -> dict | None:
    """One row → a dict of parsed values (None if its code is unusable)."""
    for key, value in data.items():
        if isinstance(value, datetime.datetime | datetime.date | datetime.time) and key not in (
            "decision",
        ):
            errors.append(
                RowError(row_no, COLUMN_BY_KEY[key].label, _("Ô chứa ngày tháng, cần văn bản."))
            )
    if errors:
        code = data.get("code")
        try:
            return {"code": parse_code(code)} if code not in (None, "") else None
        except CellError:
            return None
    out: dict[str, Any] = {}
    for key, value in data.items():
        _check_length(row_no, key, clean_text(value) if isinstance(value, str) else value, errors)

    def attempt(key, fn, *args):
        try:
            return fn(*args)
        except CellError as exc:
            errors.append(RowError(row_no, COLUMN_BY_KEY[key].label, str(exc)))
            return None

    raw_code = data.get("code")
    if raw_code in (None, ""):
        errors.append(RowError(row_no, COLUMN_BY_KEY["code"].label, _("Thiếu mã TTHC.")))
        return None
    out["code"] = attempt("code", parse_code, raw_code)
    if out["code"] is None:
        return None
    out["action"] = attempt("action", parse_action, data.get("action")) or ""
    for key in ("name", "field", "agency", "steps", "result"):
        out[key] = clean_text(data.get(key))
    out["legal"] = _lines(clean_text(data.get("legal")))
    out["levels"] = (
        attempt("levels", parse_levels, data.get("levels"))
        if data.get("levels") not in (None, "")
        else ()
    )
    decision = attempt("decision", parse_decision, data.get("decision"))
    out["decision"] = decision or ("", None)
    out["case"] = clean_text(data.get("case")).replace("\n", " ")
    if out["action"] != "abolished":
        if data.get("time") in (None, ""):
            errors.append(
                RowError(row_no, COLUMN_BY_KEY["time"].label, _("Thiếu thời hạn giải quyết."))
            )
        else:
            out["time"] = attempt("time", parse_time, data.get("time"), data.get("time_unit"))
        out["fee"] = attempt("fee", parse_fee, data.get("fee"))
        out["online"] = attempt("online", parse_online, data.get("online"))
        out["documents"] = parse_documents(data.get("documents"))
    return out


def parse_rows(rows: Iterable[tuple[int, dict[str, Any], list[RowError]]]) -> ParsedWorkbook:
    """Validate rows (row number, {column key: cell value}, errors so far) and group by code."""
    errors: list[RowError] = []
    groups: dict[str, list[tuple[int, dict]]] = {}
    bad_codes: dict[str, int] = {}
    data_rows = 0
    for row_no, data, row_errors in rows:
        data_rows += 1
        row_errors = list(row_errors)
        parsed = _parse_row(row_no, data, row_errors)
        errors.extend(row_errors)
        if parsed is None:
            continue
        groups.setdefault(parsed["code"], []).append((row_no, parsed))
        if row_errors:
            bad_codes.setdefault(parsed["code"], row_no)

    records: list[ProcedureRecord] = []
    for code, items in groups.items():
        group_errors: list[RowError] = []
        first_row = items[0][0]
        merged: dict[str, Any] = {}
        source_row: dict[str, int] = {}
        for row_no, parsed in items:
            if code in bad_codes:
                break
            for key in (*VERSION_KEYS, "action"):
                value = parsed.get(key)
                if value in (None, "", (), [], ("", None)):
                    continue
                if key not in merged:
                    merged[key], source_row[key] = value, row_no
                elif merged[key] != value:
                    label = COLUMN_BY_KEY[key].label
                    group_errors.append(
                        RowError(
                            row_no,
                            label,
                            _("Khác với dòng %(other)s của cùng mã TTHC %(code)s.")
                            % {"other": source_row[key], "code": code},
                        )
                    )
        action = merged.get("action", "")
        record = ProcedureRecord(code=code, rows=[r for r, _p in items], action=action)
        if code not in bad_codes:
            if action != "abolished":
                for key in ("name", "field", "levels"):
                    if key not in merged:
                        group_errors.append(
                            RowError(
                                first_row,
                                COLUMN_BY_KEY[key].label,
                                _("Thiếu %(col)s.") % {"col": COLUMN_BY_KEY[key].label},
                            )
                        )
            seen_cases: dict[str, int] = {}
            for row_no, parsed in items:
                if action == "abolished":
                    break
                case_name = parsed.get("case", "")
                if case_name in seen_cases:
                    group_errors.append(
                        RowError(
                            row_no,
                            COLUMN_BY_KEY["case"].label
                            if case_name
                            else COLUMN_BY_KEY["code"].label,
                            _("Trùng mã TTHC %(code)s và trường hợp với dòng %(other)s.")
                            % {"code": code, "other": seen_cases[case_name]},
                        )
                    )
                    continue
                seen_cases[case_name] = row_no
                if "time" not in parsed or parsed.get("time") is None:
                    continue
                value, unit, cutoff, on_spot = parsed["time"]
                fee_amount, fee_text = parsed.get("fee") or (None, "")
                online, legacy = parsed.get("online") or ("", None)
                record.cases.append(
                    CaseRecord(
                        row=row_no,
                        name=case_name,
                        time_value=value,
                        time_unit=unit,
                        same_day_cutoff=cutoff,
                        resolved_on_spot=on_spot,
                        fee_amount=fee_amount,
                        fee_text=fee_text,
                        online_level=online,
                        legacy_online_level=legacy,
                        documents=parsed.get("documents") or [],
                    )
                )
        errors.extend(group_errors)
        if code in bad_codes or group_errors:
            bad_row = bad_codes.get(code) or group_errors[0].row
            flagged = {e.row for e in errors}
            for row_no, _p in items:
                if row_no not in flagged:
                    errors.append(
                        RowError(
                            row_no,
                            "",
                            _("Bỏ qua vì dòng %(row)s cùng mã TTHC %(code)s bị lỗi.")
                            % {"row": bad_row, "code": code},
                        )
                    )
            continue
        record.name = merged.get("name", "")
        record.field = merged.get("field", "")
        record.levels = merged.get("levels", ())
        record.agency_text = merged.get("agency", "")
        record.steps = merged.get("steps", "")
        record.legal_bases = merged.get("legal", [])
        record.result = merged.get("result", "")
        record.decision_number, record.decision_date = merged.get("decision", ("", None))
        records.append(record)
    errors.sort(key=lambda e: (e.row, e.column))
    return ParsedWorkbook(records=records, errors=errors, data_rows=data_rows)


# --- Formatting (export and template share it, so that export → import is a no-op) ------------


def format_decimal(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def format_time_cell(case) -> str:
    """The «Thời hạn giải quyết» cell for a case (model instance or CaseRecord)."""
    if case.time_value == 0:
        parts = ["Trong ngày"]
        if case.same_day_cutoff:
            parts.append(
                f"nhận sau {case.same_day_cutoff:%H:%M} thì trả trong ngày làm việc tiếp theo"
            )
        if case.resolved_on_spot:
            parts.append("giải quyết ngay, không ra phiếu hẹn")
        return "; ".join(parts)
    return format_decimal(case.time_value)


def format_documents(documents: Iterable) -> str:
    lines = []
    for doc in documents:
        line = doc.name
        if doc.copy_type:
            line += f" ({COPY_LABELS[doc.copy_type]})"
        if not doc.mandatory:
            line += " (không bắt buộc)"
        lines.append(line)
    return "\n".join(lines)


def format_online(level: str, legacy: int | None) -> str:
    if legacy:
        return f"Mức độ {legacy}"
    return {"full": "Toàn trình", "partial": "Một phần", "info": "Cung cấp thông tin"}.get(
        level, ""
    )
