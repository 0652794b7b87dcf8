"""Catalogue writes. The import is planned first (no writes), then applied in one transaction.

Rules (see README_SECTION.md): a code not in the catalogue → new; identical content → unchanged
(so re-importing a file changes nothing); different content → a new version from the decision
date, the old one closed the day before with status amended (or replaced for «Thay thế»);
«Bãi bỏ» → the open version is closed with status abolished. Nothing is ever deleted.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from agencies.models import Agency
from core import generations
from core.text import fold

from . import importer, selectors
from .importer import COLUMN_BY_KEY, LEVEL_LABELS, UNIT_LABELS, ParsedWorkbook, RowError
from .models import (
    ONLINE_RANK,
    AnnouncementDecision,
    AnnouncementItem,
    Field,
    LegalBasis,
    Procedure,
    ProcedureAgency,
    ProcedureCase,
    ProcedureVersion,
    RequiredDocument,
)

NEW, AMENDED, UNCHANGED, ABOLISHED = "new", "amended", "unchanged", "abolished"


class ImportRejected(Exception):
    """The workbook has invalid rows and --skip-invalid was not given: nothing was applied."""

    def __init__(self, plan):
        super().__init__(_("Có %(n)s dòng lỗi; không áp dụng gì.") % {"n": plan.invalid_count})
        self.plan = plan


@dataclass
class PlanItem:
    code: str
    action: str  # new / amended / unchanged / abolished
    record: importer.ProcedureRecord
    current: ProcedureVersion | None = None
    replaced: bool = False
    diff: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.record.name or (self.current.name if self.current else "")


@dataclass
class ImportPlan:
    items: list[PlanItem]
    errors: list[RowError]
    decision_date: datetime.date
    applied: bool = False

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def invalid_count(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def counts(self) -> dict[str, int]:
        return {
            NEW: self.count(NEW),
            AMENDED: self.count(AMENDED),
            UNCHANGED: self.count(UNCHANGED),
            ABOLISHED: self.count(ABOLISHED),
            "invalid": self.invalid_count,
        }

    @property
    def summary_line(self) -> str:
        return " ".join(f"{key}={value}" for key, value in self.counts.items())


# --- Comparable snapshots -------------------------------------------------------------------


def _dec(value) -> str:
    return format(Decimal(value).normalize(), "f")


def _case_snapshot(case, documents) -> dict:
    return {
        "time": f"{_dec(case.time_value)} {case.time_unit}",
        "cutoff": case.same_day_cutoff.strftime("%H:%M") if case.same_day_cutoff else "",
        "on_spot": bool(case.resolved_on_spot),
        "fee_amount": case.fee_amount,
        "fee_text": case.fee_text,
        "online": case.online_level,
        "legacy": case.legacy_online_level,
        "documents": [[d.name, d.copy_type, bool(d.mandatory)] for d in documents],
    }


def record_snapshot(record: importer.ProcedureRecord) -> dict:
    return {
        "name": record.name,
        "field": fold(record.field),
        "levels": list(record.levels),
        "agency": record.agency_text,
        "steps": record.steps,
        "legal": list(record.legal_bases),
        "result": record.result,
        "cases": {c.name: _case_snapshot(c, c.documents) for c in record.cases},
    }


def version_snapshot(version: ProcedureVersion) -> dict:
    """Needs the version's cases (with documents) and legal bases prefetched."""
    levels = [
        k
        for k, flag in (
            ("province", version.at_province),
            ("district", version.at_district),
            ("commune", version.at_commune),
        )
        if flag
    ]
    cases = {}
    for case in version.cases.all():
        cases[case.name] = _case_snapshot(case, case.documents.all())
    return {
        "name": version.name,
        "field": fold(version.field.name),
        "levels": levels,
        "agency": version.agency_text,
        "steps": version.steps,
        "legal": [b.title for b in version.legal_bases.all()],
        "result": version.result,
        "cases": cases,
    }


def _show(key: str, value) -> str:
    if key == "levels":
        return "; ".join(LEVEL_LABELS[v] for v in value)
    if key == "legal":
        return "\n".join(value)
    return "" if value is None else str(value)


CASE_LABELS = {
    "time": "Thời hạn giải quyết",
    "cutoff": "Giờ chốt trả trong ngày",
    "on_spot": "Giải quyết ngay",
    "fee_amount": "Mức phí (đồng)",
    "fee_text": "Phí, lệ phí",
    "online": "Mức độ DVC",
    "legacy": "Mức độ cũ",
    "documents": "Thành phần hồ sơ",
}
VERSION_LABELS = {
    "name": "Tên TTHC",
    "field": "Lĩnh vực",
    "levels": "Cấp thực hiện",
    "agency": "Cơ quan thực hiện",
    "steps": "Trình tự thực hiện",
    "legal": "Căn cứ pháp lý",
    "result": "Kết quả",
}


def _show_case_value(key: str, value) -> str:
    if key == "time":
        number, unit = value.split(" ")
        return f"{number.replace('.', ',')} {UNIT_LABELS[unit]}"
    if key == "documents":
        return "\n".join(
            f"{name}" + (f" ({importer.COPY_LABELS[copy]})" if copy else "")
            for name, copy, _mandatory in value
        )
    if key == "on_spot":
        return _("Có") if value else _("Không")
    return "" if value is None else str(value)


def diff_snapshots(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """[(label, old value, new value)] for every field that differs."""
    out = []
    for key, label in VERSION_LABELS.items():
        if old[key] != new[key]:
            out.append((label, _show(key, old[key]), _show(key, new[key])))
    names = list(old["cases"]) + [n for n in new["cases"] if n not in old["cases"]]
    for name in names:
        case_label = name or _("Trường hợp chung")
        before, after = old["cases"].get(name), new["cases"].get(name)
        if before is None:
            out.append((f"{case_label}", "", _("(trường hợp mới)")))
            continue
        if after is None:
            out.append((f"{case_label}", _("(có)"), _("(bỏ trường hợp)")))
            continue
        for key, label in CASE_LABELS.items():
            if before[key] != after[key]:
                out.append(
                    (
                        f"{case_label} — {label}",
                        _show_case_value(key, before[key]),
                        _show_case_value(key, after[key]),
                    )
                )
    return out


# --- Planning -----------------------------------------------------------------------------


def plan_import(
    *, parsed: ParsedWorkbook, decision_date: datetime.date | None = None
) -> ImportPlan:
    """What applying `parsed` would do, without writing anything (the preview)."""
    decision_date = decision_date or timezone.localdate()
    codes = [r.code for r in parsed.records]
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes).only("id", "code")}
    open_versions = {
        v.procedure.code: v
        for v in ProcedureVersion.objects.open()
        .filter(procedure__code__in=codes)
        .select_related("procedure", "field")
        .prefetch_related("cases__documents", "legal_bases")
    }
    items: list[PlanItem] = []
    errors = list(parsed.errors)
    for record in parsed.records:
        current = open_versions.get(record.code)
        start = decision_date
        if current is not None and start < current.valid_from:
            errors.extend(
                RowError(
                    row,
                    COLUMN_BY_KEY["decision"].label,
                    _("Ngày hiệu lực %(d)s trước ngày hiệu lực %(cur)s của phiên bản đang áp dụng.")
                    % {"d": f"{start:%d/%m/%Y}", "cur": f"{current.valid_from:%d/%m/%Y}"},
                )
                for row in record.rows
            )
            continue
        if record.action == "abolished":
            if current is None and record.code not in procedures:
                errors.extend(
                    RowError(
                        row,
                        COLUMN_BY_KEY["code"].label,
                        _("Không có thủ tục %(code)s trong danh mục để bãi bỏ.")
                        % {"code": record.code},
                    )
                    for row in record.rows
                )
                continue
            action = ABOLISHED if current is not None else UNCHANGED
            items.append(PlanItem(record.code, action, record, current))
            continue
        if current is None:
            items.append(PlanItem(record.code, NEW, record, None))
            continue
        old, new = version_snapshot(current), record_snapshot(record)
        if old == new:
            items.append(PlanItem(record.code, UNCHANGED, record, current))
        else:
            items.append(
                PlanItem(
                    record.code,
                    AMENDED,
                    record,
                    current,
                    replaced=record.action == "replaced",
                    diff=diff_snapshots(old, new),
                )
            )
    errors.sort(key=lambda e: (e.row, e.column))
    return ImportPlan(items=items, errors=errors, decision_date=decision_date)


# --- Applying -----------------------------------------------------------------------------


def apply_import(
    *,
    parsed: ParsedWorkbook,
    user=None,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    reason: str = "",
) -> ImportPlan:
    """Apply a parsed workbook in one transaction; returns the plan with its counts.

    Raises ImportRejected (nothing written) when rows are invalid and skip_invalid is False.
    """
    decision_date = decision_date or timezone.localdate()
    with transaction.atomic():
        plan = plan_import(parsed=parsed, decision_date=decision_date)
        if plan.errors and not skip_invalid:
            raise ImportRejected(plan)
        if dry_run:
            return plan
        _apply(plan, user=user, decision_number=decision_number, reason=reason)
        plan.applied = True
        # bulk inserts send no signals
        generations.replace_now_and_on_commit(selectors.GENERATION_KEY)
    return plan


def _get_decisions(plan: ImportPlan, default_number: str, user) -> dict[str, AnnouncementDecision]:
    wanted: dict[str, datetime.date | None] = {}
    for item in plan.items:
        if item.action == UNCHANGED:
            continue
        number = item.record.decision_number or default_number
        if number:
            wanted.setdefault(number, item.record.decision_date or plan.decision_date)
    found = {d.number: d for d in AnnouncementDecision.objects.filter(number__in=wanted)}
    for number, date in wanted.items():
        if number not in found:
            decision = AnnouncementDecision(number=number, date=date)
            decision._history_user = user
            decision.save()
            found[number] = decision
    return found


def _apply(plan: ImportPlan, *, user, decision_number: str, reason: str) -> None:
    day = plan.decision_date
    reason = reason or _("Nhập danh mục từ Excel")
    decisions = _get_decisions(plan, decision_number, user)
    fields = {fold(f.name): f for f in Field.objects.all()}
    new_fields = {}
    for item in plan.items:
        if item.action in (NEW, AMENDED):
            key = fold(item.record.field)
            if key not in fields and key not in new_fields:
                new_fields[key] = Field(name=item.record.field)
    if new_fields:
        bulk_create_with_history(
            list(new_fields.values()), Field, default_user=user, default_change_reason=reason
        )
        fields.update(new_fields)

    agencies: dict[str, Agency] = {}
    for agency in Agency.objects.all().only("id", "name", "short_name", "electronic_id"):
        for key in (agency.name, agency.short_name, agency.electronic_id):
            if key:
                agencies.setdefault(fold(key), agency)

    # Close what is amended / replaced / abolished.
    for item in plan.items:
        if item.action in (AMENDED, ABOLISHED):
            old = item.current
            old.valid_to = day - datetime.timedelta(days=1)
            if item.action == ABOLISHED:
                old.status = ProcedureVersion.Status.ABOLISHED
            elif item.replaced:
                old.status = ProcedureVersion.Status.REPLACED
            else:
                old.status = ProcedureVersion.Status.AMENDED
            old._history_user = user
            old._change_reason = reason
            old.save(update_fields=["valid_to", "status"])

    # Procedures that are new to the catalogue.
    to_version = [i for i in plan.items if i.action in (NEW, AMENDED)]
    existing = {
        p.code: p
        for p in Procedure.objects.filter(code__in=[i.code for i in to_version]).only("id", "code")
    }
    missing = [Procedure(code=i.code) for i in to_version if i.code not in existing]
    if missing:
        bulk_create_with_history(
            missing, Procedure, default_user=user, default_change_reason=reason
        )
        existing.update({p.code: p for p in missing})
    last_numbers: dict[int, int] = {}
    if to_version:
        for pid, number in ProcedureVersion.objects.filter(
            procedure__in=[existing[i.code] for i in to_version]
        ).values_list("procedure_id", "number"):
            last_numbers[pid] = max(number, last_numbers.get(pid, 0))

    versions: list[ProcedureVersion] = []
    for item in to_version:
        record = item.record
        procedure = existing[item.code]
        field_obj = fields[fold(record.field)]
        number = record.decision_number or decision_number
        version = ProcedureVersion(
            procedure=procedure,
            number=last_numbers.get(procedure.pk, 0) + 1,
            name=record.name,
            field=field_obj,
            at_province="province" in record.levels,
            at_district="district" in record.levels,
            at_commune="commune" in record.levels,
            agency_text=record.agency_text,
            steps=record.steps,
            result=record.result,
            online_level=max(
                (c.online_level for c in record.cases), key=ONLINE_RANK.get, default=""
            ),
            valid_from=day,
            status=ProcedureVersion.Status.ACTIVE,
            announcement=decisions.get(number),
            raw=record.raw or _raw(record),
        )
        version.search_text = version.build_search_text(
            code=procedure.code, legacy_code=procedure.legacy_code, field_name=field_obj.name
        )
        versions.append(version)
    if versions:
        bulk_create_with_history(
            versions, ProcedureVersion, default_user=user, default_change_reason=reason
        )

    cases: list[ProcedureCase] = []
    case_docs: list[tuple[ProcedureCase, list]] = []
    bases: list[LegalBasis] = []
    links: list[ProcedureAgency] = []
    for item, version in zip(to_version, versions, strict=True):
        record = item.record
        for order, case_record in enumerate(record.cases):
            case = ProcedureCase(
                version=version,
                order=order,
                name=case_record.name,
                time_value=case_record.time_value,
                time_unit=case_record.time_unit,
                same_day_cutoff=case_record.same_day_cutoff,
                resolved_on_spot=case_record.resolved_on_spot,
                fee_amount=case_record.fee_amount,
                fee_text=case_record.fee_text,
                online_level=case_record.online_level,
                legacy_online_level=case_record.legacy_online_level,
            )
            cases.append(case)
            case_docs.append((case, case_record.documents))
        bases.extend(
            LegalBasis(version=version, order=i, title=title)
            for i, title in enumerate(record.legal_bases)
        )
        seen = set()
        for token in _agency_tokens(record.agency_text):
            agency = agencies.get(fold(token))
            if agency and agency.pk not in seen:
                seen.add(agency.pk)
                links.append(ProcedureAgency(version=version, agency=agency))
        if item.current is not None:
            item.current.replaced_by = version
            item.current._history_user = user
            item.current._change_reason = reason
            item.current.save(update_fields=["replaced_by"])
    if cases:
        bulk_create_with_history(
            cases, ProcedureCase, default_user=user, default_change_reason=reason
        )
    docs = [
        RequiredDocument(
            case=case, order=i, name=d.name, copy_type=d.copy_type, mandatory=d.mandatory
        )
        for case, documents in case_docs
        for i, d in enumerate(documents)
    ]
    for model, objs in ((RequiredDocument, docs), (LegalBasis, bases), (ProcedureAgency, links)):
        if objs:
            bulk_create_with_history(objs, model, default_user=user, default_change_reason=reason)

    items = []
    for item, version in zip(to_version, versions, strict=True):
        decision = version.announcement
        if decision is not None:
            action = AnnouncementItem.Action.NEW
            if item.action == AMENDED:
                action = (
                    AnnouncementItem.Action.REPLACED
                    if item.replaced
                    else AnnouncementItem.Action.AMENDED
                )
            items.append(AnnouncementItem(decision=decision, version=version, action=action))
    for item in plan.items:
        if item.action == ABOLISHED:
            decision = decisions.get(item.record.decision_number or decision_number)
            if decision is not None:
                items.append(
                    AnnouncementItem(
                        decision=decision,
                        version=item.current,
                        action=AnnouncementItem.Action.ABOLISHED,
                    )
                )
    AnnouncementItem.objects.bulk_create(items, ignore_conflicts=True)


def _agency_tokens(text: str) -> list[str]:
    return [t.strip(" .-+") for t in re.split(r"[;\n]", text) if t.strip(" .-+")]


def _raw(record: importer.ProcedureRecord) -> dict:
    snap = record_snapshot(record)
    snap["code"] = record.code
    snap["rows"] = record.rows
    snap["decision"] = record.decision_number
    return snap
