"""Every write on a dossier: one transaction, the dossier row locked, the move checked by
`dossiers.workflow`, `revision` bumped, a `DossierEvent` row written; emails after commit.

Refused moves raise `workflow.WorkflowError` (a message for the user); bad data raises Django's
`ValidationError`. All arguments are keyword-only.
"""

import datetime
import logging
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from agencies import worktime
from core import outbox
from core.prepared import Prepared

from . import deadlines, workflow
from .codes import allocate_code
from .models import (
    Apology,
    Channel,
    Dossier,
    DossierAttachment,
    DossierEvent,
    Refusal,
    Status,
    Step,
    SupplementRequest,
)
from .workflow import DESK, LEADER, OFFICER, WorkflowError

logger = logging.getLogger(__name__)

STAFF_ROLES = frozenset({DESK, OFFICER, LEADER})

PERSON_FIELDS = ("name", "id_number", "phone", "email", "address")
DRAFT_FIELDS = frozenset(
    [f"applicant_{f}" for f in PERSON_FIELDS]
    + [f"owner_{f}" for f in PERSON_FIELDS]
    + ["representative_name", "representative_id_number", "representative_phone"]
    + ["summary", "return_by_post", "copies"]
)


# --- helpers ----------------------------------------------------------------------------------
def _now() -> datetime.datetime:
    return timezone.now()


_LOCK_RELATED = ("receiving_unit", "competent_agency", "current_unit", "case")


_LOCKS: dict[tuple, Prepared] = {}  # per set of joined relations, compiled once per process


def _lock(dossier: Dossier, related=_LOCK_RELATED) -> Dossier:
    """The dossier's row, locked until the transaction ends, with `related` joined."""
    if transaction.get_connection().get_autocommit():
        raise TransactionManagementError("A dossier is locked inside a transaction only.")
    related = tuple(related)
    query = _LOCKS.get(related)
    if query is None:

        def build(pk):
            qs = Dossier.objects.select_for_update(of=("self",)).filter(pk=pk).order_by()
            return qs.select_related(*related) if related else qs  # () would join them all

        query = _LOCKS[related] = Prepared(build, pk=Dossier._meta.get_field("id"))
    found = query.run(pk=dossier.pk)
    if not found:
        raise Dossier.DoesNotExist(f"Dossier {dossier.pk} does not exist.")
    return found[0]


def _sync(target: Dossier, source: Dossier) -> Dossier:
    """Copy the saved state onto the caller's instance (so `dossier.revision` etc. are fresh)."""
    target.__dict__.update(
        {k: v for k, v in source.__dict__.items() if k != "_state" and not k.startswith("_")}
    )
    fields_cache = dict(source._state.fields_cache)
    for name, related in target._state.fields_cache.items():
        # a relation the locked copy did not join stays cached while it is still the same row
        attname = getattr(Dossier._meta.get_field(name), "attname", None)
        if (
            name not in fields_cache
            and related is not None
            and attname is not None
            and related.pk == source.__dict__.get(attname)
        ):
            fields_cache[name] = related
    target._state.fields_cache = fields_cache
    return target


def _ensure_not_draft(d: Dossier) -> None:
    if d.is_draft:
        raise WorkflowError(_("Hồ sơ chưa được nộp."))


def _save(d: Dossier, fields: list[str]) -> None:
    d.revision += 1
    d.save(update_fields=[*fields, "revision"])


def _event(d: Dossier, kind: str, *, by=None, at=None, **fields) -> DossierEvent:
    return DossierEvent.objects.create(dossier=d, kind=kind, by=by, at=at or _now(), **fields)


def _notify(d: Dossier, event: DossierEvent) -> None:
    # Through the outbox: the email survives a broker outage (swept when Redis is back).
    outbox.enqueue(
        "dossiers.tasks.notify_applicant",
        kwargs={"dossier_id": d.pk, "event_id": event.pk},
        dedupe_key=f"dossiers.notify:{event.pk}",
    )


def _move(d: Dossier, *, to: Status, by, revision=None) -> Status:
    """Check and apply a status change on the locked dossier; returns the previous status."""
    _ensure_not_draft(d)
    workflow.ensure_revision(d, revision)
    workflow.ensure_allowed(d, to=to, user=by)
    previous = Status(d.status)
    d.status = to
    return previous


def _transition_event(d: Dossier, previous, *, by, note="", data=None, at=None, **extra):
    return _event(
        d,
        DossierEvent.Kind.TRANSITION,
        by=by,
        at=at,
        from_status=previous,
        to_status=d.status,
        note=note,
        data=data or {},
        **extra,
    )


def _require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Vui lòng nhập nội dung này.")})
    return value


def _ensure_in_force(case, day: datetime.date) -> None:
    if not case.version.is_in_force_on(day):
        raise ValidationError(
            _(
                "Thủ tục “%(name)s” không còn hiệu lực vào ngày %(day)s. Vui lòng chọn thủ tục "
                "đang áp dụng."
            )
            % {"name": case.version.name, "day": day.strftime("%d/%m/%Y")}
        )


def _resume_clock(d: Dossier, now: datetime.datetime) -> int:
    """End a pause: move due_at by the working time it lasted; returns the paused seconds."""
    if d.paused_at is None:
        return 0
    paused = worktime.working_time_between(d.paused_at, now, agency=d.competent_agency)
    seconds = max(int(paused.total_seconds()), 0)
    if d.due_at is not None:
        d.due_at = worktime.add_working_hours(
            d.due_at, Fraction(seconds, 3600), agency=d.competent_agency
        )
    d.paused_at = None
    return seconds


def _close(d: Dossier, now) -> None:
    d.step = Step.CLOSED
    d.closed_at = now
    d.paused_at = None


def _is_staff_actor(user, d: Dossier) -> bool:
    return workflow.actor_may(user, d, STAFF_ROLES)


def _open_supplement(d: Dossier) -> SupplementRequest | None:
    return d.supplement_requests.filter(answered_at__isnull=True).order_by("-pk").first()


def _missing_mandatory(d: Dossier) -> list[str]:
    present = set(
        d.attachments.filter(role=DossierAttachment.Role.INPUT, required_document__isnull=False)
        .exclude(file="")
        .values_list("required_document_id", flat=True)
    )
    return [doc.name for doc in d.case.documents.filter(mandatory=True) if doc.pk not in present]


def _set_person(d: Dossier, prefix: str, data: dict | None, fields=PERSON_FIELDS) -> None:
    for field in fields:
        value = (data or {}).get(field, (data or {}).get(f"{prefix}_{field}", ""))
        setattr(d, f"{prefix}_{field}", (value or "").strip())


def _validate(d: Dossier) -> None:
    d.full_clean(
        exclude=[
            "procedure_version",
            "case",
            "receiving_unit",
            "competent_agency",
            "current_unit",
            "applicant_user",
            "assigned_officer",
            "created_by",
            "code",
        ],
        validate_unique=False,
        validate_constraints=False,
    )


# --- online drafts ----------------------------------------------------------------------------
def create_draft(*, user, case, competent_agency, receiving_unit=None) -> Dossier:
    """An online draft of `user` for `case`, applicant and owner prefilled from the profile."""
    with transaction.atomic():
        _ensure_in_force(case, timezone.localdate())
        receiving_unit = receiving_unit or competent_agency
        d = Dossier(
            procedure_version=case.version,
            case=case,
            channel=Channel.ONLINE,
            status=Status.SUBMITTED,
            step=Step.DRAFT,
            applicant_user=user,
            applicant_name=user.full_name,
            applicant_id_number=user.citizen_id or "",
            applicant_phone=user.phone or "",
            applicant_email=user.email or "",
            applicant_address=user.address,
            owner_name=user.organisation_name or user.full_name,
            owner_id_number=user.citizen_id or "",
            owner_phone=user.phone or "",
            owner_email=user.email or "",
            owner_address=user.address,
            receiving_unit=receiving_unit,
            competent_agency=competent_agency,
            current_unit=receiving_unit,
            fee_amount=case.fee_amount,
            created_by=user,
        )
        d.save()
    return d


def delete_draft(*, dossier: Dossier, user) -> None:
    """Delete the user's own draft and its files (a draft has no code and no timeline yet)."""
    with transaction.atomic():
        d = _lock(dossier)
        if d.applicant_user_id != user.pk or not d.is_draft:
            raise WorkflowError(_("Chỉ có thể xóa hồ sơ nháp của chính bạn."))
        files = [(a.file.storage, a.file.name) for a in d.attachments.all() if a.file]
        d.attachments.all().delete()
        DossierEvent.objects.filter(dossier=d).delete()  # queryset delete: drafts only
        d.delete()

        def _remove_files():
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(_remove_files)


def update_draft(*, dossier: Dossier, user, data: dict) -> Dossier:
    """Update the applicant / owner / representative details of the user's own draft."""
    with transaction.atomic():
        d = _lock(dossier)
        if d.applicant_user_id != user.pk or not d.is_draft:
            raise WorkflowError(_("Chỉ có thể sửa hồ sơ nháp của chính bạn."))
        for key, value in data.items():
            if key not in DRAFT_FIELDS:
                continue
            if key == "return_by_post":
                value = bool(value)
            elif key == "copies":
                value = int(value or 1)
            else:
                value = (value or "").strip()
            setattr(d, key, value)
        _validate(d)
        _save(d, sorted(DRAFT_FIELDS))
    return _sync(dossier, d)


# --- attachments ------------------------------------------------------------------------------
def add_attachment(
    *,
    dossier: Dossier,
    user,
    file,
    required_document=None,
    role: str = DossierAttachment.Role.INPUT,
    supplement_request=None,
    title: str = "",
) -> DossierAttachment:
    """Attach one file (already validated by the form): add_attachments for one file."""
    return add_attachments(
        dossier=dossier,
        user=user,
        files=[(required_document, file, title)],
        role=role,
        supplement_request=supplement_request,
    )[0]


def add_attachments(
    *,
    dossier: Dossier,
    user,
    files,
    role: str = DossierAttachment.Role.INPUT,
    supplement_request=None,
) -> list[DossierAttachment]:
    """Attach the files of one form, given as (required document or None, file, title):
    all of them or, when one is refused, none (one transaction, one lock, one new revision).

    The applicant may attach to their draft, or answer an open supplement request (role becomes
    "supplement"); desk officers, officers and leaders of the dossier's agencies may attach to an
    open dossier (a scan at the desk is marked digitised).
    """
    with transaction.atomic():
        # no relation joined: a citizen's upload reads none (a staff actor's role check reads
        # the units it needs)
        d = _lock(dossier, related=())
        is_applicant = d.applicant_user_id is not None and d.applicant_user_id == user.pk
        if role == DossierAttachment.Role.RESULT:
            raise WorkflowError(_("Kết quả giải quyết được đính kèm bằng chức năng riêng."))
        if d.is_closed:
            raise WorkflowError(_("Hồ sơ đã kết thúc, không thể bổ sung tệp."))
        if supplement_request is not None and supplement_request.dossier_id != d.pk:
            raise ValidationError(_("Yêu cầu bổ sung không thuộc hồ sơ này."))
        staff = _is_staff_actor(user, d)
        if d.is_draft:
            if not is_applicant:
                raise WorkflowError(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
            role = DossierAttachment.Role.INPUT
        elif is_applicant and not staff:
            open_request = _open_supplement(d)
            if open_request is None or (
                supplement_request is not None and supplement_request.pk != open_request.pk
            ):
                raise WorkflowError(
                    _("Hồ sơ đã nộp chỉ được bổ sung tệp khi có yêu cầu bổ sung đang mở.")
                )
            supplement_request = open_request
            role = DossierAttachment.Role.SUPPLEMENT
        elif not staff:
            raise WorkflowError(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
        attachments = []
        try:
            for required_document, file, title in files:
                attachments.append(
                    _attach(
                        d, user, required_document, file, title, role, supplement_request, staff
                    )
                )
        except BaseException:
            for attachment in attachments:  # rolled back: their files go too
                attachment.file.delete(save=False)
            raise
        _save(d, [])
    _sync(dossier, d)
    return attachments


def _attach(d, user, required_document, file, title, role, supplement_request, staff):
    """One attachment of add_attachments, on the locked dossier `d`: the file stored, the row
    saved, the event of a submitted dossier written."""
    if required_document is not None and required_document.case_id != d.case_id:
        raise ValidationError(
            {"required_document": _("Giấy tờ không thuộc thành phần hồ sơ của thủ tục.")}
        )
    attachment = DossierAttachment(
        dossier=d,
        role=role,
        required_document=required_document,
        supplement_request=supplement_request,
        title=(title or (required_document.name if required_document else ""))[:500],
        original_name=(getattr(file, "name", "") or "")[-255:],
        content_type=(getattr(file, "content_type", "") or "")[:100],
        size=getattr(file, "size", 0) or 0,
        is_digitised=bool(staff and not d.is_draft),
        uploaded_by=user,
    )
    attachment.file.save(attachment.original_name or "tep", file, save=False)
    try:
        attachment.save()
        if not d.is_draft:
            _event(
                d,
                DossierEvent.Kind.ATTACHMENT,
                by=user,
                public=False,
                note=attachment.title,
                data={"attachment": attachment.pk, "role": role, "action": "add"},
            )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def remove_attachment(*, attachment: DossierAttachment, user) -> None:
    """The applicant removes a file from a draft or from an open supplement answer; staff remove
    an input / supplement file of an open dossier, or a result before the dossier is finished."""
    with transaction.atomic():
        d = _lock(attachment.dossier)
        attachment = DossierAttachment.objects.select_for_update().get(pk=attachment.pk)
        is_applicant = d.applicant_user_id is not None and d.applicant_user_id == user.pk
        allowed = False
        if d.is_closed:
            allowed = False
        elif attachment.role == DossierAttachment.Role.RESULT:
            allowed = d.status == Status.PROCESSING and workflow.actor_may(
                user, d, frozenset({OFFICER, LEADER})
            )
        elif d.is_draft:
            allowed = is_applicant
        elif _is_staff_actor(user, d):
            allowed = True
        elif is_applicant and attachment.role == DossierAttachment.Role.SUPPLEMENT:
            request = attachment.supplement_request
            allowed = request is not None and request.answered_at is None
        if not allowed:
            raise WorkflowError(_("Bạn không thể xóa tệp này."))
        storage, name = attachment.file.storage, attachment.file.name
        title = str(attachment)
        attachment.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        if not d.is_draft:
            _event(
                d,
                DossierEvent.Kind.ATTACHMENT,
                by=user,
                public=False,
                note=title,
                data={"role": attachment.role, "action": "remove"},
            )
        _save(d, [])


# --- intake -----------------------------------------------------------------------------------
def submit_online(*, dossier: Dossier, user) -> Dossier:
    """Submit the user's draft: mandatory documents checked, code allocated, status SUBMITTED.

    Calling it again on an already submitted dossier returns it unchanged (double-click safe).
    """
    with transaction.atomic():
        d = _lock(dossier)
        if d.applicant_user_id != user.pk:
            raise WorkflowError(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
        if not d.is_draft:
            return _sync(dossier, d)
        now = _now()
        _ensure_in_force(d.case, timezone.localdate(now))
        if not d.applicant_name.strip():
            raise ValidationError({"applicant_name": _("Vui lòng nhập họ tên người nộp.")})
        missing = _missing_mandatory(d)
        if missing:
            raise ValidationError(
                _("Hồ sơ còn thiếu giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(missing)}
            )
        d.code = allocate_code(unit=d.receiving_unit, at=now)
        d.status = Status.SUBMITTED
        d.step = Step.AT_DESK
        d.submitted_at = now
        d.current_unit = d.receiving_unit
        _save(d, ["code", "status", "step", "submitted_at", "current_unit"])
        event = _transition_event(d, None, by=user, at=now, to_unit=d.receiving_unit)
        _notify(d, event)
    return _sync(dossier, d)


def log_paper_dossier(
    *,
    by,
    receiving_unit,
    case,
    competent_agency,
    channel: int = Channel.IN_PERSON,
    applicant: dict,
    owner: dict | None = None,
    representative: dict | None = None,
    summary: str = "",
    copies: int = 1,
    documents: list[dict],
    accept: bool = True,
    return_by_post: bool = False,
) -> Dossier:
    """A dossier brought to the desk (or by post), logged by a desk officer of `receiving_unit`.

    `applicant` / `owner`: dicts with name, id_number, phone, email, address (the prefixed keys,
    e.g. applicant_name, work too); `representative`: name, id_number, phone. `documents`: dicts
    with required_document (or None), title, copies_original, copies_certified, copies_photo.
    With accept=True every mandatory document must have been received and the dossier is
    accepted in the same transaction (receipt Mẫu 01 can be printed at once).
    """
    with transaction.atomic():
        if not has_role(by, Role.DESK_OFFICER, agency=receiving_unit):
            raise WorkflowError(_("Bạn không phải cán bộ một cửa của đơn vị tiếp nhận này."))
        now = _now()
        _ensure_in_force(case, timezone.localdate(now))
        if int(channel) not in (Channel.IN_PERSON, Channel.POST):
            raise ValidationError({"channel": _("Kênh nộp không hợp lệ cho hồ sơ giấy.")})
        d = Dossier(
            procedure_version=case.version,
            case=case,
            channel=int(channel),
            status=Status.SUBMITTED,
            step=Step.AT_DESK,
            summary=(summary or "").strip(),
            copies=int(copies or 1),
            return_by_post=bool(return_by_post),
            receiving_unit=receiving_unit,
            competent_agency=competent_agency,
            current_unit=receiving_unit,
            fee_amount=case.fee_amount,
            submitted_at=now,
            created_by=by,
        )
        _set_person(d, "applicant", applicant)
        _set_person(d, "owner", owner)
        _set_person(d, "representative", representative, fields=("name", "id_number", "phone"))
        if not d.applicant_name:
            raise ValidationError({"applicant_name": _("Vui lòng nhập họ tên người nộp.")})
        if not d.owner_name:
            d.owner_name, d.owner_address = d.applicant_name, d.applicant_address
        _validate(d)
        rows = []
        received = set()
        for item in documents:
            required = item.get("required_document")
            if required is not None and required.case_id != case.pk:
                raise ValidationError(
                    {"documents": _("Giấy tờ không thuộc thành phần hồ sơ của thủ tục.")}
                )
            counts = [int(item.get(k) or 0) for k in ("copies_original", "copies_certified")]
            counts.append(int(item.get("copies_photo") or 0))
            if min(counts) < 0:
                raise ValidationError({"documents": _("Số lượng bản không được âm.")})
            if required is not None and sum(counts) > 0:
                received.add(required.pk)
            title = (item.get("title") or (required.name if required else "")).strip()
            if required is None and not title:
                continue
            rows.append((required, title, counts))
        if accept:
            missing = [
                doc.name for doc in case.documents.filter(mandatory=True) if doc.pk not in received
            ]
            if missing:
                raise ValidationError(
                    _("Hồ sơ còn thiếu giấy tờ bắt buộc: %(names)s.")
                    % {"names": "; ".join(missing)}
                )
        d.code = allocate_code(unit=receiving_unit, at=now)
        d.save()
        DossierAttachment.objects.bulk_create(
            DossierAttachment(
                dossier=d,
                role=DossierAttachment.Role.INPUT,
                required_document=required,
                title=title[:500],
                copies_original=counts[0],
                copies_certified=counts[1],
                copies_photo=counts[2],
                uploaded_by=by,
            )
            for required, title, counts in rows
        )
        _event(d, DossierEvent.Kind.CREATED, by=by, at=now, public=False)
        _transition_event(d, None, by=by, at=now, to_unit=receiving_unit)
        if accept:
            _accept_locked(d, by=by, now=now)
    return d


def _accept_locked(d: Dossier, *, by, now, revision=None) -> DossierEvent:
    previous = _move(d, to=Status.ACCEPTED, by=by, revision=revision)
    d.received_at = now
    d.due_at = deadlines.compute_due_at(
        case=d.case, channel=d.channel, received_at=now, agency=d.competent_agency
    )
    d.original_due_at = d.due_at
    d.step = Step.AT_DESK
    _save(d, ["status", "received_at", "due_at", "original_due_at", "step"])
    event = _transition_event(d, previous, by=by, at=now, step_deadline=d.due_at)
    _notify(d, event)
    return event


def accept(*, dossier: Dossier, by, revision=None) -> Dossier:
    """Accept a submitted dossier: the clock starts (received_at) and the due moment is set."""
    with transaction.atomic():
        d = _lock(dossier)
        _accept_locked(d, by=by, now=_now(), revision=revision)
    return _sync(dossier, d)


def refuse(*, dossier: Dossier, by, reasons: str, revision=None) -> Refusal:
    """Refuse to accept (Mẫu 03)."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = _require_text(reasons, "reasons")
        previous = _move(d, to=Status.REFUSED, by=by, revision=revision)
        now = _now()
        d.refused_at = now
        _close(d, now)
        _save(d, ["status", "refused_at", "step", "closed_at", "paused_at"])
        refusal = Refusal.objects.create(dossier=d, reasons=reasons, refused_by=by, refused_at=now)
        event = _transition_event(d, previous, by=by, at=now, note=reasons)
        _notify(d, event)
    _sync(dossier, d)
    return refusal


def resolve_on_spot(*, dossier: Dossier, by, revision=None) -> Dossier:
    """Resolved at once at the desk: received = finished = returned = now, no appointment."""
    with transaction.atomic():
        d = _lock(dossier)
        previous = _move(d, to=Status.RETURNED, by=by, revision=revision)
        now = _now()
        d.received_at = d.finished_at = d.returned_at = now
        d.due_at = d.original_due_at = None
        d.resolved_on_spot = True
        d.outcome = deadlines.ON_SPOT_OUTCOME
        _close(d, now)
        _save(
            d,
            [
                "status",
                "received_at",
                "finished_at",
                "returned_at",
                "due_at",
                "original_due_at",
                "resolved_on_spot",
                "outcome",
                "step",
                "closed_at",
                "paused_at",
            ],
        )
        _transition_event(d, previous, by=by, at=now, data={"resolved_on_spot": True})
    return _sync(dossier, d)


# --- supplements ------------------------------------------------------------------------------
def _clean_items(items: list[dict]) -> list[dict]:
    cleaned = []
    for item in items or []:
        name = (item.get("name") or "").strip()
        if not name:
            continue
        counts = {}
        for key in ("copies_original", "copies_certified", "copies_photo"):
            try:
                counts[key] = max(int(item.get(key) or 0), 0)
            except (TypeError, ValueError) as exc:
                raise ValidationError({"items": _("Số lượng bản phải là số.")}) from exc
        cleaned.append({"name": name, **counts})
    if not cleaned:
        raise ValidationError({"items": _("Vui lòng liệt kê đầy đủ giấy tờ cần bổ sung.")})
    return cleaned


def request_supplement(
    *, dossier: Dossier, by, items: list[dict], reason: str, revision=None
) -> SupplementRequest:
    """Ask for missing documents (Mẫu 02), once and completely.

    At intake (SUBMITTED) the clock has not started; during processing the clock pauses until
    the answer (due_at then moves by the paused working time).
    """
    with transaction.atomic():
        d = _lock(dossier)
        items = _clean_items(items)
        reason = _require_text(reason, "reason")
        if _open_supplement(d) is not None:
            raise WorkflowError(
                _(
                    "Hồ sơ đang có một yêu cầu bổ sung chưa được trả lời. Theo quy định, việc "
                    "hướng dẫn bổ sung phải một lần, đầy đủ."
                )
            )
        previous = _move(d, to=Status.WAITING_SUPPLEMENT, by=by, revision=revision)
        now = _now()
        during_intake = previous == Status.SUBMITTED
        if not during_intake:
            d.paused_at = now
        _save(d, ["status", "paused_at"])
        request = SupplementRequest.objects.create(
            dossier=d,
            items=items,
            reason=reason,
            requested_by=by,
            requested_at=now,
            during_intake=during_intake,
        )
        event = _event(
            d,
            DossierEvent.Kind.SUPPLEMENT_REQUEST,
            by=by,
            at=now,
            from_status=previous,
            to_status=d.status,
            note=reason,
            data={"items": items, "supplement_request": request.pk},
        )
        _notify(d, event)
    _sync(dossier, d)
    return request


def answer_supplement(*, dossier: Dossier, by, note: str = "", revision=None) -> Dossier:
    """Close the open supplement request; the dossier goes back to SUBMITTED (asked at intake)
    or PROCESSING, and the due moment moves by the working time of the pause."""
    with transaction.atomic():
        d = _lock(dossier)
        request = _open_supplement(d)
        if d.status != Status.WAITING_SUPPLEMENT or request is None:
            raise WorkflowError(_("Hồ sơ không có yêu cầu bổ sung đang chờ trả lời."))
        target = Status.SUBMITTED if request.during_intake else Status.PROCESSING
        previous = _move(d, to=target, by=by, revision=revision)
        now = _now()
        seconds = _resume_clock(d, now)
        _save(d, ["status", "paused_at", "due_at"])
        request.answered_at = now
        request.answer_note = (note or "").strip()
        request.paused_working_seconds = seconds
        request.save(update_fields=["answered_at", "answer_note", "paused_working_seconds"])
        _event(
            d,
            DossierEvent.Kind.SUPPLEMENT_ANSWER,
            by=by,
            at=now,
            from_status=previous,
            to_status=d.status,
            note=request.answer_note,
            data={"supplement_request": request.pk, "paused_working_seconds": seconds},
        )
    return _sync(dossier, d)


# --- processing -------------------------------------------------------------------------------
def _is_within(agency, ancestor) -> bool:
    seen = 0
    while agency is not None and seen < 20:
        if agency.pk == ancestor.pk:
            return True
        agency, seen = agency.parent, seen + 1
    return False


def hand_over(
    *, dossier: Dossier, by, to_unit, note: str = "", step_deadline=None, revision=None
) -> Dossier:
    """Hand the dossier to another unit (Mẫu 05 row). The first hand-over of an accepted
    dossier starts processing; handing a finished dossier back to the receiving unit puts the
    result at the desk."""
    with transaction.atomic():
        d = _lock(dossier)
        _ensure_not_draft(d)
        workflow.ensure_revision(d, revision)
        workflow.ensure_action(d, action="hand_over", user=by)
        if to_unit.pk == d.current_unit_id:
            raise ValidationError({"to_unit": _("Hồ sơ đang ở chính đơn vị này.")})
        previous = Status(d.status)
        if previous == Status.ACCEPTED:
            workflow.ensure_allowed(d, to=Status.PROCESSING, user=by)
            d.status = Status.PROCESSING
        from_unit = d.current_unit
        d.current_unit = to_unit
        d.assigned_officer = None
        if d.status == Status.FINISHED and to_unit.pk == d.receiving_unit_id:
            d.step = Step.RESULT_AT_DESK
        elif to_unit.pk == d.receiving_unit_id and not _is_within(to_unit, d.competent_agency):
            d.step = Step.AT_DESK
        else:
            d.step = Step.WITH_UNIT
        now = _now()
        _save(d, ["status", "current_unit", "assigned_officer", "step"])
        _event(
            d,
            DossierEvent.Kind.HANDOFF,
            by=by,
            at=now,
            from_status=previous,
            to_status=d.status,
            from_unit=from_unit,
            to_unit=to_unit,
            step_deadline=step_deadline,
            note=(note or "").strip(),
        )
    return _sync(dossier, d)


def assign(*, dossier: Dossier, by, officer, note: str = "", revision=None) -> Dossier:
    """Assign a processing officer (of the holding unit or the competent agency)."""
    with transaction.atomic():
        d = _lock(dossier)
        _ensure_not_draft(d)
        workflow.ensure_revision(d, revision)
        workflow.ensure_action(d, action="assign", user=by)
        if not any(
            has_role(officer, Role.PROCESSING_OFFICER, Role.AGENCY_LEADER, agency=agency)
            for agency in (d.current_unit, d.competent_agency)
        ):
            raise ValidationError(
                {"officer": _("Người được phân công không phải chuyên viên của đơn vị xử lý.")}
            )
        previous = Status(d.status)
        if previous == Status.ACCEPTED:
            workflow.ensure_allowed(d, to=Status.PROCESSING, user=by)
            d.status = Status.PROCESSING
        d.assigned_officer = officer
        d.step = Step.WITH_OFFICER
        _save(d, ["status", "assigned_officer", "step"])
        _event(
            d,
            DossierEvent.Kind.ASSIGN,
            by=by,
            from_status=previous,
            to_status=d.status,
            from_unit=d.current_unit,
            to_unit=d.current_unit,
            note=(note or "").strip(),
            data={"officer": officer.pk, "officer_name": officer.full_name},
            public=False,
        )
    return _sync(dossier, d)


def request_payment(*, dossier: Dossier, by, amount, note: str = "", revision=None) -> Dossier:
    """Ask the applicant to pay fees / taxes (status 6); the clock pauses until confirmed."""
    with transaction.atomic():
        d = _lock(dossier)
        try:
            amount = int(amount)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"amount": _("Số tiền không hợp lệ.")}) from exc
        if amount <= 0:
            raise ValidationError({"amount": _("Số tiền phải lớn hơn 0.")})
        previous = _move(d, to=Status.WAITING_PAYMENT, by=by, revision=revision)
        now = _now()
        d.fee_amount = amount
        d.fees_paid = False
        d.paused_at = now
        _save(d, ["status", "fee_amount", "fees_paid", "paused_at"])
        event = _transition_event(
            d, previous, by=by, at=now, note=(note or "").strip(), data={"amount": amount}
        )
        _notify(d, event)
    return _sync(dossier, d)


def confirm_payment(*, dossier: Dossier, by, revision=None) -> Dossier:
    """Payment received: back to processing; the due moment moves by the paused working time."""
    with transaction.atomic():
        d = _lock(dossier)
        previous = _move(d, to=Status.PROCESSING, by=by, revision=revision)
        if previous != Status.WAITING_PAYMENT:
            raise WorkflowError(_("Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính."))
        now = _now()
        seconds = _resume_clock(d, now)
        d.fees_paid = True
        _save(d, ["status", "fees_paid", "paused_at", "due_at"])
        _transition_event(
            d, previous, by=by, at=now, data={"paid": True, "paused_working_seconds": seconds}
        )
    return _sync(dossier, d)


def add_result(*, dossier: Dossier, by, file, title: str) -> DossierAttachment:
    """Attach a result document (file already validated by the form)."""
    with transaction.atomic():
        d = _lock(dossier)
        _ensure_not_draft(d)
        workflow.ensure_action(d, action="attach_result", user=by)
        title = _require_text(title, "title")
        attachment = DossierAttachment(
            dossier=d,
            role=DossierAttachment.Role.RESULT,
            title=title[:500],
            original_name=(getattr(file, "name", "") or "")[-255:],
            content_type=(getattr(file, "content_type", "") or "")[:100],
            size=getattr(file, "size", 0) or 0,
            is_digitised=True,
            uploaded_by=by,
        )
        attachment.file.save(attachment.original_name or "ket-qua", file, save=False)
        attachment.save()
        _event(
            d,
            DossierEvent.Kind.ATTACHMENT,
            by=by,
            public=False,
            note=title,
            data={"attachment": attachment.pk, "role": "result", "action": "add"},
        )
        _save(d, [])
    _sync(dossier, d)
    return attachment


def finish(*, dossier: Dossier, by, note: str = "", revision=None) -> Dossier:
    """Processing finished: the outcome (early / on time / late) is fixed now."""
    with transaction.atomic():
        d = _lock(dossier)
        previous = _move(d, to=Status.FINISHED, by=by, revision=revision)
        now = _now()
        d.finished_at = now
        _amount, unit = deadlines.time_limit(case=d.case, channel=d.channel)
        d.outcome = deadlines.outcome_for(finished_at=now, due_at=d.due_at, unit=unit)
        d.step = Step.RESULT_AT_DESK if d.current_unit_id == d.receiving_unit_id else d.step
        _save(d, ["status", "finished_at", "outcome", "step"])
        event = _transition_event(
            d, previous, by=by, at=now, note=(note or "").strip(), data={"outcome": d.outcome}
        )
        _notify(d, event)
    return _sync(dossier, d)


def return_result(*, dossier: Dossier, by, revision=None) -> Dossier:
    """The result is handed to the applicant (at the desk or by post)."""
    with transaction.atomic():
        d = _lock(dossier)
        previous = _move(d, to=Status.RETURNED, by=by, revision=revision)
        now = _now()
        d.returned_at = now
        _close(d, now)
        _save(d, ["status", "returned_at", "step", "closed_at", "paused_at"])
        event = _transition_event(d, previous, by=by, at=now)
        _notify(d, event)  # thanks, and the invitation to rate the service
    return _sync(dossier, d)


def apologise(
    *,
    dossier: Dossier,
    by,
    reason: str,
    new_due_at: datetime.datetime,
    responsible_agency=None,
    revision=None,
) -> Apology:
    """Apology and new appointment (Mẫu 04): once per dossier, before the due moment passes,
    to a later moment. `original_due_at` keeps the first due moment."""
    with transaction.atomic():
        d = _lock(dossier)
        _ensure_not_draft(d)
        workflow.ensure_revision(d, revision)
        workflow.ensure_action(d, action="apologise", user=by)
        if Apology.objects.filter(dossier=d).exists():
            raise WorkflowError(
                _("Hồ sơ đã được xin lỗi và hẹn lại một lần; không thể hẹn lại lần nữa.")
            )
        reason = _require_text(reason, "reason")
        now = _now()
        if d.due_at is None:
            raise WorkflowError(_("Hồ sơ không có hạn trả kết quả."))
        if now >= d.due_at:
            raise WorkflowError(
                _("Đã quá hạn trả kết quả; phiếu xin lỗi phải được lập trước thời hạn.")
            )
        if new_due_at is None or new_due_at <= d.due_at:
            raise ValidationError(
                {
                    "new_due_at": _("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại (%(due)s).")
                    % {"due": timezone.localtime(d.due_at).strftime("%H:%M %d/%m/%Y")}
                }
            )
        old_due = d.due_at
        apology = Apology.objects.create(
            dossier=d,
            reason=reason,
            old_due_at=old_due,
            new_due_at=new_due_at,
            responsible_agency=responsible_agency or d.competent_agency,
            signed_by=by,
            created_at=now,
        )
        d.original_due_at = d.original_due_at or old_due
        d.due_at = new_due_at
        _save(d, ["due_at", "original_due_at"])
        event = _event(
            d,
            DossierEvent.Kind.APOLOGY,
            by=by,
            at=now,
            note=reason,
            step_deadline=new_due_at,
            data={"old_due_at": old_due.isoformat(), "new_due_at": new_due_at.isoformat()},
        )
        _notify(d, event)
    _sync(dossier, d)
    return apology


def withdraw(*, dossier: Dossier, by, reason: str, revision=None) -> Dossier:
    """The applicant withdraws the dossier (or the desk records their request)."""
    return _close_with(
        dossier=dossier, by=by, reason=reason, to=Status.WITHDRAWN, revision=revision
    )


def stop(*, dossier: Dossier, by, reason: str, revision=None) -> Dossier:
    """A leader stops processing."""
    return _close_with(dossier=dossier, by=by, reason=reason, to=Status.STOPPED, revision=revision)


def _close_with(*, dossier: Dossier, by, reason: str, to: Status, revision) -> Dossier:
    with transaction.atomic():
        d = _lock(dossier)
        reason = _require_text(reason, "reason")
        previous = _move(d, to=to, by=by, revision=revision)
        now = _now()
        _close(d, now)
        _save(d, ["status", "step", "closed_at", "paused_at"])
        d.supplement_requests.filter(answered_at__isnull=True).update(
            answered_at=now, answer_note=str(Status(to).label)
        )
        _transition_event(d, previous, by=by, at=now, note=reason)
    return _sync(dossier, d)


# --- retention ----------------------------------------------------------------------------------
def purgeable_dossiers(*, returned_before: datetime.datetime):
    """Returned dossiers whose result was handed back before `returned_before` and that still
    hold attachment files."""
    return (
        Dossier.objects.filter(status=Status.RETURNED, returned_at__lt=returned_before)
        .filter(attachments__purged_at__isnull=True)
        .exclude(attachments__file="")
        .distinct()
        .order_by("returned_at", "pk")
    )


def purge_attachments(*, dossier: Dossier, retention_days: int) -> int:
    """Delete the attachment files of a returned dossier, keeping the dossier and the attachment
    rows (marked `purged_at`); one internal event row. Files are removed from storage only after
    the transaction commits. Returns how many files were purged."""
    now = _now()
    with transaction.atomic():
        d = _lock(dossier)
        if d.status != Status.RETURNED:
            raise WorkflowError(_("Chỉ xóa tệp của hồ sơ đã trả kết quả."))
        attachments = list(
            DossierAttachment.objects.select_for_update()
            .filter(dossier=d, purged_at__isnull=True)
            .exclude(file="")
        )
        if not attachments:
            return 0
        names = [a.file.name for a in attachments]
        storage = attachments[0].file.storage
        DossierAttachment.objects.filter(pk__in=[a.pk for a in attachments]).update(
            purged_at=now, file=""
        )
        _event(
            d,
            DossierEvent.Kind.ATTACHMENT,
            at=now,
            public=False,
            note=_("Đã xóa %(count)d tệp đính kèm theo thời hạn lưu trữ (%(days)d ngày).")
            % {"count": len(names), "days": retention_days},
            data={"purged": [a.pk for a in attachments], "retention_days": retention_days},
        )

        def _delete_files():
            for name in names:
                try:
                    storage.delete(name)
                except OSError:
                    logger.exception("could not delete purged attachment file %s", name)

        transaction.on_commit(_delete_files)
    return len(names)
