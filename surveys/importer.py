"""XLSX import of a batch of paper forms: one row per form; the first row holds the column
names: "so_phieu" (the form's serial; "Số phiếu" also accepted), optionally "ma_co_quan" (the
agency's electronic id) and one column per question code. Multiple choice and ranking cells hold
option values separated by commas. All-or-nothing: any bad row and nothing is saved."""

import io

from django.db import transaction
from django.utils.translation import gettext as _t
from openpyxl import Workbook, load_workbook

from agencies.models import Agency

from . import services
from .forms import split_choices
from .models import QuestionType, Response, ResponseChannel, Survey, SurveyEvent
from .services import ImportResult, RowError

SERIAL_HEADERS = {"so_phieu", "số phiếu", "so phieu"}
AGENCY_HEADERS = {"ma_co_quan", "mã cơ quan"}
MAX_ROWS = 5000


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_paper_forms(*, survey: Survey, file, by) -> ImportResult:
    result = ImportResult()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # any unreadable file is the same user error
        result.errors.append(RowError(0, "", _t("Không đọc được tệp Excel.")))
        return result
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_cell(h) for h in next(rows, [])]
    questions = list(services.questions_of(survey))
    by_code = {q.code.lower(): q for q in questions}
    serial_col = agency_col = None
    columns: dict[int, object] = {}
    for i, name in enumerate(header):
        key = name.lower()
        if key in SERIAL_HEADERS:
            serial_col = i
        elif key in AGENCY_HEADERS:
            agency_col = i
        elif key in by_code:
            columns[i] = by_code[key]
        elif key:
            result.errors.append(
                RowError(1, name, _t("Cột không khớp với mã câu hỏi nào của khảo sát."))
            )
    if serial_col is None:
        result.errors.append(RowError(1, "so_phieu", _t("Thiếu cột số phiếu (so_phieu).")))
    if result.errors:
        return result

    agencies = {a.electronic_id: a for a in Agency.objects.exclude(electronic_id="")}
    existing = set(
        Response.objects.filter(survey=survey)
        .exclude(paper_serial="")
        .values_list("paper_serial", flat=True)
    )
    seen: dict[str, int] = {}
    planned = []
    for row_number, row in enumerate(rows, start=2):
        if row_number - 1 > MAX_ROWS:
            result.errors.append(
                RowError(row_number, "", _t("Tệp có quá %(n)s phiếu.") % {"n": MAX_ROWS})
            )
            break
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue

        def get(i, cells=cells):
            return cells[i] if i is not None and i < len(cells) else ""

        serial = get(serial_col)
        if not serial:
            result.errors.append(RowError(row_number, header[serial_col], _t("Thiếu số phiếu.")))
        elif len(serial) > services.SERIAL_MAX:
            result.errors.append(
                RowError(
                    row_number,
                    header[serial_col],
                    _t("Số phiếu tối đa %(n)s ký tự.") % {"n": services.SERIAL_MAX},
                )
            )
        elif serial in existing:
            result.errors.append(
                RowError(
                    row_number,
                    header[serial_col],
                    _t("Số phiếu %(s)s đã được nhập trước đây.") % {"s": serial},
                )
            )
        elif serial in seen:
            result.errors.append(
                RowError(
                    row_number,
                    header[serial_col],
                    _t("Số phiếu %(s)s trùng với dòng %(r)s.") % {"s": serial, "r": seen[serial]},
                )
            )
        else:
            seen[serial] = row_number
        agency = None
        if agency_col is not None and get(agency_col):
            agency = agencies.get(get(agency_col))
            if agency is None:
                result.errors.append(
                    RowError(row_number, header[agency_col], _t("Không có cơ quan với mã này."))
                )
        values = {}
        for i, q in columns.items():
            raw = get(i)
            if q.type in (QuestionType.MULTIPLE, QuestionType.RANKING):
                values[q.code] = split_choices(raw)
            else:
                values[q.code] = raw
        try:
            services.validate_answers(
                survey=survey, values=values, require_complete=False, questions=questions
            )
        except services.AnswersInvalid as exc:
            code_to_header = {q.code: header[i] for i, q in columns.items()}
            for code, message in exc.errors.items():
                result.errors.append(RowError(row_number, code_to_header.get(code, code), message))
        planned.append((serial, agency, values))
    wb.close()
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for serial, agency, values in planned:
                services.record_paper_response(
                    survey=survey,
                    serial=serial,
                    values=values,
                    by=by,
                    agency=agency,
                    channel=ResponseChannel.IMPORT,
                    questions=questions,
                )
            SurveyEvent.objects.create(
                survey=survey,
                kind=SurveyEvent.Kind.IMPORTED,
                by=by,
                data={"count": len(planned)},
            )
    except services.SurveyError as exc:  # e.g. a serial entered meanwhile
        result.errors.append(RowError(0, "", exc.message))
        return result
    result.created = len(planned)
    return result


def template_xlsx(*, survey: Survey) -> bytes:
    """An empty workbook with the expected header row and a legend sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Phieu"
    questions = list(services.questions_of(survey))
    ws.append(["so_phieu", "ma_co_quan", *[q.code for q in questions]])
    legend = wb.create_sheet("Huong dan")
    legend.append([_t("Mã câu hỏi"), _t("Nội dung"), _t("Giá trị hợp lệ")])
    for q in questions:
        if q.type == QuestionType.SCALE5:
            valid = "1-5"
        elif q.type == QuestionType.YES_NO:
            valid = _t("1 = Có, 0 = Không")
        elif q.has_options:
            valid = "; ".join(f"{o.value} = {o.label}" for o in q.options.all())
        elif q.type == QuestionType.NUMBER:
            valid = _t("số nguyên")
        else:
            valid = _t("văn bản")
        legend.append([q.code, q.text, valid])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
