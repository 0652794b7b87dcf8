"""Criteria sets to and from XLSX. Import is all-or-nothing: every row is checked, the tree is
built in memory and its totals checked; any error → nothing saved and a list of row errors.

Columns (the header row is matched by its Vietnamese labels, in this order):
Mã | Tên tiêu chí | Điểm tối đa | Cách tính điểm | Các bậc tỷ lệ | Điểm mỗi đơn vị |
Điểm sàn | Điểm tối đa khác tổng con | Nhóm điểm thưởng | Bắt buộc TLKC | Hướng dẫn chấm điểm |
Yêu cầu TLKC | Chỉ số tự động | Tham số chỉ số
The parent of "3.2.1" is "3.2" (by code); "Cách tính điểm" takes the Vietnamese label or the key.
"""

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

HEADERS = [
    "Mã",
    "Tên tiêu chí",
    "Điểm tối đa",
    "Cách tính điểm",
    "Các bậc tỷ lệ",
    "Điểm mỗi đơn vị",
    "Điểm sàn",
    "Điểm tối đa khác tổng con",
    "Nhóm điểm thưởng",
    "Bắt buộc TLKC",
    "Hướng dẫn chấm điểm",
    "Yêu cầu TLKC",
    "Chỉ số tự động",
    "Tham số chỉ số",
]
YES = {"có", "x", "1", "true", "yes"}
NO = {"", "không", "0", "false", "no"}
MAX_ROWS = 2000


MAX_TIER_POINTS = Decimal(10**6)


def parse_tiers(text: str) -> list[list[str]]:
    """ "100%=6; 98%=4; 0%=0" → [["1", "6"], ["0.98", "4"], ["0", "0"]]."""
    text = (text or "").strip()
    if not text:
        return []
    result = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(
                _("Bậc “%(p)s” phải có dạng tỷ lệ%%=điểm, ví dụ 80%%=3.") % {"p": part}
            )
        left, right = (s.strip() for s in part.split("=", 1))
        try:
            pct = Decimal(left.rstrip("%").strip().replace(",", "."))
            points = Decimal(right.replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(
                _("Bậc “%(p)s” phải có dạng tỷ lệ%%=điểm, ví dụ 80%%=3.") % {"p": part}
            ) from exc
        # NaN breaks the comparisons below and 1E+999999 would be written out in full
        if not (pct.is_finite() and points.is_finite() and abs(points) < MAX_TIER_POINTS):
            raise ValueError(
                _("Bậc “%(p)s” phải có dạng tỷ lệ%%=điểm, ví dụ 80%%=3.") % {"p": part}
            )
        if pct < 0 or pct > 100:
            raise ValueError(_("Tỷ lệ trong bậc “%(p)s” phải từ 0%% đến 100%%.") % {"p": part})
        ratio = (pct / 100).normalize()
        result.append([format(ratio, "f"), format(points.normalize(), "f")])
    return result


def format_tiers(tiers) -> str:
    parts = []
    for minimum, points in tiers or []:
        pct = (Decimal(str(minimum)) * 100).normalize()
        parts.append(f"{format(pct, 'f')}%={format(Decimal(str(points)).normalize(), 'f')}")
    return "; ".join(parts)


def _bool_text(value: bool) -> str:
    return "Có" if value else "Không"


def export_rows(criteria_set) -> list[list]:
    from . import tree

    rows = []
    for node in tree.walk(tree.load(criteria_set)):
        c = node.criterion
        rows.append(
            [
                c.code,
                c.name,
                float(c.max_points),
                c.get_rule_type_display() if node.is_leaf else "",
                format_tiers(c.tiers),
                float(c.unit_points) if c.unit_points is not None else None,
                float(c.floor_points) if c.floor_points is not None else None,
                _bool_text(c.max_differs_from_children),
                _bool_text(c.is_bonus),
                _bool_text(c.evidence_required),
                c.guidance,
                c.evidence_guidance,
                c.metric or "",
                json.dumps(c.metric_params, ensure_ascii=False) if c.metric_params else "",
            ]
        )
    return rows


def export_xlsx(criteria_set, out) -> str:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bo tieu chi"
    sheet.append(HEADERS)
    for row in export_rows(criteria_set):
        sheet.append(row)
    for letter, width in zip(
        "ABCDEFGHIJKLMN", [10, 60, 10, 28, 24, 12, 10, 12, 12, 10, 40, 40, 20, 20], strict=True
    ):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.save(out)
    return f"bo-tieu-chi-{criteria_set.year}-{criteria_set.target_group}.xlsx"


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return _("Dòng %(row)s: %(msg)s") % {"row": self.row, "msg": self.message}


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value, *, row, label, errors, required=False):
    text = _text(value).replace(",", ".")
    if not text:
        if required:
            errors.append(RowError(row, _("thiếu “%(c)s”.") % {"c": label}))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(
            RowError(row, _("“%(c)s” không phải là số (%(v)s).") % {"c": label, "v": text})
        )
        return None
    # the bound first: quantize() of a number beyond the context precision raises
    if (
        not number.is_finite()
        or abs(number) >= 100000
        or number != number.quantize(Decimal("0.01"))
    ):
        errors.append(RowError(row, _("“%(c)s” không hợp lệ (%(v)s).") % {"c": label, "v": text}))
        return None
    return number


def _no_constant(name):
    raise ValueError(name)


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def loads_params(text: str):
    """json.loads for metric parameters, refusing what PostgreSQL's jsonb cannot store (NaN,
    Infinity, 1e999). Raises ValueError (bad JSON, huge integers) or RecursionError (deep
    nesting)."""
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)


def _flag(value, *, row, label, errors) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    errors.append(RowError(row, _("“%(c)s” chỉ nhận Có hoặc Không.") % {"c": label}))
    return False


def read_rows(file) -> tuple[list[dict], list[RowError]]:
    """Parse and check every row; nothing is written."""
    from openpyxl import load_workbook

    from .models import Criterion, Metric, RuleType

    errors: list[RowError] = []
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFailed([RowError(1, _("Không đọc được tệp Excel."))]) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, [])][: len(HEADERS)]
    if [h.lower() for h in header] != [h.lower() for h in HEADERS]:
        raise ImportFailed(
            [RowError(1, _("Tiêu đề cột không đúng mẫu. Cần: %(h)s.") % {"h": " | ".join(HEADERS)})]
        )
    rule_by_text = {}
    for value, label in RuleType.choices:
        rule_by_text[value] = value
        rule_by_text[str(label).lower()] = value
    metrics = {m.value for m in Metric}
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    code_re = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
    for index, values in enumerate(rows, start=2):
        values = list(values or []) + [None] * len(HEADERS)
        if all(_text(v) == "" for v in values[: len(HEADERS)]):
            continue
        if len(parsed) >= MAX_ROWS:
            errors.append(RowError(index, _("quá nhiều dòng (tối đa %(n)s).") % {"n": MAX_ROWS}))
            break
        row_errors: list[RowError] = []
        code = _text(values[0])
        name = _text(values[1])
        if not code or not code_re.match(code) or len(code) > 20:
            row_errors.append(RowError(index, _("mã “%(c)s” không hợp lệ.") % {"c": code}))
        elif code in seen:
            row_errors.append(
                RowError(index, _("mã %(c)s trùng với dòng %(r)s.") % {"c": code, "r": seen[code]})
            )
        if not name:
            row_errors.append(RowError(index, _("thiếu tên tiêu chí.")))
        max_points = _number(
            values[2], row=index, label=HEADERS[2], errors=row_errors, required=True
        )
        if max_points is not None and max_points < 0:
            row_errors.append(RowError(index, _("điểm tối đa không được âm.")))
        rule_text = _text(values[3]).lower()
        rule = rule_by_text.get(rule_text or RuleType.MANUAL)
        if rule is None:
            row_errors.append(
                RowError(
                    index, _("cách tính điểm “%(r)s” không có trong danh mục.") % {"r": values[3]}
                )
            )
        try:
            tiers = parse_tiers(_text(values[4]))
        except ValueError as exc:
            row_errors.append(RowError(index, str(exc)))
            tiers = []
        unit = _number(values[5], row=index, label=HEADERS[5], errors=row_errors)
        floor = _number(values[6], row=index, label=HEADERS[6], errors=row_errors)
        differs = _flag(values[7], row=index, label=HEADERS[7], errors=row_errors)
        bonus = _flag(values[8], row=index, label=HEADERS[8], errors=row_errors)
        evidence = _flag(values[9], row=index, label=HEADERS[9], errors=row_errors)
        metric = _text(values[12])
        if metric and metric not in metrics:
            row_errors.append(
                RowError(index, _("chỉ số tự động “%(m)s” không hợp lệ.") % {"m": metric})
            )
        params_text = _text(values[13])
        params = {}
        if params_text:
            try:
                params = loads_params(params_text)
                if not isinstance(params, dict):
                    raise ValueError
            except (ValueError, RecursionError):
                row_errors.append(RowError(index, _("tham số chỉ số phải là đối tượng JSON.")))
        if code and code not in seen:
            seen[code] = index
        errors.extend(row_errors)
        if row_errors:
            continue
        parsed.append(
            {
                "row": index,
                "code": code,
                "name": name,
                "max_points": max_points,
                "rule_type": rule,
                "tiers": tiers,
                "unit_points": unit,
                "floor_points": floor,
                "max_differs_from_children": differs,
                "is_bonus": bonus,
                "evidence_required": evidence,
                "guidance": _text(values[10]),
                "evidence_guidance": _text(values[11]),
                "metric": metric,
                "metric_params": params,
            }
        )
    workbook.close()
    # parents by code, then totals and rule checks on the in-memory tree
    codes = {r["code"]: r for r in parsed}
    for r in parsed:
        parent_code = r["code"].rsplit(".", 1)[0] if "." in r["code"] else None
        if parent_code and parent_code not in codes and parent_code not in seen:
            errors.append(
                RowError(r["row"], _("không có tiêu chí cha %(p)s.") % {"p": parent_code})
            )
        r["parent_code"] = parent_code
    if not parsed and not errors:
        errors.append(RowError(2, _("tệp không có tiêu chí nào.")))
    if not errors:
        from . import tree

        fakes = []
        for pk, r in enumerate(parsed, start=1):
            r["pk"] = pk
        by_code = {r["code"]: r for r in parsed}
        for r in parsed:
            c = Criterion(
                pk=r["pk"],
                parent_id=by_code[r["parent_code"]]["pk"] if r["parent_code"] else None,
                position=r["pk"],
                **{k: r[k] for k in _MODEL_KEYS},
            )
            fakes.append(c)
        problems = tree.errors(tree.build(fakes))
        for r in parsed:
            for message in problems.get(r["pk"], []):
                errors.append(RowError(r["row"], message))
    errors.sort(key=lambda e: e.row)
    return parsed, errors


_MODEL_KEYS = (
    "code",
    "name",
    "max_points",
    "rule_type",
    "tiers",
    "unit_points",
    "floor_points",
    "max_differs_from_children",
    "is_bonus",
    "evidence_required",
    "guidance",
    "evidence_guidance",
    "metric",
    "metric_params",
)


def import_xlsx(*, criteria_set, file, by) -> int:
    """Replace the set's whole tree with the file's rows. Returns the number of criteria."""
    from . import services
    from .models import CriteriaSet, Criterion

    services.ensure_builder(by)
    parsed, errors = read_rows(file)
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
        if locked.is_frozen:
            raise ValidationError(
                _("Bộ tiêu chí đã bị khóa vì đã có cơ quan nộp tự đánh giá; không thể nhập lại.")
            )
        Criterion.objects.filter(criteria_set=locked).delete()
        created: dict[str, Criterion] = {}
        ordered = sorted(enumerate(parsed, start=1), key=lambda pair: pair[1]["code"].count("."))
        for position, r in ordered:
            created[r["code"]] = Criterion.objects.create(
                criteria_set=locked,
                parent=created.get(r["parent_code"]) if r["parent_code"] else None,
                position=position,
                **{k: r[k] for k in _MODEL_KEYS},
            )
    return len(parsed)
