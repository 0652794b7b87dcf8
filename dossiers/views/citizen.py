"""Citizen side of the dossiers: online submission (start → details → documents → review →
submit → confirmation), "Hồ sơ của tôi", supplement answers, withdrawal and downloads.

Views only authenticate, check the applicant owns the dossier (through the selectors) and
validate forms; every write goes through `dossiers.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from agencies.models import Agency
from core import audit, generations
from procedures import selectors as procedure_selectors
from procedures.models import OnlineLevel, ProcedureCase, RequiredDocument

from .. import deadlines, selectors, services, workflow
from ..forms.citizen import DetailsForm, DocumentsForm, StartForm, SupplementForm, WithdrawForm
from ..models import Channel, DossierAttachment, Status, Step
from .staff import purged_response

APPLICANT_KINDS = frozenset({User.Kind.CITIZEN, User.Kind.ORGANISATION})
# Agencies that can be competent for a procedure when the catalogue names none.
COMPETENT_KINDS = (
    Agency.Kind.PEOPLES_COMMITTEE,
    Agency.Kind.DEPARTMENT,
    Agency.Kind.BOARD,
    Agency.Kind.OFFICE,
    Agency.Kind.INSPECTORATE,
)


# --- helpers ---------------------------------------------------------------------------------


def _cases_for_online(version):
    """Cases of `version` open to online submission (a case marked "info only" is not)."""
    return (
        ProcedureCase.objects.filter(version=version)
        .exclude(online_level=OnlineLevel.INFO)
        .order_by("order", "pk")
    )


def _competent_agencies(version):
    """The version's implementing agencies active today; else the agencies of its levels;
    None when there are neither."""
    today = timezone.localdate()
    linked = (
        Agency.objects.active_on(today)
        .filter(procedure_links__version=version)
        .distinct()
        .order_by("display_order", "name")
    )
    if linked:  # read once: the form looks the choice up among these rows
        return linked
    levels = [
        level
        for level, flag in (
            (Agency.Level.PROVINCE, version.at_province),
            (Agency.Level.DISTRICT, version.at_district),
            (Agency.Level.COMMUNE, version.at_commune),
        )
        if flag
    ]
    by_level = (
        Agency.objects.active_on(today)
        .filter(level__in=levels, kind__in=COMPETENT_KINDS)
        .order_by("level", "display_order", "name")
    )
    return by_level if by_level else None


def _draft(request, public_id):
    """The user's own dossier (404 otherwise); redirect target when it is no longer a draft."""
    dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    if not dossier.is_draft:
        return dossier, redirect("dossiers:citizen_detail", public_id=dossier.public_id)
    return dossier, None


def _steps(current: str, dossier=None) -> list[dict]:
    names = [
        ("start", _("Chọn trường hợp")),
        ("details", _("Thông tin người nộp")),
        ("documents", _("Thành phần hồ sơ")),
        ("review", _("Xem lại và nộp")),
    ]
    urls = {}
    if dossier is not None:
        urls = {
            "details": reverse("dossiers:citizen_draft_details", args=[dossier.public_id]),
            "documents": reverse("dossiers:citizen_draft_documents", args=[dossier.public_id]),
            "review": reverse("dossiers:citizen_draft_review", args=[dossier.public_id]),
        }
    keys = [k for k, _label in names]
    out = []
    for i, (key, label) in enumerate(names, start=1):
        out.append(
            {
                "number": i,
                "label": label,
                "current": key == current,
                "done": keys.index(key) < keys.index(current),
                "url": urls.get(key, ""),
            }
        )
    return out


def _required_documents(dossier):
    return list(RequiredDocument.objects.filter(case=dossier.case).order_by("order", "pk"))


def _input_attachments(dossier):
    return list(
        DossierAttachment.objects.filter(dossier=dossier, role=DossierAttachment.Role.INPUT)
        .select_related("required_document")
        .order_by("pk")
    )


def _documents_table(dossier) -> list[dict]:
    """One row per required document with the files uploaded for it, then "other papers"."""
    attachments = _input_attachments(dossier)
    rows = []
    for doc in _required_documents(dossier):
        rows.append(
            {
                "document": doc,
                "field": f"doc_{doc.pk}",
                "files": [a for a in attachments if a.required_document_id == doc.pk],
            }
        )
    others = [a for a in attachments if a.required_document_id is None]
    rows.append({"document": None, "field": DocumentsForm.OTHER, "files": others})
    return rows


def _missing_mandatory(rows) -> list:
    return [
        r["document"] for r in rows if r["document"] and r["document"].mandatory and not r["files"]
    ]


def _tracking_url(request, dossier) -> str:
    query = urlencode({"ma": dossier.code, "k": dossier.tracking_secret})
    return request.build_absolute_uri(f"{reverse('dossiers:track')}?{query}")


def _error_text(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _message(exc: Exception) -> str:
    """The Vietnamese message of a refused move (WorkflowError) or bad data (ValidationError)."""
    if isinstance(exc, ValidationError):
        return " ".join(_error_text(exc))
    return str(exc)


# --- submission ------------------------------------------------------------------------------


@login_required
def submit(request, code: str):
    """Start an online dossier for the procedure `code`: choose the case and the agency."""
    # the cached header (no sections): the page shows the name and the cases only
    version, not_in_force = procedure_selectors.version_header(code=code, day=timezone.localdate())
    if version is None or not_in_force:
        raise Http404(_("Thủ tục không còn hiệu lực."))
    back = redirect("procedures:detail", code=code)
    if request.user.kind not in APPLICANT_KINDS:
        messages.error(
            request,
            _(
                "Chức năng nộp hồ sơ trực tuyến dành cho tài khoản công dân hoặc tổ chức. "
                "Tài khoản cán bộ không nộp hồ sơ tại đây."
            ),
        )
        return back
    if not version.allows_online_submission:
        messages.warning(
            request,
            _(
                "Thủ tục này chưa cung cấp dịch vụ công trực tuyến. Vui lòng nộp hồ sơ trực tiếp "
                "hoặc qua bưu chính tại bộ phận tiếp nhận và trả kết quả."
            ),
        )
        return back

    cases = _cases_for_online(version)
    agencies = _competent_agencies(version)
    drafts = selectors.drafts_of(user=request.user, version=version)
    context = {"version": version, "steps": _steps("start"), "drafts": drafts}
    case_count = len(cases)
    if not case_count:
        context["problem"] = _("Thủ tục này chưa có trường hợp nào được nộp trực tuyến.")
        return render(request, "dossiers/citizen/start.html", context)
    if agencies is None:
        context["problem"] = _(
            "Chưa xác định được cơ quan giải quyết thủ tục này trên Cổng. Vui lòng liên hệ bộ "
            "phận tiếp nhận và trả kết quả để được hướng dẫn."
        )
        return render(request, "dossiers/citizen/start.html", context)

    form = StartForm(request.POST or None, cases=cases, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.create_draft(
                user=request.user,
                case=form.cleaned_data["case"],
                competent_agency=form.cleaned_data["competent_agency"],
            )
        except (ValidationError, workflow.WorkflowError) as exc:
            messages.error(request, _message(exc))
        else:
            return redirect("dossiers:citizen_draft_details", public_id=dossier.public_id)
    context.update(
        {
            "form": form,
            "single_case": case_count == 1,
            "fields_key": _start_fields_key(form, version),
        }
    )
    return render(request, "dossiers/citizen/start.html", context)


def _start_fields_key(form, version) -> str | None:
    """The start form's fields, unbound, show only the version's cases and today's competent
    agencies: rendered once per version, day and catalogue generation (which agency changes
    replace too). None for a bound form or inside a transaction: rendered each time."""
    if form.is_bound:
        return None
    return generations.derived_key(
        [procedure_selectors.GENERATION_KEY], version.pk, timezone.localdate()
    )


@login_required
def draft_details(request, public_id):
    dossier, moved = _draft(request, public_id)
    if moved:
        return moved
    form = DetailsForm(request.POST or None, initial=DetailsForm.initial_from(dossier))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(dossier=dossier, user=request.user, data=form.to_service_data())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("dossiers:citizen_draft_documents", public_id=dossier.public_id)
    return render(
        request,
        "dossiers/citizen/details.html",
        {"dossier": dossier, "form": form, "steps": _steps("details", dossier)},
    )


@login_required
def draft_documents(request, public_id):
    dossier, moved = _draft(request, public_id)
    if moved:
        return moved
    documents = _required_documents(dossier)
    form = DocumentsForm(request.POST or None, request.FILES or None, documents=documents)
    if request.method == "POST":
        form.is_valid()
        files = [
            (required_document, file, required_document.name if required_document else file.name)
            for required_document, file in form.valid_files()
        ]
        saved = 0
        failed = []
        if files:  # all of the form's files, or none
            try:
                saved = len(
                    services.add_attachments(dossier=dossier, user=request.user, files=files)
                )
            except (ValidationError, workflow.WorkflowError) as exc:
                failed.append(_message(exc))
        for text in failed:
            messages.error(request, text)
        if saved:
            messages.success(
                request, _("Đã tải lên %(count)d tệp và lưu vào hồ sơ nháp.") % {"count": saved}
            )
        if not form.errors and not failed:
            if "next" in request.POST:
                return redirect("dossiers:citizen_draft_review", public_id=dossier.public_id)
            return redirect("dossiers:citizen_draft_documents", public_id=dossier.public_id)
        # keep the errors next to their slots; files already saved are listed from the DB
    rows = _documents_table(dossier)
    for row in rows:
        row["bound"] = form[row["field"]]
    return render(
        request,
        "dossiers/citizen/documents.html",
        {
            "dossier": dossier,
            "form": form,
            "rows": rows,
            "missing": _missing_mandatory(rows),
            "steps": _steps("documents", dossier),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def draft_remove_attachment(request, public_id, pk: int):
    dossier, moved = _draft(request, public_id)
    if moved:
        return moved
    attachment = DossierAttachment.objects.filter(
        pk=pk, dossier=dossier, role=DossierAttachment.Role.INPUT
    ).first()
    if attachment is None:
        raise Http404
    try:
        services.remove_attachment(attachment=attachment, user=request.user)
    except (ValidationError, workflow.WorkflowError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Đã xóa tệp khỏi hồ sơ nháp."))
    return redirect("dossiers:citizen_draft_documents", public_id=dossier.public_id)


@login_required
def draft_review(request, public_id):
    dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    if request.method == "POST":
        # double-click safe: submit_online is a no-op on a dossier already submitted
        try:
            dossier = services.submit_online(dossier=dossier, user=request.user)
        except ValidationError as exc:
            for text in _error_text(exc):
                messages.error(request, text)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("dossiers:citizen_submitted", public_id=dossier.public_id)
        dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    if not dossier.is_draft:
        return redirect("dossiers:citizen_detail", public_id=dossier.public_id)
    rows = _documents_table(dossier)
    return render(
        request,
        "dossiers/citizen/review.html",
        {
            "dossier": dossier,
            "rows": rows,
            "missing": _missing_mandatory(rows),
            "expected_due_at": deadlines.expected_due_at(
                case=dossier.case, channel=Channel.ONLINE, agency=dossier.competent_agency
            ),
            "steps": _steps("review", dossier),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def draft_delete(request, public_id):
    dossier, moved = _draft(request, public_id)
    if moved:
        messages.error(request, _("Chỉ xóa được hồ sơ nháp; hồ sơ đã nộp có thể rút."))
        return moved
    try:
        services.delete_draft(dossier=dossier, user=request.user)
    except (ValidationError, workflow.WorkflowError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Đã xóa hồ sơ nháp."))
    return redirect("dossiers:my_dossiers")


@login_required
def submitted(request, public_id):
    dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    if dossier.is_draft:
        return redirect("dossiers:citizen_draft_review", public_id=dossier.public_id)
    expected = dossier.due_at
    if expected is None and not dossier.is_closed:
        expected = deadlines.expected_due_at(
            case=dossier.case,
            channel=dossier.channel,
            agency=dossier.competent_agency,
            at=dossier.submitted_at,
        )
    return render(
        request,
        "dossiers/citizen/submitted.html",
        {
            "dossier": dossier,
            "expected_due_at": expected,
            "tracking_url": _tracking_url(request, dossier),
        },
    )


# --- citizen area ----------------------------------------------------------------------------


@login_required
def my_dossiers(request):
    dossiers = list(selectors.dossiers_for_citizen(user=request.user))
    drafts = [d for d in dossiers if d.step == Step.DRAFT]
    submitted_list = [d for d in dossiers if d.step != Step.DRAFT]
    return render(
        request,
        "dossiers/citizen/my_dossiers.html",
        {"dossiers": submitted_list, "drafts": drafts},
    )


def _open_supplement(dossier):
    if dossier.status != Status.WAITING_SUPPLEMENT:
        return None
    return (
        dossier.supplement_requests.filter(answered_at__isnull=True)
        .prefetch_related(
            Prefetch("attachments", queryset=DossierAttachment.objects.order_by("pk"))
        )
        .order_by("-requested_at")
        .first()
    )


def _detail_context(request, dossier, *, supplement_form=None, withdraw_form=None) -> dict:
    attachments = list(
        DossierAttachment.objects.filter(dossier=dossier)
        .select_related("required_document")
        .order_by("role", "pk")
    )
    result_ready = dossier.status in (Status.FINISHED, Status.RETURNED)
    supplement = _open_supplement(dossier)
    targets = workflow.allowed_targets(dossier, request.user)
    if supplement is not None and supplement_form is None:
        supplement_form = SupplementForm(
            items=supplement.items, initial={"revision": dossier.revision}
        )
    can_withdraw = Status.WITHDRAWN in targets
    if can_withdraw and withdraw_form is None:
        withdraw_form = WithdrawForm(initial={"revision": dossier.revision})
    return {
        "dossier": dossier,
        "events": selectors.timeline(dossier=dossier, public=True),
        "inputs": [a for a in attachments if a.role == DossierAttachment.Role.INPUT],
        "supplements": [a for a in attachments if a.role == DossierAttachment.Role.SUPPLEMENT],
        "results": [a for a in attachments if a.role == DossierAttachment.Role.RESULT]
        if result_ready
        else [],
        "result_ready": result_ready,
        "supplement": supplement,
        "supplement_form": supplement_form,
        "supplement_fields": [
            (item, supplement_form[f"item_{i}"]) for i, item in enumerate(supplement.items)
        ]
        if supplement is not None
        else [],
        "can_withdraw": can_withdraw,
        "withdraw_form": withdraw_form,
        "refusal": getattr(dossier, "refusal", None) if dossier.status == Status.REFUSED else None,
        "tracking_url": _tracking_url(request, dossier) if dossier.code else "",
    }


@login_required
def detail(request, public_id):
    dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    if dossier.is_draft:
        return redirect("dossiers:citizen_draft_review", public_id=dossier.public_id)
    return render(request, "dossiers/citizen/detail.html", _detail_context(request, dossier))


@login_required
@require_POST
def answer_supplement(request, public_id):
    dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    supplement = _open_supplement(dossier)
    if supplement is None:
        messages.error(request, _("Hồ sơ không có yêu cầu bổ sung nào đang chờ."))
        return redirect("dossiers:citizen_detail", public_id=dossier.public_id)
    form = SupplementForm(request.POST, request.FILES, items=supplement.items)
    valid = form.is_valid()
    try:
        workflow.ensure_revision(dossier, form.cleaned_data.get("revision"))
    except workflow.StaleDossier as exc:
        messages.error(request, str(exc))
        return redirect("dossiers:citizen_detail", public_id=dossier.public_id)
    failed = False
    files = [(None, file, title) for title, file in form.valid_files()]
    if files:  # all of the form's files, or none
        try:
            services.add_attachments(
                dossier=dossier,
                user=request.user,
                files=files,
                role=DossierAttachment.Role.SUPPLEMENT,
                supplement_request=supplement,
            )
        except (ValidationError, workflow.WorkflowError) as exc:
            failed = True
            messages.error(request, _message(exc))
    note = form.cleaned_data.get("note", "") if valid or "note" in form.cleaned_data else ""
    if valid and not failed:
        # a fresh query: `supplement` may carry a prefetched (stale) attachment list
        has_files = DossierAttachment.objects.filter(supplement_request=supplement).exists()
        if not has_files and not note.strip():
            form.add_error(
                None,
                _("Vui lòng tải lên giấy tờ được yêu cầu hoặc ghi chú cho cơ quan trước khi gửi."),
            )
        else:
            try:
                services.answer_supplement(dossier=dossier, by=request.user, note=note)
            except (ValidationError, workflow.WorkflowError) as exc:
                messages.error(request, _message(exc))
            else:
                messages.success(
                    request,
                    _("Đã gửi hồ sơ bổ sung. Cơ quan giải quyết sẽ tiếp tục xử lý hồ sơ."),
                )
                return redirect("dossiers:citizen_detail", public_id=dossier.public_id)
    dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    return render(
        request,
        "dossiers/citizen/detail.html",
        _detail_context(request, dossier, supplement_form=form),
        status=400,
    )


@login_required
def withdraw(request, public_id):
    dossier = selectors.get_for_citizen(user=request.user, public_id=public_id)
    if dossier.is_draft:
        return redirect("dossiers:citizen_draft_review", public_id=dossier.public_id)
    form = WithdrawForm(request.POST or None, initial={"revision": dossier.revision})
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                dossier=dossier,
                by=request.user,
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data.get("revision"),
            )
        except (ValidationError, workflow.WorkflowError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("dossiers:citizen_detail", public_id=dossier.public_id)
    return render(
        request,
        "dossiers/citizen/withdraw.html",
        {
            "dossier": dossier,
            "form": form,
            "allowed": Status.WITHDRAWN in workflow.allowed_targets(dossier, request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def attachment_download(request, public_id, pk: int):
    """Serve one attachment to whoever may see it (applicant or staff); 404 for anyone else."""
    attachment = (
        DossierAttachment.objects.select_related("dossier")
        .filter(pk=pk, dossier__public_id=public_id)
        .first()
    )
    if attachment is None or not selectors.can_download(user=request.user, attachment=attachment):
        raise Http404
    if attachment.purged_at is not None:
        return purged_response(request, attachment)
    if not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    if attachment.dossier.applicant_user_id != request.user.pk:  # staff reading personal data
        audit.record(
            request,
            action=audit.ATTACHMENT_DOWNLOAD,
            obj=attachment.dossier,
            detail=str(attachment.pk),
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
