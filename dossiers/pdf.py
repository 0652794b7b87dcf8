"""The official one-stop forms of TT 01/2018/TT-VPCP (Mẫu 01–05) rendered as PDF.

Each form is a template under templates/pdf/dossiers/ extending pdf/base.html (the official
header: parent body + unit on the left, the national motto on the right). `render_form` writes
the PDF bytes to `out`; `available_forms` says which forms exist for a dossier right now.
"""

from __future__ import annotations

import datetime
from typing import BinaryIO
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.templatetags.procedure_tags import channel_limit, time_limit, vnd
from reports.pdf import DEFAULT_PARENT_UNIT, render_pdf

from .models import Channel, Dossier, DossierAttachment, DossierEvent, Outcome, Status

FORM_TITLES = {
    1: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    2: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    3: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    4: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    5: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
}
FORM_SLUGS = {
    1: "giay-tiep-nhan",
    2: "phieu-yeu-cau-bo-sung",
    3: "phieu-tu-choi",
    4: "phieu-xin-loi",
    5: "phieu-kiem-soat",
}
CITIZEN_FORMS = frozenset({1, 2, 4})


def tracking_url(dossier: Dossier) -> str:
    query = urlencode({"ma": dossier.code or "", "k": dossier.tracking_secret})
    return f"{settings.SITE_URL.rstrip('/')}/tra-cuu/?{query}"


def qr_data_uri(text: str) -> str:
    """A QR code as an inline SVG data URI (the PDF fetcher allows data: URLs only)."""
    return segno.make(text, error="m").svg_data_uri(scale=3, border=2)


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


def moment_text(moment: datetime.datetime | None) -> str:
    """'14 giờ 05 phút, ngày 15/03/2026' (the wording of Mẫu 01)."""
    if moment is None:
        return "…"
    moment = timezone.localtime(moment)
    return _("%(h)s giờ %(m)s phút, ngày %(d)s") % {
        "h": f"{moment.hour:02d}",
        "m": f"{moment.minute:02d}",
        "d": moment.strftime("%d/%m/%Y"),
    }


def date_words(moment: datetime.datetime | datetime.date | None) -> str:
    """'ngày 15 tháng 03 năm 2026'."""
    if moment is None:
        return _("ngày … tháng … năm …")
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    # NĐ 30/2020 (as reports.pdf.official_date_line): day < 10 and months 1–2 take a zero
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{moment.day:02d}",
        "m": f"{moment.month:02d}" if moment.month <= 2 else str(moment.month),
        "y": moment.year,
    }


def time_limit_text(dossier: Dossier) -> str:
    case = dossier.case
    if dossier.channel == Channel.ONLINE:
        return channel_limit(case, "online")
    if dossier.channel == Channel.POST:
        return channel_limit(case, "post")
    return time_limit(case)


def _header(unit) -> dict:
    parent = unit.parent.name if unit is not None and unit.parent_id else DEFAULT_PARENT_UNIT
    return {"parent_unit": parent, "unit_name": unit.name if unit is not None else ""}


def _document_rows(dossier: Dossier) -> list[dict]:
    rows = []
    attachments = (
        DossierAttachment.objects.filter(dossier=dossier, role=DossierAttachment.Role.INPUT)
        .select_related("required_document")
        .order_by("required_document__order", "pk")
    )
    for attachment in attachments:
        name = attachment.title or (
            attachment.required_document.name if attachment.required_document else ""
        )
        rows.append(
            {
                "name": name or attachment.original_name,
                "original": attachment.copies_original,
                "certified": attachment.copies_certified,
                "photo": attachment.copies_photo,
                "digitised": attachment.is_digitised or bool(attachment.file),
            }
        )
    return rows


def _accepting_officer(dossier: Dossier):
    event = (
        DossierEvent.objects.filter(
            dossier=dossier, to_status__in=[Status.ACCEPTED, Status.RETURNED]
        )
        .select_related("by")
        .order_by("at", "pk")
        .first()
    )
    if event and event.by:
        return event.by
    return dossier.created_by


def _common(dossier: Dossier, number: int) -> dict:
    return {
        "dossier": dossier,
        "form_number": number,
        "title": FORM_TITLES[number],
        "procedure_name": dossier.procedure_version.name,
        "request_text": dossier.summary or dossier.procedure_version.name,
        "channel_label": Channel(dossier.channel).label,
        "site_url": settings.SITE_URL.rstrip("/"),
        **_header(dossier.receiving_unit),
    }


def _form_01(dossier: Dossier) -> dict:
    if dossier.received_at is None and not dossier.resolved_on_spot:
        raise Http404
    officer = _accepting_officer(dossier)
    url = tracking_url(dossier)
    received = dossier.received_at or dossier.submitted_at
    return {
        "document_date": local(received).date() if received else timezone.localdate(),
        "documents": _document_rows(dossier),
        "copies": f"{dossier.copies:02d}",
        "time_limit": time_limit_text(dossier),
        "received_text": moment_text(received),
        "due_text": moment_text(dossier.due_at) if dossier.due_at else "",
        "return_at_text": (
            _("Qua dịch vụ bưu chính công ích")
            if dossier.return_by_post
            else _("Bộ phận tiếp nhận và trả kết quả – %(unit)s") % {"unit": dossier.receiving_unit}
        ),
        "register_book": (local(received) or timezone.localtime()).year,
        "register_number": (dossier.code or "").rsplit("-", 1)[-1],
        "tracking_url": url,
        "qr": qr_data_uri(url),
        "officer_name": officer.full_name if officer else "",
        "fee_text": vnd(dossier.fee_amount) if dossier.fee_amount else "",
    }


def _form_02(dossier: Dossier, request_id: int | None = None) -> dict:
    requests = dossier.supplement_requests.select_related("requested_by").order_by(
        "-requested_at", "-pk"
    )
    supplement = (
        requests.filter(pk=request_id).first() if request_id is not None else requests.first()
    )
    if supplement is None:
        raise Http404
    items = []
    for item in supplement.items or []:
        if isinstance(item, str):
            item = {"name": item}
        items.append(
            {
                "name": item.get("name", ""),
                "original": item.get("copies_original") or 0,
                "certified": item.get("copies_certified") or 0,
                "photo": item.get("copies_photo") or 0,
            }
        )
    unit = dossier.receiving_unit
    return {
        "document_date": local(supplement.requested_at).date(),
        "supplement": supplement,
        "items": items,
        "officer_name": supplement.requested_by.full_name,
        "officer_phone": getattr(supplement.requested_by, "phone", "") or unit.phone,
        "unit_phone": unit.phone,
    }


def _form_03(dossier: Dossier) -> dict:
    refusal = getattr(dossier, "refusal", None)
    if refusal is None:
        raise Http404
    return {
        "document_date": local(refusal.refused_at).date(),
        "refusal": refusal,
        "reason_lines": [line for line in refusal.reasons.splitlines() if line.strip()],
        "officer_name": refusal.refused_by.full_name,
    }


def _form_04(dossier: Dossier) -> dict:
    apology = getattr(dossier, "apology", None)
    if apology is None:
        raise Http404
    agency = apology.responsible_agency
    new_due = local(apology.new_due_at)
    return {
        **_header(agency),
        "document_date": local(apology.created_at).date(),
        "apology": apology,
        "agency_name": agency.name,
        "competent_name": dossier.competent_agency.name,
        "received_words": date_words(dossier.received_at),
        "old_due_text": local(apology.old_due_at).strftime("%d/%m/%Y"),
        "new_due_words": date_words(new_due),
        "new_due_time": f"{new_due.hour:02d} giờ {new_due.minute:02d} phút",
        "signer_name": apology.signed_by.full_name,
    }


def _step_outcome(at: datetime.datetime, deadline: datetime.datetime | None) -> str:
    """Per-step result compared by date (the common practice, domain.md §2.6)."""
    if deadline is None:
        return ""
    done, due = timezone.localtime(at).date(), timezone.localtime(deadline).date()
    if done < due:
        return str(Outcome.EARLY.label)
    if done == due:
        return str(Outcome.ON_TIME.label)
    return str(Outcome.LATE.label)


def _form_05(dossier: Dossier) -> dict:
    if not dossier.code:
        raise Http404
    events = list(
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("by", "from_unit", "to_unit")
        .order_by("at", "pk")
    )
    rows = []
    previous_deadline = None
    handoffs = [e for e in events if e.kind == DossierEvent.Kind.HANDOFF]
    for index, event in enumerate(handoffs):
        back_to_desk = (
            event.to_unit_id == dossier.receiving_unit_id and index > 0 and dossier.finished_at
        )
        deadline = dossier.due_at if back_to_desk else previous_deadline
        rows.append(
            {
                "from_unit": event.from_unit.name if event.from_unit else "",
                "to_unit": event.to_unit.name if event.to_unit else "",
                "at_text": moment_text(event.at),
                "giver": event.by.full_name if event.by else "",
                "outcome": _step_outcome(event.at, deadline),
                "deadline_text": (
                    local(event.step_deadline).strftime("%H:%M %d/%m/%Y")
                    if event.step_deadline
                    else ""
                ),
                "note": event.note,
                "is_result": bool(back_to_desk),
            }
        )
        previous_deadline = event.step_deadline
    coordinating = sorted(
        {
            unit.name
            for event in handoffs
            for unit in (event.from_unit, event.to_unit)
            if unit is not None
            and unit.pk not in (dossier.receiving_unit_id, dossier.competent_agency_id)
        }
    )
    returned = next((e for e in reversed(events) if e.to_status == Status.RETURNED), None)
    return {
        "document_date": local(dossier.received_at).date()
        if dossier.received_at
        else timezone.localdate(),
        "rows": rows,
        "coordinating": ", ".join(coordinating),
        "received_text": moment_text(dossier.received_at),
        "due_text": moment_text(dossier.due_at) if dossier.due_at else "",
        "time_limit": time_limit_text(dossier),
        "returned_text": moment_text(returned.at) if returned else "",
        "returned_by": returned.by.full_name if returned and returned.by else "",
        "outcome_label": dossier.get_outcome_display() if dossier.outcome else "",
    }


BUILDERS = {1: _form_01, 2: _form_02, 3: _form_03, 4: _form_04, 5: _form_05}


def _fact(dossier: Dossier, name: str, ask) -> bool:
    """A fact selectors.get_for_staff(page=True) annotated on the dossier, else ask()."""
    known = dossier.__dict__.get(name)
    return ask() if known is None else known


def _has_one(dossier: Dossier, related: str) -> bool:
    try:
        getattr(dossier, related)  # the reverse one-to-one may be missing
    except ObjectDoesNotExist:
        return False
    return True


def available_forms(dossier: Dossier) -> list[int]:
    """The forms that can be printed for this dossier now (for links)."""
    forms = []
    if dossier.received_at is not None or dossier.resolved_on_spot:
        forms.append(1)
    if _fact(dossier, "has_supplement", dossier.supplement_requests.exists):
        forms.append(2)
    if _fact(dossier, "has_refusal", lambda: _has_one(dossier, "refusal")):
        forms.append(3)
    if _fact(dossier, "has_apology", lambda: _has_one(dossier, "apology")):
        forms.append(4)
    if dossier.code:
        forms.append(5)
    return forms


def form_context(dossier: Dossier, number: int, **options) -> dict:
    if number not in BUILDERS:
        raise Http404
    context = _common(dossier, number)
    context.update(BUILDERS[number](dossier, **options))
    return context


def render_form(dossier: Dossier, number: int, out: BinaryIO, **options) -> str:
    """Write Mẫu `number` of `dossier` as PDF to `out`; return the download filename.

    Raises Http404 when the form does not exist for this dossier (e.g. no refusal → no Mẫu 03).
    """
    context = form_context(dossier, number, **options)
    render_pdf(f"pdf/dossiers/mau{number:02d}.html", context, out)
    code = (dossier.code or str(dossier.public_id)).replace(".", "-")
    return f"mau-{number:02d}-{FORM_SLUGS[number]}-{code}.pdf"
