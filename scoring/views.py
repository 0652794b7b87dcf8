"""Thin views: authentication, permission, form validation; writes go to services."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import has_role
from core.text import parse_id

from . import criteria_io, rules, selectors, services, tree, workflow
from .forms import (
    AnswerForm,
    AppraisalForm,
    CopySetForm,
    CriteriaSetForm,
    CriteriaSetUpdateForm,
    CriterionForm,
    EvidenceForm,
    ExplanationRequestForm,
    ImportForm,
    NoteForm,
    SelfScoreForm,
)
from .models import Assessment, CriteriaSet, Criterion, Evidence, Score
from .workflow import WorkflowError

S = Assessment.Status


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# ============================================================================ builder
def _builder_or_403(request):
    if not selectors.can_build(request.user):
        raise PermissionDenied


def _set_or_404(public_id) -> CriteriaSet:
    return get_object_or_404(CriteriaSet, public_id=public_id)


@login_required
def set_list(request):
    _builder_or_403(request)
    sets = selectors.sets_for(user=request.user)
    return render(request, "scoring/set_list.html", {"sets": sets, "form": CriteriaSetForm()})


@login_required
def set_create(request):
    _builder_or_403(request)
    form = CriteriaSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criteria_set = services.create_set(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo bộ tiêu chí."))
            return redirect("scoring:set_detail", public_id=criteria_set.public_id)
    return render(
        request, "scoring/set_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _tree_context(criteria_set: CriteriaSet) -> dict:
    roots = tree.load(criteria_set)
    problems = tree.errors(roots)
    return {
        "criteria_set": criteria_set,
        "nodes": list(tree.walk(roots)),
        "problems": problems,
        "problem_list": [m for ms in problems.values() for m in ms],
        "max_total": tree.max_total(roots),
        "editable": not criteria_set.is_frozen,
    }


@login_required
def set_detail(request, public_id):
    _builder_or_403(request)
    criteria_set = _set_or_404(public_id)
    context = _tree_context(criteria_set)
    context["bands"] = criteria_set.bands.all()
    context["update_form"] = CriteriaSetUpdateForm(instance=criteria_set)
    context["copy_form"] = CopySetForm(initial={"year": criteria_set.year + 1})
    context["import_form"] = ImportForm()
    return render(request, "scoring/set_detail.html", context)


@login_required
@require_POST
def set_update(request, public_id):
    _builder_or_403(request)
    criteria_set = _set_or_404(public_id)
    form = CriteriaSetUpdateForm(request.POST, instance=CriteriaSet.objects.get(pk=criteria_set.pk))
    if form.is_valid():
        services.update_set(criteria_set=criteria_set, by=request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin bộ tiêu chí."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("scoring:set_detail", public_id=public_id)


@login_required
@require_POST
def set_copy(request, public_id):
    _builder_or_403(request)
    source = _set_or_404(public_id)
    form = CopySetForm(request.POST)
    if form.is_valid():
        try:
            new = services.copy_set(
                source=source,
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã sao chép bộ tiêu chí."))
            return redirect("scoring:set_detail", public_id=new.public_id)
    else:
        messages.error(request, _("Năm không hợp lệ."))
    return redirect("scoring:set_detail", public_id=public_id)


@login_required
@require_POST
def set_open(request, public_id):
    _builder_or_403(request)
    criteria_set = _set_or_404(public_id)
    try:
        services.open_set(criteria_set=criteria_set, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã mở bộ tiêu chí cho các cơ quan tự đánh giá."))
    return redirect("scoring:set_detail", public_id=public_id)


@login_required
def set_export(request, public_id):
    _builder_or_403(request)
    criteria_set = _set_or_404(public_id)
    out = io.BytesIO()
    filename = criteria_io.export_xlsx(criteria_set, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def set_import(request, public_id):
    _builder_or_403(request)
    criteria_set = _set_or_404(public_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = criteria_io.import_xlsx(
                criteria_set=criteria_set, file=form.cleaned_data["file"], by=request.user
            )
        except criteria_io.ImportFailed as exc:
            row_errors = exc.errors
        except (ValidationError, WorkflowError) as exc:
            form.add_error(None, getattr(exc, "messages", None) or str(exc))
        else:
            messages.success(request, _("Đã nhập %(n)s tiêu chí từ tệp Excel.") % {"n": count})
            return redirect("scoring:set_detail", public_id=public_id)
    failed = request.method == "POST"
    return render(
        request,
        "scoring/set_import.html",
        {"criteria_set": criteria_set, "form": form, "row_errors": row_errors},
        status=400 if failed else 200,
    )


def _tree_response(request, criteria_set):
    if request.htmx:
        return render(request, "scoring/_tree.html", _tree_context(criteria_set))
    return redirect("scoring:set_detail", public_id=criteria_set.public_id)


@login_required
def criterion_add(request, public_id):
    _builder_or_403(request)
    criteria_set = _set_or_404(public_id)
    parent = None
    if request.GET.get("parent"):
        parent_id = parse_id(request.GET["parent"])
        if parent_id is None:
            raise Http404
        parent = get_object_or_404(Criterion, pk=parent_id, criteria_set=criteria_set)
    form = CriterionForm(
        request.POST or None,
        criteria_set=criteria_set,
        initial={"parent": parent.pk if parent else None, "code": _next_code(criteria_set, parent)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            services.add_criterion(
                criteria_set=criteria_set, parent=data.pop("parent"), by=request.user, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm tiêu chí."))
            return redirect("scoring:set_detail", public_id=public_id)
    return render(
        request,
        "scoring/criterion_form.html",
        {"form": form, "criteria_set": criteria_set, "criterion": None},
        status=400 if form.errors else 200,
    )


def _next_code(criteria_set, parent) -> str:
    siblings = Criterion.objects.filter(criteria_set=criteria_set, parent=parent).count()
    return f"{parent.code}.{siblings + 1}" if parent else str(siblings + 1)


@login_required
def criterion_edit(request, pk: int):
    _builder_or_403(request)
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    criteria_set = criterion.criteria_set
    form = CriterionForm(request.POST or None, criteria_set=criteria_set, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_criterion(criterion=criterion, by=request.user, **form.service_fields())
        except ValidationError as exc:
            _form_errors(form, exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu tiêu chí."))
            return redirect("scoring:set_detail", public_id=criteria_set.public_id)
    return render(
        request,
        "scoring/criterion_form.html",
        {"form": form, "criteria_set": criteria_set, "criterion": criterion},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def criterion_move(request, pk: int, direction: str):
    _builder_or_403(request)
    if direction not in ("up", "down"):
        raise Http404
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    try:
        services.move_criterion(criterion=criterion, direction=direction, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return _tree_response(request, criterion.criteria_set)


@login_required
@require_POST
def criterion_delete(request, pk: int):
    _builder_or_403(request)
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    criteria_set = criterion.criteria_set
    try:
        services.delete_criterion(criterion=criterion, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return _tree_response(request, criteria_set)


# ============================================================================ assessments
@login_required
def assessment_list(request):
    user = request.user
    if not (
        has_role(user, Role.CCHC_OFFICER, Role.AGENCY_LEADER, Role.APPRAISER, Role.ADMINISTRATOR)
        or workflow.is_head(user)
    ):
        raise PermissionDenied
    assessments = selectors.assessments_for(user=user).order_by(
        "-criteria_set__year", "criteria_set__target_group", "agency__display_order", "agency__name"
    )
    status = request.GET.get("status")
    if status in S.values:
        assessments = assessments.filter(status=status)
    return render(
        request,
        "scoring/assessment_list.html",
        {
            "assessments": assessments,
            "startable": selectors.startable_for(user=user),
            "can_build": selectors.can_build(user),
            "statuses": S.choices,
            "status": status,
        },
    )


@login_required
@require_POST
def assessment_start(request, public_id):
    criteria_set = _set_or_404(public_id)
    from agencies.models import Agency

    agency_id = parse_id(request.POST.get("agency"))
    if agency_id is None:
        raise Http404
    agency = get_object_or_404(Agency, pk=agency_id)
    try:
        assessment = services.start_assessment(
            criteria_set=criteria_set, agency=agency, by=request.user
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("scoring:assessment_list")
    return redirect("scoring:assessment_detail", public_id=assessment.public_id)


def _assessment_or_404(request, public_id) -> Assessment:
    assessment = selectors.get_assessment(user=request.user, public_id=public_id)
    if assessment is None:
        raise Http404
    return assessment


def _caps(user, assessment: Assessment) -> dict:
    officer = workflow.is_officer(user, assessment)
    appraiser = workflow.is_appraiser(user)
    return {
        "self_edit": officer and assessment.status in workflow.SELF_EDITABLE,
        "explain": officer and assessment.status in workflow.EXPLANATION_EDITABLE,
        "appraise": appraiser and assessment.status in workflow.APPRAISAL_EDITABLE,
        "request_explanation": appraiser and assessment.status == S.UNDER_APPRAISAL,
        # metric-bound leaves are recomputed from the portal's data until approval
        "recompute_metrics": appraiser and assessment.status not in (S.APPROVED, S.PUBLISHED),
        "show_appraisal": appraiser
        or workflow.is_head(user)
        or assessment.status in (S.APPRAISED, S.APPROVED, S.PUBLISHED),
        "targets": workflow.allowed_targets(assessment, user),
    }


def _num(value) -> str | None:
    """Initial value of a number input, written the Vietnamese way ("1,5")."""
    return None if value is None else rules.fmt(value)


def _leaf_context(user, score: Score, caps: dict, **forms) -> dict:
    criterion = score.criterion
    return {
        "score": score,
        "criterion": criterion,
        "caps": caps,
        "self_form": forms.get("self_form")
        or SelfScoreForm(
            criterion=criterion,
            initial={
                "points": _num(score.self_points),
                "yes": {True: "1", False: "0"}.get(score.declared_yes, ""),
                "ratio_pct": _num(score.declared_ratio * 100)
                if score.declared_ratio is not None
                else None,
                "count": score.declared_count,
                "explanation": score.explanation,
            },
            prefix=f"s{score.pk}",
        ),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(prefix=f"e{score.pk}"),
        "appraisal_form": forms.get("appraisal_form")
        or AppraisalForm(
            initial={
                "points": _num(score.appraised_points),
                "comment": score.appraisal_comment,
                "override_reason": score.override_reason,
            },
            prefix=f"a{score.pk}",
        ),
        "answer_form": forms.get("answer_form")
        or AnswerForm(initial={"answer": score.explanation_answer}, prefix=f"x{score.pk}"),
    }


@login_required
def assessment_detail(request, public_id):
    assessment = _assessment_or_404(request, public_id)
    if assessment.status == S.DRAFT:
        services.ensure_scores(assessment)
    caps = _caps(request.user, assessment)
    data = selectors.sheet(assessment=assessment)
    for area in data.areas:
        for row in area.rows:
            if row.score is not None:
                row.score.criterion = row.criterion
                row.leaf = _leaf_context(request.user, row.score, caps)
    return render(
        request,
        "scoring/assessment_detail.html",
        {
            "assessment": assessment,
            "sheet": data,
            "caps": caps,
            "events": assessment.events.select_related("by"),
            "explanation_form": ExplanationRequestForm(),
            "note_form": NoteForm(),
            "S": S,
        },
    )


def _score_or_404(request, pk: int) -> Score:
    score = get_object_or_404(
        Score.objects.select_related("assessment__agency", "assessment__criteria_set", "criterion"),
        pk=pk,
    )
    if not selectors.can_view_assessment(request.user, score.assessment):
        raise Http404
    return score


def _leaf_response(request, score: Score, status=200, **forms):
    score.refresh_from_db()
    score = _score_or_404(request, score.pk)
    caps = _caps(request.user, score.assessment)
    if request.htmx:
        # htmx swaps only 2xx responses: a refused input comes back as 200 with the errors
        # shown in place (marked with the HX-Trigger "leaf-invalid" for scripts and tests)
        response = render(
            request, "scoring/_leaf.html", _leaf_context(request.user, score, caps, **forms)
        )
        if status != 200:
            response["HX-Trigger"] = "leaf-invalid"
        return response
    if status != 200:
        for form in forms.values():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"{score.criterion.code}: {error}")
    url = reverse("scoring:assessment_detail", kwargs={"public_id": score.assessment.public_id})
    return redirect(f"{url}#leaf-{score.pk}")


@login_required
@require_POST
def score_save(request, pk: int):
    score = _score_or_404(request, pk)
    form = SelfScoreForm(request.POST, criterion=score.criterion, prefix=f"s{score.pk}")
    if form.is_valid():
        try:
            services.save_self_score(score=score, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _form_errors(form, exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
    if form.errors:
        return _leaf_response(request, score, status=400, self_form=form)
    return _leaf_response(request, score)


@login_required
@require_POST
def evidence_add(request, pk: int):
    score = _score_or_404(request, pk)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"e{score.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                score=score,
                by=request.user,
                title=data["title"],
                file=data.get("file") or None,
                checked=getattr(form, "checked", None),
                url=data.get("url") or "",
                doc_number=data.get("doc_number", ""),
                doc_date=data.get("doc_date"),
                issuer=data.get("issuer", ""),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
    if form.errors:
        return _leaf_response(request, score, status=400, evidence_form=form)
    return _leaf_response(request, score)


@login_required
@require_POST
def evidence_delete(request, public_id):
    evidence = get_object_or_404(
        Evidence.objects.select_related("score__assessment__agency"), public_id=public_id
    )
    if not selectors.can_download_evidence(request.user, evidence):
        raise Http404
    score = evidence.score
    try:
        services.delete_evidence(evidence=evidence, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return _leaf_response(request, score)


@login_required
def evidence_download(request, public_id):
    evidence = (
        Evidence.objects.select_related("score__assessment__agency")
        .filter(public_id=public_id)
        .first()
    )
    if evidence is None or not evidence.file:
        raise Http404
    if not selectors.can_download_evidence(request.user, evidence):
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or "tai-lieu",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def appraisal_save(request, pk: int):
    score = _score_or_404(request, pk)
    form = AppraisalForm(request.POST, prefix=f"a{score.pk}")
    if form.is_valid():
        try:
            services.save_appraisal(score=score, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
    if form.errors:
        return _leaf_response(request, score, status=400, appraisal_form=form)
    return _leaf_response(request, score)


@login_required
@require_POST
def explanation_answer(request, pk: int):
    score = _score_or_404(request, pk)
    form = AnswerForm(request.POST, prefix=f"x{score.pk}")
    if form.is_valid():
        try:
            services.answer_explanation(
                score=score, by=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
    if form.errors:
        return _leaf_response(request, score, status=400, answer_form=form)
    return _leaf_response(request, score)


@login_required
@require_POST
def explanation_request(request, public_id):
    assessment = _assessment_or_404(request, public_id)
    form = ExplanationRequestForm(request.POST)
    questions = {
        key[2:]: value
        for key, value in request.POST.items()
        if key.startswith("q_") and parse_id(key[2:]) is not None
    }
    if form.is_valid():
        try:
            services.request_explanation(
                assessment=assessment,
                by=request.user,
                questions=questions,
                deadline=form.cleaned_data["deadline"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, WorkflowError) as exc:
            for message in getattr(exc, "messages", None) or [str(exc)]:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã gửi yêu cầu giải trình cho cơ quan."))
    else:
        messages.error(request, _("Vui lòng nhập hạn giải trình hợp lệ."))
    return redirect("scoring:assessment_detail", public_id=public_id)


TRANSITION_SERVICES = {
    S.SUBMITTED: services.submit,
    S.UNDER_APPRAISAL: None,  # depends on the current status
    S.APPRAISED: services.finish_appraisal,
    S.APPROVED: services.approve,
    S.PUBLISHED: services.publish,
}


@login_required
@require_POST
def transition(request, public_id):
    assessment = _assessment_or_404(request, public_id)
    to = request.POST.get("to", "")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if to == S.UNDER_APPRAISAL:
        service = {
            S.SUBMITTED: services.start_appraisal,
            S.EXPLANATION_REQUESTED: services.send_explanation,
            S.APPRAISED: services.return_for_appraisal,
        }.get(assessment.status)
    else:
        service = TRANSITION_SERVICES.get(to)
    if service is None:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("scoring:assessment_detail", public_id=public_id)
    try:
        service(assessment=assessment, by=request.user, note=note)
    except (WorkflowError, ValidationError) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã cập nhật trạng thái bản đánh giá."))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = request.path
        return response
    return redirect("scoring:assessment_detail", public_id=public_id)
