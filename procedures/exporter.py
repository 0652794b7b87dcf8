"""Catalogue → workbook in the import format (so that export → import reports no change)."""

from collections.abc import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from .importer import (
    COLUMNS,
    HEADERS,
    LEVEL_LABELS,
    UNIT_LABELS,
    format_documents,
    format_online,
    format_time_cell,
)

WIDTHS = {"code": 12, "name": 50, "field": 24, "case": 30, "documents": 60, "steps": 60}
EXCEL_CELL_LIMIT = 32767

INSTRUCTIONS = [
    "Mỗi dòng là một trường hợp của một thủ tục; nhiều dòng cùng Mã TTHC = nhiều trường hợp.",
    "Cột bắt buộc: Mã TTHC, Tên TTHC, Lĩnh vực, Cấp thực hiện, Thời hạn giải quyết.",
    "Tiêu đề cột được nhận bất kể chữ hoa/thường, dấu, khoảng trắng và thứ tự; cột thừa bị bỏ qua.",
    "Mã TTHC nhập dạng văn bản (ví dụ 1.001193).",
    "Cấp thực hiện: Tỉnh / Huyện / Xã, nhiều cấp cách nhau bằng dấu ; hoặc xuống dòng.",
    "Thời hạn giải quyết: số (7 hoặc 0,5) kèm cột Đơn vị thời gian (Ngày làm việc / Ngày / Giờ), "
    "hoặc văn bản như «07 ngày làm việc», «15 ngày», «4 giờ», «Trong ngày; nhận sau 15:00 thì trả "
    "trong ngày làm việc tiếp theo», «Giải quyết ngay, không ra phiếu hẹn».",
    "Phí, lệ phí: Không, một số (50000) hoặc văn bản có số tiền (50.000 đồng/hồ sơ).",
    "Mức độ DVC: Toàn trình / Một phần / Cung cấp thông tin, hoặc Mức độ 2/3/4 (cũ).",
    "Thành phần hồ sơ, Căn cứ pháp lý: mỗi dòng một mục; giấy tờ có thể kết thúc bằng "
    "(bản chính) / (bản sao) / (bản sao có chứng thực) / (bản photo) / (không bắt buộc).",
    "Hình thức: Mới ban hành / Sửa đổi, bổ sung / Thay thế / Bãi bỏ; để trống = mới hoặc giữ nguyên.",
    "Không dùng công thức: hãy dán giá trị. Không đặt mật khẩu cho tệp.",
]


def _levels(version) -> str:
    keys = [
        k
        for k, flag in (
            ("province", version.at_province),
            ("district", version.at_district),
            ("commune", version.at_commune),
        )
        if flag
    ]
    return "; ".join(LEVEL_LABELS[k] for k in keys)


def _decision(version) -> str:
    decision = version.announcement
    if decision is None:
        return ""
    if decision.date:
        return f"{decision.number} ngày {decision.date:%d/%m/%Y}"
    return decision.number


def version_rows(version) -> list[list]:
    """Workbook rows (in HEADERS order) for one version; needs the detail prefetch."""
    common = {
        "code": version.procedure.code,
        "name": version.name,
        "field": version.field.name,
        "levels": _levels(version),
        "agency": version.agency_text,
        "steps": version.steps,
        "legal": "\n".join(b.title for b in version.legal_bases.all()),
        "result": version.result,
        "decision": _decision(version),
        "action": "",
    }
    rows = []
    for case in version.cases.all():
        values = dict(common)
        values.update(
            {
                "case": case.name,
                "time": format_time_cell(case),
                "time_unit": "" if case.time_value == 0 else UNIT_LABELS[case.time_unit],
                "fee": case.fee_text if case.fee_text else case.fee_amount,
                "online": format_online(case.online_level, case.legacy_online_level),
                "documents": format_documents(case.documents.all()),
            }
        )
        rows.append([values.get(c.key) for c in COLUMNS])
    return rows


def _header_cells(ws):
    cells = []
    for label in HEADERS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def write_catalogue(
    out, versions: Iterable, *, total: int = 0, progress: Callable[[int], None] | None = None
) -> int:
    """Write the import-format workbook to the binary file `out`; returns the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh mục TTHC")
    for index, column in enumerate(COLUMNS):
        letter = chr(ord("A") + index)
        ws.column_dimensions[letter].width = WIDTHS.get(column.key, 18)
    ws.freeze_panes = "A2"
    ws.append(_header_cells(ws))
    count = 0
    for i, version in enumerate(versions, start=1):
        for values in version_rows(version):
            ws.append([v[:EXCEL_CELL_LIMIT] if isinstance(v, str) else v for v in values])
            count += 1
        if progress and total and i % 50 == 0:
            progress(min(95, int(i * 95 / total)))
    _instructions(wb)
    wb.save(out)
    return count


def _instructions(wb) -> None:
    ws = wb.create_sheet("Hướng dẫn")
    ws.column_dimensions["A"].width = 120
    for line in INSTRUCTIONS:
        ws.append([line])


def write_template(out) -> None:
    """The blank workbook offered on the upload page: header row + one example row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh mục TTHC")
    for index, column in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + index)].width = WIDTHS.get(column.key, 18)
    ws.append(_header_cells(ws))
    _instructions(wb)
    wb.save(out)
