"""Staff side of the dossiers: the desk console (paper intake), the queue, the staff dossier page
with its action forms, official forms as PDF and the register export.

Views stay thin: authentication, permission, form validation; writes go to dossiers.services,
reads to dossiers.selectors.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import agencies_of, is_staff_user
from agencies import worktime
from core import audit
from core.text import parse_id
from procedures.models import ProcedureCase, ProcedureVersion
from reports import services as report_services

from .. import page_cache, pdf, selectors, services, workflow
from ..forms.staff import (
    ACTION_FORMS,
    DeskIntakeForm,
    DossierQueueFilter,
    ProcedureSearchForm,
    RegisterExportForm,
    search_procedures,
)
from ..models import Apology, Dossier, DossierAttachment, Status, Step

QUEUE_PER_PAGE = 25
OPEN_PARAM = "thao-tac"  # ?thao-tac=<action>: the staff page with that action's form open
PENDING_LIMIT = 50


# --- helpers ----------------------------------------------------------------------------------
def _desk_units(user):
    units = (
        agencies_of(user, roles=[Role.DESK_OFFICER]).active_on().order_by("display_order", "name")
    )
    if not units.exists():
        raise PermissionDenied
    return units


def _require_staff(user) -> None:
    if not is_staff_user(user):
        raise PermissionDenied


def _add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the field it names (or on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


_as_id = parse_id  # no "²", no 5,000-digit ids


def _in_force_version(pk) -> ProcedureVersion | None:
    pk = _as_id(pk)
    if pk is None:
        return None
    return (
        ProcedureVersion.objects.in_force_on(timezone.localdate())
        .select_related("procedure")
        .filter(pk=int(pk))
        .first()
    )


def _case_of(version: ProcedureVersion, pk) -> ProcedureCase | None:
    pk = _as_id(pk)
    if pk is None:
        return None
    return ProcedureCase.objects.filter(version=version, pk=int(pk)).first()


# --- desk console -----------------------------------------------------------------------------
def _pending_online(user, units):
    return (
        selectors.queue_for(user=user, filters={"status": Status.SUBMITTED})
        .filter(step=Step.AT_DESK, receiving_unit__in=units)
        .annotate(attachment_count=Count("attachments"))
        .order_by("submitted_at", "pk")[:PENDING_LIMIT]
    )


def _render_desk(request, *, units, form=None, status=200):
    search_form = ProcedureSearchForm(request.GET or None)
    query = request.GET.get("q", "") if form is None else ""
    results = search_procedures(query) if query else []
    if form is None:
        search_form.fields["q"].widget.attrs["autofocus"] = True
    return render(
        request,
        "dossiers/staff/desk.html",
        {
            "units": units,
            "search_form": search_form,
            "query": query,
            "results": results,
            "form": form,
            "document_rows": form.document_rows() if form is not None else [],
            "pending": _pending_online(request.user, units),
            "register_form": RegisterExportForm(
                units=units, auto_id="id_register_%s", initial={"unit": units[0].pk}
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk(request):
    """Log a paper dossier: find the procedure, then one form and one of four buttons."""
    units = _desk_units(request.user)
    if request.method == "POST":
        return _desk_post(request, units)
    version = _in_force_version(request.GET.get("thu_tuc"))
    form = None
    if version is not None:
        case = _case_of(version, request.GET.get("case"))
        initial = {k: v for k, v in request.GET.items() if k not in ("thu_tuc", "case")}
        form = DeskIntakeForm(units=units, version=version, case=case, initial=initial)
    return _render_desk(request, units=units, form=form)


def _desk_post(request, units):
    version = _in_force_version(request.POST.get("version"))
    if version is None:
        messages.error(request, _("Thủ tục không tồn tại hoặc không còn hiệu lực."))
        return redirect("dossiers:desk")
    action = request.POST.get("action")
    if action == "reload":  # without JavaScript: show the documents of the newly chosen case
        case = _case_of(version, request.POST.get("case"))
        initial = {k: v for k, v in request.POST.items() if not k.startswith("doc")}
        initial.pop("csrfmiddlewaretoken", None)
        form = DeskIntakeForm(units=units, version=version, case=case, initial=initial)
        return _render_desk(request, units=units, form=form)
    form = DeskIntakeForm(request.POST, units=units, version=version, action=action)
    if not form.is_valid():
        return _render_desk(request, units=units, form=form, status=400)
    data = form.cleaned_data
    applicant, owner = form.people()
    common = {
        "by": request.user,
        "receiving_unit": data["receiving_unit"],
        "case": data["case"],
        "competent_agency": data["competent_agency"],
        "channel": data["channel"],
        "applicant": applicant,
        "owner": owner,
        "summary": data.get("summary", ""),
        "copies": data["copies"],
        "documents": form.received_documents(),
        "return_by_post": bool(data.get("return_by_post")),
    }
    try:
        with transaction.atomic():
            dossier = services.log_paper_dossier(**common, accept=(action == "accept"))
            if action == "supplement":
                services.request_supplement(
                    dossier=dossier,
                    by=request.user,
                    items=form.missing_items(),
                    reason=data["supplement_reason"],
                )
            elif action == "refuse":
                services.refuse(dossier=dossier, by=request.user, reasons=data["refuse_reasons"])
            elif action == "spot":
                services.resolve_on_spot(dossier=dossier, by=request.user)
    except workflow.WorkflowError as exc:
        form.add_error(None, str(exc))
        return _render_desk(request, units=units, form=form, status=400)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return _render_desk(request, units=units, form=form, status=400)
    done = {
        "accept": _("Đã tiếp nhận hồ sơ %(code)s."),
        "supplement": _("Đã lập phiếu yêu cầu bổ sung cho hồ sơ %(code)s."),
        "refuse": _("Đã từ chối tiếp nhận hồ sơ %(code)s."),
        "spot": _("Đã giải quyết ngay hồ sơ %(code)s."),
    }[action]
    messages.success(request, done % {"code": dossier.code})
    return redirect("dossiers:desk_done", code=dossier.code)


@login_required
@require_GET
def desk_suggest(request):
    """htmx: the procedures matching the typed words (a listbox the arrow keys walk through)."""
    _desk_units(request.user)
    query = request.GET.get("q", "")
    return render(
        request,
        "dossiers/staff/_suggestions.html",
        {"results": search_procedures(query) if query.strip() else [], "query": query},
    )


@login_required
@require_GET
def desk_documents(request):
    """htmx: the document rows of the chosen case (when the case select changes)."""
    units = _desk_units(request.user)
    version = _in_force_version(request.GET.get("version"))
    if version is None:
        raise Http404
    form = DeskIntakeForm(
        units=units, version=version, case=_case_of(version, request.GET.get("case"))
    )
    return render(
        request,
        "dossiers/staff/_desk_documents.html",
        {"form": form, "document_rows": form.document_rows()},
    )


@login_required
@require_GET
def desk_done(request, code):
    dossier = selectors.get_for_staff(user=request.user, code=code)
    return render(
        request,
        "dossiers/staff/desk_done.html",
        {"dossier": dossier, "forms": pdf.available_forms(dossier)},
    )


@login_required
@require_POST
def register_export(request):
    """Mẫu 06 as XLSX through the report engine → the job's progress page."""
    units = agencies_of(request.user).order_by("display_order", "name")
    form = RegisterExportForm(request.POST, units=units, auto_id="id_register_%s")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dossiers:desk")
    data = form.cleaned_data
    try:
        job = report_services.request_export(
            kind="dossiers.register.xlsx",
            params={
                "unit": data["unit"].pk,
                "date_from": data["date_from"].isoformat(),
                "date_to": data["date_to"].isoformat(),
            },
            user=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("dossiers:desk")
    return redirect("reports:job_detail", public_id=job.public_id)


# --- queue ------------------------------------------------------------------------------------
def _badges(rows: selectors.QueueRows, now) -> None:
    """Mark overdue dossiers and those due within one working day, from the page's entries (no
    queries; the rows, when read, carry them)."""
    soon = worktime.add_working_days(now, 1)
    for pk, due_at, status, _finished in rows.entries:
        if status in (Status.ACCEPTED, Status.PROCESSING) and due_at:
            if due_at < now:
                rows.badges[pk] = "overdue"
            elif due_at <= soon:
                rows.badges[pk] = "due_soon"


@login_required
@require_GET
def queue(request):
    _require_staff(request.user)
    status = request.GET.get("status", "")
    filters = {"status": _as_id(status)} if _as_id(status) is not None else {}
    filterset = DossierQueueFilter(request.GET or None, queryset=Dossier.objects.none())
    params = request.GET.copy()
    params.pop("trang", None)
    querystring = params.urlencode()
    if filterset.is_bound and not filterset.is_valid():
        dossiers = []
    else:
        dossiers = selectors.queue_listing(
            user=request.user,
            filters=filters,
            refine=filterset.filter_queryset if filterset.is_bound else None,
            scope=querystring,  # all that the filters read
        )
    paginator = Paginator(dossiers, QUEUE_PER_PAGE)
    page = paginator.get_page(request.GET.get("trang"))
    rows = page.object_list
    rows_key = None  # an invalid filter lists nothing: a plain empty list
    if isinstance(rows, selectors.QueueRows):
        _badges(rows, timezone.now())
        rows_key = rows.fragment_key()
    return render(
        request,
        "dossiers/staff/queue.html",
        {
            "filter": filterset,
            "page_obj": page,
            "dossiers": rows,
            "rows_key": rows_key,
            "querystring": querystring,
        },
    )


# --- staff dossier page -----------------------------------------------------------------------
def _may_act(dossier: Dossier, user, action: str) -> bool:
    return workflow.may_act(dossier, action=action, user=user)


def available_actions(dossier: Dossier, user) -> list[str]:
    """The action forms to show this user now (every move is checked again by the service)."""
    if dossier.is_draft or dossier.is_closed:
        return []
    targets = set(workflow.allowed_targets(dossier, user))
    status = Status(dossier.status)
    actions = []
    if status == Status.SUBMITTED:
        for target, action in (
            (Status.ACCEPTED, "accept"),
            (Status.WAITING_SUPPLEMENT, "supplement"),
            (Status.REFUSED, "refuse"),
            (Status.RETURNED, "spot"),
        ):
            if target in targets:
                actions.append(action)
    else:
        if Status.WAITING_SUPPLEMENT in targets:
            actions.append("supplement")
        if status == Status.WAITING_SUPPLEMENT and targets & {Status.PROCESSING, Status.SUBMITTED}:
            actions.append("answer_supplement")
        if Status.WAITING_PAYMENT in targets:
            actions.append("request_payment")
        if status == Status.WAITING_PAYMENT and Status.PROCESSING in targets:
            actions.append("confirm_payment")
        if Status.FINISHED in targets:
            actions.append("finish")
        if status == Status.FINISHED and Status.RETURNED in targets:
            actions.append("return_result")
    if _may_act(dossier, user, "hand_over"):
        actions.append("hand_over")
    if _may_act(dossier, user, "assign"):
        actions.append("assign")
    if (
        _may_act(dossier, user, "apologise")
        and dossier.due_at
        and dossier.due_at > timezone.now()
        and not (
            dossier.has_apology  # selectors.get_for_staff(page=True) annotated it
            if "has_apology" in dossier.__dict__
            else Apology.objects.filter(dossier=dossier).exists()
        )
    ):
        actions.append("apologise")
    if Status.WITHDRAWN in targets:
        actions.append("withdraw")
    if Status.STOPPED in targets:
        actions.append("stop")
    return actions


def _open_action(request, actions: list[str], bound) -> str:
    """The action whose form the page shows open: the one just posted, the one asked for with
    ?thao-tac= (the no-JavaScript way to open another form), else the first when it is only a
    confirmation; the others load as the officer opens them."""
    if bound is not None and bound.action in actions:
        return bound.action
    wanted = request.GET.get(OPEN_PARAM, "")
    if wanted in actions:
        return wanted
    if actions and _is_confirmation(ACTION_FORMS[actions[0]]):
        return actions[0]  # one click for a first action that asks nothing (e.g. accept)
    return ""


def _is_confirmation(form_class) -> bool:
    """A form that is only its button: nothing to fill in but the hidden revision."""
    return all(field.widget.is_hidden for field in form_class.base_fields.values())


def _render_detail(request, dossier: Dossier, *, bound=None, status=200):
    """The page renders one action form, the open one; the others load when their panel opens
    (htmx GET on staff_action) or, without JavaScript, through ?thao-tac=<action>."""
    actions = available_actions(dossier, request.user)
    open_action = _open_action(request, actions, bound)
    open_form = None
    if open_action:
        open_form = (
            bound
            if bound is not None and bound.action == open_action
            else ACTION_FORMS[open_action](dossier=dossier)
        )
    attachments = (
        DossierAttachment.objects.filter(dossier=dossier)
        .select_related("required_document")
        .order_by("role", "pk")
    )
    return render(
        request,
        "dossiers/staff/detail.html",
        {
            "dossier": dossier,
            # the record (details, papers, timeline) is rendered once per state of the dossier;
            # its querysets are only read when it is rendered
            "record_key": page_cache.record_key(dossier),
            "record_seconds": page_cache.RECORD_SECONDS,
            "attachments": attachments,
            "events": selectors.timeline(dossier=dossier),
            "supplements": (
                []  # get_for_staff(page=True) knows there is none
                if dossier.__dict__.get("has_supplement") is False
                else dossier.supplement_requests.all()
            ),
            "actions": [
                {"action": action, "label": ACTION_FORMS[action].label} for action in actions
            ],
            "open_form": open_form,
            "forms": pdf.available_forms(dossier),
        },
        status=status,
    )


def _action_panel(request, dossier: Dossier, action: str) -> HttpResponse:
    """GET on an action: its form alone for htmx, else the dossier page with that form open.

    The page passes the revision it shows (?rev=); a form for a dossier that moved on since
    would act on what the officer has not seen, so they are asked to reload instead."""
    if not request.headers.get("HX-Request"):
        url = reverse("dossiers:staff_detail", args=[dossier.code])
        response = redirect(f"{url}?{urlencode({OPEN_PARAM: action})}#thao-tac-{action}")
    else:
        shown = _as_id(request.GET.get("rev"))
        stale = shown is not None and shown != dossier.revision
        available = action in available_actions(dossier, request.user)
        response = render(
            request,
            "dossiers/staff/_action_form.html",
            {
                "dossier": dossier,
                "form": ACTION_FORMS[action](dossier=dossier) if available and not stale else None,
                "stale": stale,
            },
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def staff_detail(request, code):
    dossier = selectors.get_for_staff(user=request.user, code=code, page=True)
    audit.record(request, action=audit.DOSSIER_VIEW, obj=dossier)
    return _render_detail(request, dossier)


def _perform(action: str, form, dossier: Dossier, user) -> str:
    """Call the service for `action`; returns the success message."""
    data = form.cleaned_data
    revision = data["revision"]
    common = {"dossier": dossier, "by": user, "revision": revision}
    if action == "accept":
        services.accept(**common)
        return _("Đã tiếp nhận hồ sơ. Có thể in Giấy tiếp nhận (Mẫu 01).")
    if action == "refuse":
        services.refuse(**common, reasons=data["reasons"])
        return _("Đã từ chối tiếp nhận hồ sơ (Mẫu 03).")
    if action == "supplement":
        services.request_supplement(**common, items=form.items(), reason=data["reason"])
        return _("Đã gửi yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02).")
    if action == "spot":
        services.resolve_on_spot(**common)
        return _("Đã giải quyết ngay hồ sơ.")
    if action == "answer_supplement":
        services.answer_supplement(**common, note=data.get("note", ""))
        return _("Đã ghi nhận hồ sơ bổ sung; thời hạn giải quyết được tính tiếp.")
    if action == "hand_over":
        services.hand_over(
            **common,
            to_unit=data["to_unit"],
            note=data.get("note", ""),
            step_deadline=data.get("step_deadline"),
        )
        return _("Đã chuyển hồ sơ đến %(unit)s.") % {"unit": data["to_unit"].name}
    if action == "assign":
        services.assign(**common, officer=data["officer"], note=data.get("note", ""))
        return _("Đã phân công %(name)s xử lý hồ sơ.") % {"name": data["officer"].full_name}
    if action == "request_payment":
        services.request_payment(**common, amount=data["amount"], note=data.get("note", ""))
        return _("Đã yêu cầu thực hiện nghĩa vụ tài chính.")
    if action == "confirm_payment":
        services.confirm_payment(**common)
        return _("Đã xác nhận nộp phí, lệ phí.")
    if action == "finish":
        with transaction.atomic():
            if data.get("result_file"):
                services.add_result(
                    dossier=dossier, by=user, file=data["result_file"], title=data["result_title"]
                )
                revision += 1  # add_result moved the revision on; a third party's move still fails
            services.finish(dossier=dossier, by=user, revision=revision, note=data.get("note", ""))
        return _("Đã hoàn thành xử lý hồ sơ.")
    if action == "apologise":
        services.apologise(**common, reason=data["reason"], new_due_at=data["new_due_at"])
        return _("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04).")
    if action == "withdraw":
        services.withdraw(**common, reason=data["reason"])
        return _("Đã rút hồ sơ theo đề nghị của công dân.")
    if action == "stop":
        services.stop(**common, reason=data["reason"])
        return _("Đã dừng xử lý hồ sơ.")
    if action == "return_result":
        services.return_result(**common)
        return _("Đã trả kết quả cho công dân.")
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def staff_action(request, code, action):
    dossier = selectors.get_for_staff(user=request.user, code=code)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    if request.method == "GET":
        return _action_panel(request, dossier, action)
    form = form_class(request.POST, request.FILES, dossier=dossier)
    if not form.is_valid():
        return _render_detail(request, dossier, bound=form, status=400)
    try:
        message = _perform(action, form, dossier, request.user)
    except workflow.WorkflowError as exc:  # includes StaleDossier: nothing was changed
        messages.error(request, str(exc))
        return redirect("dossiers:staff_detail", code=code)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        dossier.refresh_from_db()
        return _render_detail(request, dossier, bound=form, status=400)
    messages.success(request, message)
    return redirect("dossiers:staff_detail", code=code)


@login_required
@require_GET
def staff_attachment(request, code, pk):
    dossier = selectors.get_for_staff(user=request.user, code=code)
    attachment = get_object_or_404(
        DossierAttachment.objects.select_related("dossier"), pk=pk, dossier=dossier
    )
    if not selectors.can_download(user=request.user, attachment=attachment):
        raise Http404
    if attachment.purged_at is not None:
        return purged_response(request, attachment)
    if not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    audit.record(request, action=audit.ATTACHMENT_DOWNLOAD, obj=dossier, detail=str(attachment.pk))
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )


def purged_response(request, attachment: DossierAttachment) -> HttpResponse:
    """410 Gone: the file was deleted by `purge_attachments` after the retention period."""
    return render(
        request, "dossiers/attachment_purged.html", {"attachment": attachment}, status=410
    )


# --- official forms as PDF --------------------------------------------------------------------
def _pdf_response(dossier: Dossier, number: int) -> HttpResponse:
    out = io.BytesIO()
    filename = pdf.render_form(dossier, number, out)
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def form_pdf(request, code, number):
    dossier = selectors.get_for_staff(user=request.user, code=code)
    response = _pdf_response(dossier, number)
    audit.record(request, action=audit.FORM_PDF, obj=dossier, detail=f"Mẫu {number:02d}")
    return response


@login_required
@require_GET
def citizen_form_pdf(request, public_id, number):
    if number not in pdf.CITIZEN_FORMS:
        raise Http404
    dossier = get_object_or_404(
        Dossier.objects.select_related(
            "procedure_version", "case", "receiving_unit__parent", "competent_agency"
        ).exclude(step=Step.DRAFT),
        public_id=public_id,
        applicant_user=request.user,
    )
    return _pdf_response(dossier, number)
