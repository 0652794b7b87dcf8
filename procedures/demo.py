"""Demo catalogue: ~30 real national procedures (dichvucong.gov.vn snapshot, see
shared/data/README.md) as the Cần Thơ list, loaded through the same validation and apply path as
an Excel import. Online levels, some missing time limits and the agency assignment are
ILLUSTRATIVE (the national snapshot has none of them). Idempotent: a second run changes nothing.
"""

import datetime
import json
from pathlib import Path

from agencies.models import Agency

from . import importer, services
from .models import Procedure

# The demo subset of shared/data/procedures-real.json (records kept verbatim, with `source`).
DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_procedures.json"
CATALOGUE_DATE = datetime.date(2025, 7, 1)  # the two-level local government starts
HISTORY_DATE = datetime.date(2024, 1, 1)

SAME_DAY = "Trong ngày; nhận sau 15:00 thì trả trong ngày làm việc tiếp theo"
# code → overrides of the national record (time / unit / fee / online level)
DEMO: dict[str, dict] = {
    # Hộ tịch (commune)
    "1.001193": {"time": SAME_DAY, "online": "Một phần"},
    "1.000894": {"time": SAME_DAY, "online": "Một phần"},
    "1.000656": {"time": SAME_DAY, "online": "Một phần"},
    "1.001022": {"unit": "Ngày làm việc", "online": "Một phần"},
    "1.004837": {"online": "Một phần"},
    "1.004884": {"unit": "Ngày làm việc", "online": "Một phần"},
    "1.000419": {"online": "Cung cấp thông tin"},
    "1.003583": {"online": "Cung cấp thông tin"},
    "2.000806": {"unit": "Ngày làm việc", "online": "Một phần"},
    "2.000528": {"unit": "Ngày làm việc", "online": "Một phần"},
    # Chứng thực (commune)
    "2.000815": {
        "time": SAME_DAY,
        "fee": "2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản",
        "online": "Một phần",
    },
    "2.000884": {"time": SAME_DAY, "fee": "10.000 đồng/trường hợp", "online": "Cung cấp thông tin"},
    "2.001035": {
        "time": "2 Ngày làm việc",
        "fee": "50.000 đồng/giao dịch",
        "online": "Cung cấp thông tin",
    },
    "2.001019": {
        "time": "2 Ngày làm việc",
        "fee": "50.000 đồng/di chúc",
        "online": "Cung cấp thông tin",
    },
    "2.000908": {"online": "Một phần"},
    # Hộ kinh doanh (commune)
    "1.001612": {"time": "3 Ngày làm việc", "fee": "100.000 đồng/lần", "online": "Toàn trình"},
    "2.000720": {"unit": "Ngày làm việc", "online": "Toàn trình"},
    "1.001266": {"unit": "Ngày làm việc", "online": "Toàn trình"},
    "1.001570": {"unit": "Ngày làm việc", "online": "Toàn trình"},
    # Hoạt động xây dựng (commune)
    "1.013226": {"online": "Một phần"},
    "1.013227": {"online": "Một phần"},
    "1.013228": {"online": "Một phần"},
    # Đất đai (commune)
    "1.012753": {"online": "Một phần"},
    "1.012796": {"online": "Một phần"},
    "1.012812": {"online": "Cung cấp thông tin"},
    # Cư trú (commune)
    "1.004222": {"online": "Toàn trình"},
    "1.003197": {"online": "Toàn trình"},
    # Provincial
    "1.011442": {"online": "Toàn trình"},
    "1.011443": {"online": "Toàn trình"},
    "1.004122": {"online": "Một phần"},
    "1.001233": {"online": "Một phần"},
    "2.000587": {"online": "Một phần"},
    "1.008922": {"online": "Cung cấp thông tin"},
}
JUSTICE_FIELDS = {
    "Hộ tịch",
    "Chứng thực",
    "Trợ giúp pháp lý",
    "Thừa phát lại",
    "Công chứng",
    "Quốc tịch",
    "Nuôi con nuôi",
}
AGENCY_IDS = {
    "justice": "000.11.00.H13",
    "centre": "000.30.00.H13",
    "ninh_kieu": "000.40.01.H13",
    "cai_khe": "000.40.02.H13",
}


def national_rows(record: dict, *, overrides: dict | None = None, local_only=False) -> list[dict]:
    """One workbook row (column label → value) per case of a national JSON record."""
    overrides = overrides or {}
    levels = record["levels"]
    if local_only:
        levels = [lv for lv in levels if lv in ("Tỉnh", "Huyện", "Xã")]
    documents = []
    for doc in record["documents"]:
        name = doc["name"]
        if doc.get("originals") and not doc.get("copies"):
            name += " (bản chính)"
        elif doc.get("copies") and not doc.get("originals"):
            name += " (bản sao)"
        documents.append(name)
    rows = []
    names: list[str] = []
    for index, case in enumerate(record["cases"], start=1):
        name = case.get("name") or ""
        if len(record["cases"]) > 1 and not name:
            name = ", ".join(case.get("channels") or [])  # the portal has no case names
        if name in names:
            name = f"{name} ({index})" if name else f"Trường hợp {index}"
        names.append(name)
        rows.append(
            {
                "Mã TTHC": record["code"],
                "Tên TTHC": record["name"],
                "Lĩnh vực": record["field"],
                "Cấp thực hiện": "; ".join(levels),
                "Cơ quan thực hiện": overrides.get("agency", record.get("agency") or ""),
                "Trường hợp": name[:500],
                "Thời hạn giải quyết": overrides.get("time", case["time_limit"]),
                "Đơn vị thời gian": overrides.get("unit", case.get("time_unit") or ""),
                "Phí, lệ phí": overrides.get("fee", case.get("fee_text") or ""),
                "Mức độ DVC": overrides.get("online", record.get("online_level") or ""),
                "Thành phần hồ sơ": "\n".join(documents),
                "Trình tự thực hiện": record.get("steps") or "",
                "Căn cứ pháp lý": "\n".join(record.get("legal_basis") or []),
                "Kết quả": record.get("result") or "",
                "Quyết định công bố": record.get("decision") or "",
                "Hình thức": "",
            }
        )
    return rows


def parse_label_rows(rows: list[dict], *, first_row: int = 2) -> importer.ParsedWorkbook:
    """Rows keyed by column label (as in the workbook) → the importer's validation."""
    by_label = {c.label: c.key for c in importer.COLUMNS}
    keyed = []
    for offset, row in enumerate(rows):
        data = {by_label[k]: v for k, v in row.items() if k in by_label and v not in (None, "")}
        keyed.append((first_row + offset, data, []))
    return importer.parse_rows(keyed)


def load_records() -> dict[str, dict]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return {r["code"]: r for r in json.load(fh)}


def _agency_names() -> dict[str, str]:
    found = {
        a.electronic_id: a.name
        for a in Agency.objects.filter(electronic_id__in=AGENCY_IDS.values())
    }
    return {key: found[eid] for key, eid in AGENCY_IDS.items() if eid in found}


def demo_rows(records: dict[str, dict]) -> list[dict]:
    names = _agency_names()
    rows = []
    for code, overrides in DEMO.items():
        record = records.get(code)
        if record is None:
            continue
        overrides = dict(overrides)
        local = [lv for lv in record["levels"] if lv in ("Tỉnh", "Xã")]
        assigned = []
        if "Xã" in local:
            assigned += [names[k] for k in ("ninh_kieu", "cai_khe") if k in names]
        if "Tỉnh" in local:
            key = "justice" if record["field"] in JUSTICE_FIELDS else "centre"
            if key in names:
                assigned.append(names[key])
        if assigned:
            overrides["agency"] = "; ".join(assigned)
        rows.extend(national_rows(record, overrides=overrides, local_only=True))
    return rows


def seed(stdout=None) -> None:
    if not DATA_FILE.is_file():
        if stdout:
            stdout.write(f"procedures: {DATA_FILE} not found, skipped")
        return
    records = demo_rows(load_records())
    # One earlier version for two procedures, so that ?ngay=2024-… shows the history.
    history_codes = {"2.000720", "1.001193"}
    if not Procedure.objects.filter(code__in=history_codes).exists():
        older = []
        for row in records:
            if row["Mã TTHC"] in history_codes:
                row = dict(row)
                row["Cấp thực hiện"] = "Huyện"
                row["Thời hạn giải quyết"] = "3"
                row["Đơn vị thời gian"] = "Ngày làm việc"
                row["Mức độ DVC"] = "Mức độ 3"
                older.append(row)
        services.apply_import(
            parsed=parse_label_rows(older),
            decision_date=HISTORY_DATE,
            skip_invalid=True,
            reason="seed_demo",
        )
    plan = services.apply_import(
        parsed=parse_label_rows(records),
        decision_date=CATALOGUE_DATE,
        skip_invalid=True,
        reason="seed_demo",
    )
    if stdout:
        stdout.write(f"procedures: {plan.summary_line}")
        for error in plan.errors:
            stdout.write(f"  {error}")
