"""Report pages: catalogue, request button, my jobs, progress page and download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import audit

from . import selectors, services
from .registry import ReportBuilder, UnknownReport, get_builder, to_json

JOBS_PER_PAGE = 50


def _form_for(builder: ReportBuilder, data=None):
    if builder.params_form is None:
        return None
    slug = builder.kind.replace(".", "-")
    return builder.params_form(data=data, auto_id=f"id_{slug}_%s")


def _render_catalogue(request, *, bound_kind=None, bound_form=None, status=200):
    entries = [
        {
            "builder": builder,
            "form": bound_form if builder.kind == bound_kind else _form_for(builder),
        }
        for builder in selectors.available_builders(user=request.user)
    ]
    return render(request, "reports/catalogue.html", {"entries": entries}, status=status)


@login_required
@require_GET
def catalogue(request):
    return _render_catalogue(request)


@login_required
@require_POST
def request_report(request, kind):
    try:
        builder = get_builder(kind)
    except UnknownReport:
        raise Http404 from None
    params = {}
    form = _form_for(builder, data=request.POST)
    if form is not None:
        if not form.is_valid():
            if not builder.has_permission(request.user, {}):
                raise PermissionDenied
            return _render_catalogue(request, bound_kind=kind, bound_form=form)
        params = {key: to_json(value) for key, value in form.cleaned_data.items()}
    try:
        job = services.request_export(kind=kind, params=params, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:catalogue")
    return redirect("reports:job_detail", public_id=job.public_id)


@login_required
@require_GET
def job_list(request):
    paginator = Paginator(selectors.jobs_for(user=request.user), JOBS_PER_PAGE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(
        request,
        "reports/job_list.html",
        {
            "page_obj": page,
            "jobs": page.object_list,
            "show_owner": selectors.is_report_admin(request.user),
        },
    )


@login_required
@require_GET
@never_cache
def job_detail(request, public_id):
    job = selectors.job_for(user=request.user, public_id=public_id)
    if job is None:
        raise Http404
    template = "reports/job_detail.html"
    if getattr(request, "htmx", False):
        template += "#job-status"
    return render(request, template, {"job": job})


@login_required
@require_GET
@never_cache
def download(request, public_id):
    job = selectors.job_for(user=request.user, public_id=public_id)
    if job is None or not job.is_downloadable:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record(request, action=audit.EXPORT_DOWNLOAD, obj=job, detail=job.kind)
    return FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=job.content_type
    )
