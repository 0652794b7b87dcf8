"""Celery tasks of the dossiers app: applicant emails and the due-date reminders.

Tasks take ids, are dispatched after commit (`transaction.on_commit`) and are safe to run twice.
"""

import logging
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Role, StaffMembership
from agencies import worktime

from .models import Dossier, DossierEvent, Status

log = logging.getLogger(__name__)

# How an event maps to the email the applicant must get (None: no email).
SUBJECTS = {
    "submitted": _lazy("Hồ sơ %(code)s đã được nộp"),
    "accepted": _lazy("Hồ sơ %(code)s đã được tiếp nhận"),
    "refused": _lazy("Hồ sơ %(code)s không được tiếp nhận"),
    "supplement": _lazy("Hồ sơ %(code)s cần bổ sung giấy tờ"),
    "payment": _lazy("Hồ sơ %(code)s: đề nghị thực hiện nghĩa vụ tài chính"),
    "apology": _lazy("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s"),
    "finished": _lazy("Hồ sơ %(code)s đã có kết quả"),
    "returned": _lazy("Hồ sơ %(code)s đã trả kết quả — mời Ông/Bà đánh giá"),
}
REMINDER_ROLES = (Role.PROCESSING_OFFICER, Role.AGENCY_LEADER)
RUNNING = (Status.ACCEPTED, Status.PROCESSING)


def email_kind(event: DossierEvent) -> str | None:
    if event.kind == DossierEvent.Kind.SUPPLEMENT_REQUEST:
        return "supplement"
    if event.kind == DossierEvent.Kind.APOLOGY:
        return "apology"
    if event.kind != DossierEvent.Kind.TRANSITION:
        return None
    return {
        Status.SUBMITTED: "submitted" if event.from_status is None else None,
        Status.ACCEPTED: "accepted",
        Status.REFUSED: "refused",
        Status.WAITING_PAYMENT: "payment",
        Status.FINISHED: "finished",
        Status.RETURNED: "returned",
    }.get(event.to_status)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _url(name: str, **kwargs) -> str:
    try:
        return _absolute(reverse(name, kwargs=kwargs))
    except NoReverseMatch:
        return ""


def rating_url(dossier: Dossier) -> str:
    """The satisfaction rating page for a returned dossier, if the surveys app offers one.

    Linked by URL name only: dossiers must not import surveys (DESIGN.md §3); the code and
    the tracking secret identify the dossier there, and it can be rated once."""
    url = _url("surveys:rate_dossier")
    if not url or not dossier.code:
        return ""
    return f"{url}?{urlencode({'ma': dossier.code, 'k': dossier.tracking_secret})}"


def _recipient(dossier: Dossier) -> str:
    if dossier.applicant_email:
        return dossier.applicant_email
    user = dossier.applicant_user
    return (user.email or "") if user else ""


@shared_task
def notify_applicant(dossier_id: int, event_id: int) -> bool:
    """Email the applicant about one event (once per event). Returns True when sent."""
    event = (
        DossierEvent.objects.select_related(
            "dossier__procedure_version", "dossier__applicant_user", "dossier__competent_agency"
        )
        .filter(pk=event_id, dossier_id=dossier_id)
        .first()
    )
    if event is None:
        return False
    kind = email_kind(event)
    dossier = event.dossier
    recipient = _recipient(dossier)
    if kind is None or not recipient:
        return False
    if not cache.add(f"dossiers:notified:{event_id}", 1, timeout=7 * 24 * 3600):
        return False  # already sent by an earlier run
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "dossier": dossier,
            "event": event,
            "kind": kind,
            "tracking_url": _url("dossiers:track"),
            "detail_url": _url("dossiers:citizen_detail", public_id=dossier.public_id),
            "site_url": settings.SITE_URL,
            "rating_url": rating_url(dossier) if kind == "returned" else "",
        }
        text = render_to_string(f"dossiers/email/{kind}.txt", context)
        try:
            html = select_template([f"dossiers/email/{kind}.html"]).render(context)
        except TemplateDoesNotExist:  # the HTML part is optional
            html = linebreaks(text)
        subject = str(SUBJECTS[kind]) % {"code": dossier.code or ""}
        message = EmailMultiAlternatives(
            subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient]
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:
            cache.delete(f"dossiers:notified:{event_id}")  # let a retry send it
            raise
    return True


@shared_task
def send_due_reminders() -> dict:
    """Warn officers and leaders of dossiers due within one working day or overdue (one digest
    per user per run), and flag each overdue dossier once (overdue_flagged_at + OVERDUE event).

    "Within one working day" is measured on the nationwide calendar (agency-specific calendars
    only differ on local exceptions)."""
    now = timezone.now()
    horizon = worktime.add_working_days(now, 1)
    running = Dossier.objects.filter(status__in=RUNNING, due_at__isnull=False)

    flagged = 0
    for dossier_id in running.filter(due_at__lt=now, overdue_flagged_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if Dossier.objects.filter(pk=dossier_id, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=now
            ):
                DossierEvent.objects.create(
                    dossier_id=dossier_id, kind=DossierEvent.Kind.OVERDUE, at=now, public=False
                )
                flagged += 1

    dossiers = list(
        running.filter(due_at__lte=horizon)
        .select_related("procedure_version", "competent_agency")
        .order_by("due_at")
    )
    by_agency: dict[int, list[Dossier]] = defaultdict(list)
    for dossier in dossiers:
        by_agency[dossier.competent_agency_id].append(dossier)
    digests: dict[int, list[Dossier]] = defaultdict(list)
    users = {}
    memberships = StaffMembership.objects.filter(
        agency_id__in=by_agency, role__in=REMINDER_ROLES, is_active=True, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        users[membership.user_id] = membership.user
        for dossier in by_agency[membership.agency_id]:
            if dossier not in digests[membership.user_id]:
                digests[membership.user_id].append(dossier)
    for dossier in dossiers:  # the assigned officer is warned even outside those roles
        officer = dossier.assigned_officer
        if dossier.assigned_officer_id and officer is not None:
            users.setdefault(officer.pk, officer)
            if dossier not in digests[officer.pk]:
                digests[officer.pk].append(dossier)

    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user_id, items in digests.items():
            user = users[user_id]
            if not user.email or not items:
                continue
            context = {
                "user": user,
                "overdue": [d for d in items if d.due_at < now],
                "due_soon": [d for d in items if d.due_at >= now],
                "queue_url": _url("dossiers:queue"),
                "site_url": settings.SITE_URL,
            }
            text = render_to_string("dossiers/email/reminder.txt", context)
            message = EmailMultiAlternatives(
                subject=_("Nhắc hạn xử lý hồ sơ: %(overdue)d quá hạn, %(soon)d sắp đến hạn")
                % {"overdue": len(context["overdue"]), "soon": len(context["due_soon"])},
                body=text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
            )
            message.attach_alternative(linebreaks(text), "text/html")
            message.send()
            sent += 1
    log.info("due reminders: %s flagged, %s digests", flagged, sent)
    return {"flagged": flagged, "emails": sent}
