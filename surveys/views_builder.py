"""The questionnaire builder for Home Affairs staff (APPRAISER or ADMINISTRATOR)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.text import parse_id

from . import services
from .forms import (
    CampaignLinkForm,
    OptionForm,
    QuestionForm,
    SectionForm,
    SurveyForm,
    TokenBatchForm,
    form_sections,
)
from .models import CampaignLink, InvitationToken, Option, Question, Section, Survey


def builder_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.can_build(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _survey(public_id) -> Survey:
    return get_object_or_404(Survey, public_id=public_id)


def _structure(survey: Survey) -> list[Section]:
    return list(survey.sections.order_by("position", "pk").prefetch_related("questions__options"))


def _detail_url(survey: Survey, anchor: str = "") -> str:
    url = reverse("surveys:builder_detail", kwargs={"public_id": survey.public_id})
    return f"{url}#{anchor}" if anchor else url


def _form_page(request, *, form, title, survey=None, back=None):
    return render(
        request,
        "surveys/builder/form.html",
        {"form": form, "page_title": title, "survey": survey, "back": back},
    )


@builder_required
def builder_list(request):
    surveys = (
        Survey.objects.annotate(
            submitted=Count("responses", filter=Q(responses__status="submitted"))
        )
        .select_related("previous_version")
        .order_by("-created_at", "-pk")
    )
    return render(request, "surveys/builder/list.html", {"surveys": surveys})


@builder_required
def builder_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agencies = data.pop("target_agencies")
        survey = services.create_survey(by=request.user, target_agencies=agencies, **data)
        messages.success(request, _("Đã tạo khảo sát."))
        return redirect(_detail_url(survey))
    return _form_page(request, form=form, title=_("Tạo khảo sát mới"))


@builder_required
def builder_edit(request, public_id):
    survey = _survey(public_id)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agencies = data.pop("target_agencies")
        try:
            services.update_survey(survey=survey, by=request.user, target_agencies=agencies, **data)
        except services.SurveyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu thông tin khảo sát."))
            return redirect(_detail_url(survey))
    return _form_page(
        request,
        form=form,
        title=_("Sửa thông tin khảo sát"),
        survey=survey,
        back=_detail_url(survey),
    )


@builder_required
def builder_detail(request, public_id):
    survey = get_object_or_404(
        Survey.objects.prefetch_related("target_agencies"), public_id=public_id
    )
    counts = survey.responses.aggregate(
        submitted=Count("pk", filter=Q(status="submitted")),
        in_progress=Count("pk", filter=Q(status="in_progress")),
    )
    context = {
        "survey": survey,
        "sections": _structure(survey),
        "frozen": survey.is_frozen,
        "counts": counts,
        "links": survey.links.select_related("agency"),
        "token_counts": survey.tokens.aggregate(
            total=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
        ),
        "link_form": CampaignLinkForm(),
        "token_form": TokenBatchForm(),
        "events": survey.events.select_related("by").order_by("-at", "-pk")[:10],
    }
    return render(request, "surveys/builder/detail.html", context)


def _frozen_redirect(request, survey, exc):
    messages.error(request, exc.message)
    return redirect(_detail_url(survey))


@builder_required
def section_add(request, public_id):
    survey = _survey(public_id)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.add_section(survey=survey, by=request.user, **form.cleaned_data)
        except services.SurveyError as exc:
            return _frozen_redirect(request, survey, exc)
        return redirect(_detail_url(survey, f"section-{section.pk}"))
    return _form_page(
        request, form=form, title=_("Thêm phần"), survey=survey, back=_detail_url(survey)
    )


@builder_required
def section_edit(request, public_id, pk):
    survey = _survey(public_id)
    section = get_object_or_404(Section, pk=pk, survey=survey)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_object(obj=section, survey=survey, by=request.user, **form.cleaned_data)
        except services.SurveyError as exc:
            return _frozen_redirect(request, survey, exc)
        return redirect(_detail_url(survey, f"section-{section.pk}"))
    return _form_page(
        request, form=form, title=_("Sửa phần"), survey=survey, back=_detail_url(survey)
    )


@builder_required
def question_add(request, public_id, section_pk):
    survey = _survey(public_id)
    section = get_object_or_404(Section, pk=section_pk, survey=survey)
    form = QuestionForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.add_question(section=section, by=request.user, **form.cleaned_data)
        except services.SurveyError as exc:
            return _frozen_redirect(request, survey, exc)
        if question.has_options:
            return redirect("surveys:question_edit", public_id=survey.public_id, pk=question.pk)
        return redirect(_detail_url(survey, f"question-{question.pk}"))
    return _form_page(
        request,
        form=form,
        title=_t("Thêm câu hỏi vào phần “%(s)s”") % {"s": section.title},
        survey=survey,
        back=_detail_url(survey),
    )


@builder_required
def question_edit(request, public_id, pk):
    survey = _survey(public_id)
    question = get_object_or_404(Question, pk=pk, survey=survey)
    form = QuestionForm(request.POST or None, instance=question, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_object(
                obj=question, survey=survey, by=request.user, **form.cleaned_data
            )
        except services.SurveyError as exc:
            return _frozen_redirect(request, survey, exc)
        messages.success(request, _("Đã lưu câu hỏi."))
        return redirect(_detail_url(survey, f"question-{question.pk}"))
    return render(
        request,
        "surveys/builder/question.html",
        {
            "survey": survey,
            "question": question,
            "form": form,
            "options": question.options.order_by("position", "pk"),
            "option_form": OptionForm(question=question),
            "frozen": survey.is_frozen,
        },
    )


@builder_required
@require_POST
def option_add(request, public_id, pk):
    survey = _survey(public_id)
    question = get_object_or_404(Question, pk=pk, survey=survey)
    form = OptionForm(request.POST, question=question)
    if form.is_valid():
        try:
            services.add_option(question=question, by=request.user, **form.cleaned_data)
        except services.SurveyError as exc:
            return _frozen_redirect(request, survey, exc)
        return redirect("surveys:question_edit", public_id=survey.public_id, pk=question.pk)
    return render(
        request,
        "surveys/builder/question.html",
        {
            "survey": survey,
            "question": question,
            "form": QuestionForm(instance=question, survey=survey),
            "options": question.options.order_by("position", "pk"),
            "option_form": form,
            "frozen": survey.is_frozen,
        },
    )


@builder_required
def option_edit(request, public_id, pk):
    survey = _survey(public_id)
    option = get_object_or_404(Option, pk=pk, question__survey=survey)
    form = OptionForm(request.POST or None, instance=option, question=option.question)
    back = reverse(
        "surveys:question_edit", kwargs={"public_id": survey.public_id, "pk": option.question_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_object(obj=option, survey=survey, by=request.user, **form.cleaned_data)
        except services.SurveyError as exc:
            return _frozen_redirect(request, survey, exc)
        return redirect(back)
    return _form_page(request, form=form, title=_("Sửa phương án"), survey=survey, back=back)


KINDS = {"section": Section, "question": Question, "option": Option}


def _item(survey, kind, pk):
    model = KINDS.get(kind)
    if model is None:
        raise PermissionDenied
    lookup = {"question__survey": survey} if model is Option else {"survey": survey}
    return get_object_or_404(model, pk=pk, **lookup)


@builder_required
@require_POST
def item_delete(request, public_id, kind, pk):
    survey = _survey(public_id)
    obj = _item(survey, kind, pk)
    back = _detail_url(survey)
    if isinstance(obj, Option):
        back = reverse(
            "surveys:question_edit", kwargs={"public_id": survey.public_id, "pk": obj.question_id}
        )
    try:
        services.delete_object(obj=obj, survey=survey, by=request.user)
    except services.SurveyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa."))
    return redirect(back)


@builder_required
@require_POST
def item_move(request, public_id, kind, pk, direction):
    survey = _survey(public_id)
    obj = _item(survey, kind, pk)
    try:
        services.move(obj=obj, survey=survey, direction=direction, by=request.user)
    except services.SurveyError as exc:
        messages.error(request, exc.message)
    if isinstance(obj, Option):
        back = reverse(
            "surveys:question_edit", kwargs={"public_id": survey.public_id, "pk": obj.question_id}
        )
        return redirect(back)
    if request.htmx:
        return render(
            request,
            "surveys/builder/_structure.html",
            {"survey": survey, "sections": _structure(survey), "frozen": survey.is_frozen},
        )
    return redirect(_detail_url(survey, f"{kind}-{obj.pk}"))


@builder_required
def preview(request, public_id):
    survey = _survey(public_id)
    questions = services.questions_of(survey)
    return render(
        request,
        "surveys/builder/preview.html",
        {"survey": survey, "sections": form_sections(questions)},
    )


@builder_required
@require_POST
def set_status(request, public_id):
    survey = _survey(public_id)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.open_survey(survey=survey, by=request.user)
            messages.success(request, _("Đã mở khảo sát."))
        elif action == "close":
            services.close_survey(survey=survey, by=request.user)
            messages.success(request, _("Đã đóng khảo sát."))
    except services.SurveyError as exc:
        messages.error(request, exc.message)
    return redirect(_detail_url(survey))


@builder_required
@require_POST
def copy_version(request, public_id):
    survey = _survey(public_id)
    copy = services.new_version(survey=survey, by=request.user)
    messages.success(request, _("Đã tạo phiên bản mới ở trạng thái bản nháp."))
    return redirect(_detail_url(copy))


@builder_required
@require_POST
def link_add(request, public_id):
    survey = _survey(public_id)
    form = CampaignLinkForm(request.POST)
    if form.is_valid():
        CampaignLink.objects.create(survey=survey, **form.cleaned_data)
        messages.success(request, _("Đã tạo đường dẫn công khai."))
    else:
        messages.error(request, _("Không tạo được đường dẫn, vui lòng kiểm tra lại."))
    return redirect(_detail_url(survey, "links"))


@builder_required
@require_POST
def tokens_add(request, public_id):
    survey = _survey(public_id)
    form = TokenBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Số mã phải từ 1 đến 500."))
        return redirect(_detail_url(survey, "tokens"))
    tokens = services.create_invitations(
        survey=survey,
        count=form.cleaned_data["count"],
        agency=form.cleaned_data["agency"],
        by=request.user,
    )
    ids = ",".join(str(t.pk) for t in tokens)
    return redirect(
        reverse("surveys:tokens_print", kwargs={"public_id": survey.public_id}) + f"?ids={ids}"
    )


@builder_required
def tokens_print(request, public_id):
    """Printable slips: each unused token with its link and QR code."""
    from .qr import qr_svg

    survey = _survey(public_id)
    tokens = InvitationToken.objects.filter(survey=survey, used_at__isnull=True).select_related(
        "agency"
    )
    ids = [i for i in map(parse_id, request.GET.get("ids", "").split(",")) if i is not None]
    if ids:
        tokens = tokens.filter(pk__in=ids)
    tokens = list(tokens.order_by("pk")[:500])
    slips = []
    for t in tokens:
        url = request.build_absolute_uri(reverse("surveys:token", kwargs={"token": t.token}))
        slips.append({"token": t, "url": url, "svg": qr_svg(url)})
    return render(request, "surveys/builder/tokens.html", {"survey": survey, "slips": slips})
