"""Collection: invitation tokens, public campaign links, paper data entry, XLSX import and the
post-dossier rating."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from core import ratelimit

from . import importer, services
from .forms import (
    ImportForm,
    RatingLookupForm,
    form_sections,
    values_from_entry,
    values_from_post,
)
from .models import CampaignLink, InvitationToken, Response, Survey, SurveyStatus

HONEYPOT_FIELD = "website"
DEVICE_COOKIE = "khs_dev"
COOKIE_SALT = "surveys"
COOKIE_AGE = 30 * 24 * 3600


def _message(request, text, *, status=200, title=None):
    return render(
        request,
        "surveys/collect/message.html",
        {"text": text, "title": title or _("Khảo sát")},
        status=status,
    )


def _respond_page(
    request, *, survey, questions, values, errors, action, save_allowed=True, extra=None
):
    context = {
        "survey": survey,
        "sections": form_sections(questions, values, errors),
        "errors": errors,
        "action": action,
        "save_allowed": save_allowed,
        "honeypot": HONEYPOT_FIELD,
        **(extra or {}),
    }
    return render(request, "surveys/collect/respond.html", context, status=400 if errors else 200)


def done(request):
    return render(request, "surveys/collect/done.html")


# --- token ---------------------------------------------------------------------------------------
@never_cache
def token_respond(request, token):
    try:
        tok = services.get_token(token)
    except services.TokenInvalid as exc:
        return _message(request, exc.message, status=404)
    response = Response.objects.filter(invitation=tok).first()
    if response is not None and response.is_submitted:
        return _message(request, services.TokenUsed.default, status=409)
    survey = tok.survey
    if survey.status != SurveyStatus.OPEN:
        return _message(request, services.SurveyNotOpen.default, status=403)
    questions = list(services.questions_of(survey))
    errors: dict = {}
    values = services.answers_as_values(response)
    if request.method == "POST":
        values = values_from_post(questions, request.POST)
        submit = "submit" in request.POST
        try:
            services.respond_with_token(
                token=tok.token, values=values, submit=submit, user=request.user
            )
        except services.AnswersInvalid as exc:
            errors = exc.errors
        except services.SurveyError as exc:
            return _message(request, exc.message, status=409)
        else:
            if submit:
                return redirect("surveys:done")
            messages.success(
                request,
                _("Đã lưu. Bạn có thể quay lại đường dẫn này để trả lời tiếp trước khi gửi."),
            )
            return redirect("surveys:token", token=tok.token)
    return _respond_page(
        request,
        survey=survey,
        questions=questions,
        values=values,
        errors=errors,
        action=reverse("surveys:token", kwargs={"token": tok.token}),
        extra={"agency": tok.agency},
    )


@login_required
def token_qr(request, token):
    if not services.can_enter_paper(request.user):
        raise PermissionDenied
    from .qr import qr_svg

    tok = get_object_or_404(InvitationToken.objects.select_related("survey", "agency"), token=token)
    url = request.build_absolute_uri(reverse("surveys:token", kwargs={"token": tok.token}))
    return render(
        request,
        "surveys/collect/qr.html",
        {"token": tok, "url": url, "svg": qr_svg(url, scale=5)},
    )


# --- public link ---------------------------------------------------------------------------------
def _resume_cookie(survey: Survey) -> str:
    return f"khs_r{survey.pk}"


def _limits():
    return (
        getattr(settings, "SURVEYS_LINK_IP_LIMIT", 60),
        getattr(settings, "SURVEYS_LINK_DEVICE_LIMIT", 20),
        getattr(settings, "SURVEYS_LINK_WINDOW", 3600),
    )


def _set_cookie(resp, name, value):
    resp.set_signed_cookie(
        name,
        value,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@never_cache
def link_respond(request, slug):
    link = get_object_or_404(CampaignLink.objects.select_related("survey", "agency"), slug=slug)
    survey = link.survey
    if not link.is_active or survey.status != SurveyStatus.OPEN:
        return _message(request, services.SurveyNotOpen.default, status=403)
    device = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=COOKIE_SALT)
    new_device = device is None
    device = device or secrets.token_urlsafe(12)
    resume_key = request.get_signed_cookie(_resume_cookie(survey), default=None, salt=COOKIE_SALT)
    questions = list(services.questions_of(survey))
    errors: dict = {}
    values = services.answers_as_values(services.resumable(survey=survey, resume_key=resume_key))
    if request.method == "POST":
        if request.POST.get(HONEYPOT_FIELD):
            # a bot filled the hidden field: pretend success, store and count nothing
            return redirect("surveys:done")
        ip_limit, device_limit, window = _limits()
        ip = ratelimit.client_ip(request)
        ip_ok = ratelimit.hit(f"surveys:link:ip:{ip}", limit=ip_limit, window=window)
        device_ok = ratelimit.hit(f"surveys:link:dev:{device}", limit=device_limit, window=window)
        if not (ip_ok and device_ok):
            return _message(
                request, _("Bạn đã gửi quá nhiều lần. Vui lòng thử lại sau."), status=429
            )
        values = values_from_post(questions, request.POST)
        submit = "submit" in request.POST
        try:
            response = services.respond_with_link(
                link=link, values=values, submit=submit, resume_key=resume_key
            )
        except services.AnswersInvalid as exc:
            errors = exc.errors
        except services.SurveyError as exc:
            resp = _message(request, exc.message, status=409)
            resp.delete_cookie(_resume_cookie(survey))
            return resp
        else:
            if submit:
                resp = redirect("surveys:done")
                resp.delete_cookie(_resume_cookie(survey))
            else:
                messages.success(
                    request,
                    _("Đã lưu. Bạn có thể mở lại đường dẫn này trên thiết bị này để trả lời tiếp."),
                )
                resp = redirect("surveys:link", slug=link.slug)
                _set_cookie(resp, _resume_cookie(survey), response.resume_key)
            if new_device:
                _set_cookie(resp, DEVICE_COOKIE, device)
            return resp
    resp = _respond_page(
        request,
        survey=survey,
        questions=questions,
        values=values,
        errors=errors,
        action=reverse("surveys:link", kwargs={"slug": link.slug}),
        extra={"agency": link.agency},
    )
    if new_device:
        _set_cookie(resp, DEVICE_COOKIE, device)
    return resp


# --- paper data entry ------------------------------------------------------------------------------
def _entry_survey(request, public_id) -> Survey:
    if not services.can_enter_paper(request.user):
        raise PermissionDenied
    return get_object_or_404(
        Survey.objects.prefetch_related("target_agencies"), public_id=public_id
    )


@login_required
def entry(request, public_id):
    survey = _entry_survey(request, public_id)
    if survey.status == SurveyStatus.DRAFT or survey.is_test:
        return _message(request, _("Khảo sát chưa được mở nên chưa nhập phiếu được."), status=403)
    questions = list(services.questions_of(survey))
    agencies = list(survey.target_agencies.all())
    session_key = f"surveys_entry_{survey.pk}"
    state = request.session.get(session_key, {"count": 0, "agency": None})
    errors: dict = {}
    serial_error = None
    values: dict = {}
    serial = ""
    agency_id = state.get("agency")
    if request.method == "POST":
        serial = request.POST.get("serial", "").strip()
        agency_id = request.POST.get("agency") or None
        agency = next((a for a in agencies if str(a.pk) == str(agency_id)), None)
        values = values_from_entry(questions, request.POST)
        try:
            services.record_paper_response(
                survey=survey,
                serial=serial,
                values=values,
                by=request.user,
                agency=agency,
                questions=questions,
            )
        except services.AnswersInvalid as exc:
            errors = exc.errors
            serial_error = errors.pop("__serial__", None)
        except services.SurveyError as exc:
            serial_error = exc.message
        else:
            state = {"count": state.get("count", 0) + 1, "agency": agency.pk if agency else None}
            request.session[session_key] = state
            messages.success(request, _t("Đã lưu phiếu số %(serial)s.") % {"serial": serial})
            return redirect("surveys:entry", public_id=survey.public_id)
    context = {
        "survey": survey,
        "sections": form_sections(questions, values, errors),
        "errors": errors,
        "serial": serial,
        "serial_error": serial_error,
        "agencies": agencies,
        "agency_id": str(agency_id or ""),
        "session_count": state.get("count", 0),
        "my_total": Response.objects.filter(survey=survey, entered_by=request.user).count(),
    }
    status = 400 if (errors or serial_error) else 200
    return render(request, "surveys/collect/entry.html", context, status=status)


@login_required
def import_xlsx(request, public_id):
    survey = _entry_survey(request, public_id)
    if survey.status == SurveyStatus.DRAFT or survey.is_test:
        return _message(request, _("Khảo sát chưa được mở nên chưa nhập phiếu được."), status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importer.import_paper_forms(
            survey=survey, file=form.cleaned_data["file"], by=request.user
        )
        if result.ok:
            messages.success(request, _t("Đã nhập %(n)s phiếu.") % {"n": result.created})
            return redirect("surveys:import", public_id=survey.public_id)
    return render(
        request,
        "surveys/collect/import.html",
        {"survey": survey, "form": form, "result": result},
        status=400 if (result and not result.ok) else 200,
    )


@login_required
def import_template(request, public_id):
    survey = _entry_survey(request, public_id)
    content = importer.template_xlsx(survey=survey)
    resp = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = 'attachment; filename="mau-nhap-phieu.xlsx"'
    return resp


# --- post-dossier rating -----------------------------------------------------------------------------
@never_cache
def rate_dossier(request):
    from dossiers import selectors as dossier_selectors

    survey = services.rating_survey()
    if survey is None:
        return _message(request, _("Chức năng đánh giá hồ sơ hiện chưa mở."), status=403)
    source = request.POST if request.method == "POST" else request.GET
    lookup = RatingLookupForm(source if source.get("ma") else None)
    if not lookup.is_bound or not lookup.is_valid():
        return render(request, "surveys/collect/rate_lookup.html", {"form": lookup})
    ip = ratelimit.client_ip(request)
    if not ratelimit.hit(
        f"surveys:rate:ip:{ip}",
        limit=getattr(settings, "SURVEYS_RATE_LOOKUP_LIMIT", 30),
        window=900,
    ):
        return _message(request, _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau."), status=429)
    dossier = dossier_selectors.find_for_tracking(
        code=lookup.cleaned_data["ma"], secret=lookup.cleaned_data["k"]
    )
    if dossier is None:
        lookup.add_error(None, _("Không tìm thấy hồ sơ hoặc mã tra cứu không đúng."))
        return render(request, "surveys/collect/rate_lookup.html", {"form": lookup}, status=404)
    from dossiers.models import Status

    if dossier.status != Status.RETURNED:
        return _message(request, services.NotRatable.default, status=409)
    if services.already_rated(dossier=dossier, survey=survey):
        return _message(request, services.AlreadyRated.default, status=409)
    questions = list(services.questions_of(survey))
    errors: dict = {}
    values: dict = {}
    if request.method == "POST" and "submit" in request.POST:
        values = values_from_post(questions, request.POST)
        try:
            services.rate_dossier(dossier=dossier, values=values, user=request.user, survey=survey)
        except services.AnswersInvalid as exc:
            errors = exc.errors
        except services.SurveyError as exc:
            return _message(request, exc.message, status=409)
        else:
            return redirect("surveys:done")
    return _respond_page(
        request,
        survey=survey,
        questions=questions,
        values=values,
        errors=errors,
        action=reverse("surveys:rate_dossier"),
        save_allowed=False,
        extra={
            "dossier": dossier,
            "hidden": {"ma": lookup.cleaned_data["ma"], "k": lookup.cleaned_data["k"]},
        },
    )
