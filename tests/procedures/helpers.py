"""Workbook builders for the procedure import tests."""

import datetime
import gzip
import io
import json
from pathlib import Path

import openpyxl

from procedures.importer import HEADERS

REAL_DATA = Path(__file__).parent / "data" / "procedures-real.json.gz"


def row(code="1.001193", **values) -> dict:
    """One valid row (column label → value); keyword names use the column keys."""
    base = {
        "Mã TTHC": code,
        "Tên TTHC": "Đăng ký khai sinh",
        "Lĩnh vực": "Hộ tịch",
        "Cấp thực hiện": "Xã",
        "Cơ quan thực hiện": "",
        "Trường hợp": "",
        "Thời hạn giải quyết": "07 ngày làm việc",
        "Đơn vị thời gian": "",
        "Phí, lệ phí": "Không",
        "Mức độ DVC": "Một phần",
        "Thành phần hồ sơ": "Tờ khai đăng ký khai sinh (bản chính)\nGiấy chứng sinh (bản chính)",
        "Trình tự thực hiện": "Nộp hồ sơ\nTiếp nhận và trả kết quả",
        "Căn cứ pháp lý": "Luật Hộ tịch 2014\nNghị định 123/2015/NĐ-CP",
        "Kết quả": "Giấy khai sinh",
        "Quyết định công bố": "",
        "Hình thức": "",
    }
    keys = {
        "name": "Tên TTHC",
        "field": "Lĩnh vực",
        "levels": "Cấp thực hiện",
        "agency": "Cơ quan thực hiện",
        "case": "Trường hợp",
        "time": "Thời hạn giải quyết",
        "unit": "Đơn vị thời gian",
        "fee": "Phí, lệ phí",
        "online": "Mức độ DVC",
        "documents": "Thành phần hồ sơ",
        "steps": "Trình tự thực hiện",
        "legal": "Căn cứ pháp lý",
        "result": "Kết quả",
        "decision": "Quyết định công bố",
        "action": "Hình thức",
    }
    for key, value in values.items():
        base[keys.get(key, key)] = value
    return base


def make_xlsx(
    rows,
    *,
    headers=None,
    before=(),
    merges=(),
    formulas=None,
    blank_rows_after=(),
) -> bytes:
    """rows: dicts keyed by header label. `before`: lines above the header (title rows)."""
    headers = list(headers or HEADERS)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    for line in before:
        ws.append(list(line))
    ws.append(headers)
    for i, data in enumerate(rows):
        ws.append([data.get(h) for h in headers])
        if i in blank_rows_after:
            ws.append([])
    for ref in merges:
        ws.merge_cells(ref)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def real_records() -> list[dict]:
    with gzip.open(REAL_DATA, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def generated_rows(n: int, *, start: int = 0, prefix: str = "9") -> list[dict]:
    """n distinct valid procedures with two cases each every tenth row."""
    out = []
    for i in range(start, start + n):
        code = f"{prefix}.{i:06d}"
        out.append(
            row(
                code,
                name=f"Thủ tục thử nghiệm số {i} cấp giấy phép",
                field=f"Lĩnh vực {i % 40}",
                levels="Tỉnh; Xã" if i % 3 else "Xã",
                time=str(1 + i % 20),
                unit="Ngày làm việc",
                fee=f"{(i % 5) * 10000}",
                online=["Toàn trình", "Một phần", "Cung cấp thông tin"][i % 3],
                decision="",
            )
        )
    return out


TODAY = datetime.date(2026, 3, 15)


def with_totp(user):
    """Give a staff user an active TOTP authenticator (the 2FA middleware requires one)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user
