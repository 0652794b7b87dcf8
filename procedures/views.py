"""Public catalogue pages and the administrators' Excel import (thin: see services/selectors)."""

import datetime
import io
import secrets
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import has_role

from . import exporter, importer, selectors, services
from .filters import ProcedureFilter
from .forms import ApplyForm, ImportForm

PAGE_SIZE = 25
SIGNING_SALT = "procedures.import"
TOKEN_MAX_AGE = 3600
EXPORT_PARAMS = ("q", "linh_vuc", "cap", "co_quan", "muc_do", "ngay")


def _day(request):
    day, ok = selectors.parse_day(request.GET.get("ngay"))
    if not ok:
        messages.warning(
            request,
            _("Ngày xem không hợp lệ (cần dạng YYYY-MM-DD); đang hiển thị danh mục hôm nay."),
        )
    return day, ok and bool(request.GET.get("ngay"))


class _Catalogue:
    """The list page's filter and page, built only when a cached fragment is missing (the
    template reads them inside {% cache %} blocks)."""

    def __init__(self, request, day):
        self.request, self.day = request, day

    @cached_property
    def filter(self) -> ProcedureFilter:
        return ProcedureFilter(self.request.GET or None, queryset=selectors.catalogue(day=self.day))

    @cached_property
    def page(self):
        bound = self.filter.is_bound and self.filter.is_valid()
        qs = self.filter.qs if bound else selectors.catalogue(day=self.day)
        return Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("trang"))


def catalogue(request):
    day, past = _day(request)
    query = request.GET.copy()
    query.pop("trang", None)
    export_query = {k: v for k, v in request.GET.items() if k in EXPORT_PARAMS}
    return render(
        request,
        "procedures/list.html",
        {
            "catalogue": _Catalogue(request, day),
            "day": day,
            "past": past,
            "query": query.urlencode(),
            "export_query": export_query,
            "fragment_seconds": selectors.FRAGMENT_CACHE_SECONDS,
            "generation": selectors.catalogue_generation(),
            "cache_query": request.GET.urlencode(),
        },
    )


def _submit_url(code: str) -> str | None:
    try:
        return reverse("dossiers:submit", args=[code])
    except NoReverseMatch:
        return None


def _detail_context(request, code: str) -> dict:
    day, past = _day(request)
    generation = selectors.catalogue_generation()
    version, not_in_force = selectors.version_header(code=code, day=day, generation=generation)
    if version is None:
        raise Http404(_("Không có thủ tục này."))
    return {
        "version": version,
        # built only when the cached sections are missing
        "full_version": lambda: selectors.with_sections(version),
        "procedure": version.procedure,
        "day": day,
        "past": past,
        "not_in_force": not_in_force,
        "versions": lambda: selectors.versions_of(code=code),
        "submit_url": _submit_url(code) if version.allows_online_submission else None,
        "fragment_seconds": selectors.FRAGMENT_CACHE_SECONDS,
        "generation": generation,
    }


def detail(request, code: str):
    return render(request, "procedures/detail.html", _detail_context(request, code))


def print_view(request, code: str):
    context = _detail_context(request, code)
    context["version"] = selectors.with_sections(context["version"])
    return render(request, "procedures/print.html", context)


@login_required
@require_POST
def export(request):
    """Queue the catalogue export (POST with CSRF: it creates a job). The list's filters
    travel in the query string."""
    from reports.services import request_export

    params = {k: v for k, v in request.GET.items() if k in EXPORT_PARAMS}
    job = request_export(kind="procedures.catalogue.xlsx", params=params, user=request.user)
    return redirect("reports:job_detail", public_id=job.public_id)


# --- Administrators: Excel import ---------------------------------------------------------


def _require_admin(request) -> None:
    user = request.user
    if not (user.is_superuser or has_role(user, Role.ADMINISTRATOR)):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            importer.read_workbook(upload)  # header / columns checked before anything is stored
        except importer.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            path = default_storage.save(f"procedures/imports/{secrets.token_hex(16)}.xlsx", upload)
            decision_date = form.cleaned_data["decision_date"]
            token = signing.dumps(
                {
                    "path": path,
                    "user": request.user.pk,
                    "decision": form.cleaned_data["decision"],
                    "date": decision_date.isoformat() if decision_date else "",
                    "skip": form.cleaned_data["skip_invalid"],
                    "name": upload.name[:100],
                },
                salt=SIGNING_SALT,
            )
            return redirect("procedures:import_preview", token=token)
    return render(request, "procedures/import_upload.html", {"form": form})


def _load_token(request, token: str) -> dict:
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404(_("Phiên xem trước đã hết hạn; hãy tải tệp lên lại.")) from exc
    if data.get("user") != request.user.pk or not default_storage.exists(data["path"]):
        raise Http404(_("Phiên xem trước đã hết hạn; hãy tải tệp lên lại."))
    return data


def _parse_stored(data: dict):
    with default_storage.open(data["path"], "rb") as fh:
        return importer.read_workbook(io.BytesIO(fh.read()))


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, token: str):
    _require_admin(request)
    data = _load_token(request, token)
    decision_date = datetime.date.fromisoformat(data["date"]) if data["date"] else None
    parsed = _parse_stored(data)
    form = ApplyForm(
        request.POST if request.method == "POST" else None, initial={"skip_invalid": data["skip"]}
    )
    rejected = ""
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.apply_import(
                parsed=parsed,
                user=request.user,
                decision_number=data["decision"],
                decision_date=decision_date,
                skip_invalid=form.cleaned_data["skip_invalid"],
                reason=_("Nhập Excel: %(name)s") % {"name": data["name"]},
            )
        except services.ImportRejected as exc:
            rejected = str(exc)
            plan = exc.plan
        else:
            default_storage.delete(data["path"])
            messages.success(
                request,
                _("Đã áp dụng: %(s)s") % {"s": plan.summary_line},
            )
            return redirect("procedures:list")
    else:
        plan = services.plan_import(parsed=parsed, decision_date=decision_date)
    groups = {
        action: [i for i in plan.items if i.action == action]
        for action in (services.NEW, services.AMENDED, services.ABOLISHED, services.UNCHANGED)
    }
    return render(
        request,
        "procedures/import_preview.html",
        {
            "plan": plan,
            "groups": groups,
            "form": form,
            "data": data,
            "token": token,
            "rejected": rejected,
        },
    )


@login_required
@require_GET
def import_template(request):
    _require_admin(request)
    out = io.BytesIO()
    exporter.write_template(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-danh-muc-tthc.xlsx"'
    return response
