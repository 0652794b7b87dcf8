"""Views of SCORING-B: the (public) ranking pages, recompute, publication and report requests.

Before publication a ranking is visible only to Home Affairs staff (appraisers, administrators,
the head); everyone else gets 404. Writes go to scoring.ranking / scoring.metrics.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import has_role

from . import metrics, ranking, selectors
from .models import CriteriaSet
from .reports import may_download
from .workflow import WorkflowError


def _can_recompute(user) -> bool:
    return has_role(user, Role.APPRAISER, Role.ADMINISTRATOR)


def _set_or_404(request, year: int, group: str) -> CriteriaSet:
    target_group = ranking.group_from_slug(group)
    if target_group is None:
        raise Http404
    criteria_set = ranking.visible_set(user=request.user, year=year, target_group=target_group)
    if criteria_set is None:
        raise Http404
    return criteria_set


def _chart_data(rows) -> dict:
    ranked = [a for a in rows if a.index_pct is not None and a.rank is not None]
    return {
        "labels": [a.agency.short_name or a.agency.name for a in ranked],
        "values": [float(a.index_pct) for a in ranked],
        "label": _("Chỉ số CCHC (%)"),
    }


RANKING_PER_PAGE = 100  # a province's full table (up to ~1,000 units) in pages of 100


def _ranking_page_of(request, criteria_set: CriteriaSet, *, count: int | None = None):
    """The requested page of the table (rows evaluated only when rendered); `count`, when
    known, spares the count query."""
    paginator = Paginator(
        ranking.rows(criteria_set=criteria_set, user=request.user), RANKING_PER_PAGE
    )
    if count is not None:
        paginator.count = count  # a cached_property: the known value stands in for the query
    return paginator.get_page(request.GET.get("trang"))


def _render_table(request, criteria_set: CriteriaSet, *, staff_view: bool, page) -> str:
    rows = list(page.object_list)
    order = ranking.area_order(criteria_set)
    codes = [code for code, _name in order]
    table = [
        {"a": a, "areas": ranking.areas_of(a, codes), "change": ranking.change(a)} for a in rows
    ]
    context = {
        "criteria_set": criteria_set,
        "group_slug": ranking.GROUP_SLUGS.get(criteria_set.target_group),
        "areas": order,
        "table": table,
        "page": page,
        "chart": _chart_data(rows),
        "staff_view": staff_view,
        "bands": criteria_set.bands.order_by("-min_index"),
    }
    return render_to_string("scoring/ranking/_table.html", context, request=request)


def _table_html(request, criteria_set: CriteriaSet, *, staff_view: bool) -> str:
    """The table, legend and chart data of one page; cached for the public (staff see live
    statuses). A hit reads the page count and the page's HTML from the cache, no rows."""
    if staff_view:
        page = _ranking_page_of(request, criteria_set)
        return _render_table(request, criteria_set, staff_view=True, page=page)
    key = ranking.public_table_cache_key(criteria_set, language=get_language())
    count_key = f"{key}:count"
    count = cache.get(count_key)
    html = None
    if count is not None:  # which page is asked for needs only the count
        number = Paginator(range(count), RANKING_PER_PAGE).get_page(request.GET.get("trang"))
        html = cache.get(f"{key}:page:{number.number}")
    if html is None:
        page = _ranking_page_of(request, criteria_set, count=count)
        html = _render_table(request, criteria_set, staff_view=False, page=page)
        cache.set_many(
            {f"{key}:page:{page.number}": str(html), count_key: page.paginator.count},
            ranking.TABLE_CACHE_SECONDS,
        )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 (our own rendered template)


def _ranking_page(request, criteria_set: CriteriaSet, published: list[CriteriaSet] | None = None):
    user = request.user
    if published is None:
        published = ranking.published_sets()
    staff_view = ranking.sees_unpublished(user)
    context = {
        "criteria_set": criteria_set,
        "group_slug": ranking.GROUP_SLUGS.get(criteria_set.target_group),
        "table_html": _table_html(request, criteria_set, staff_view=staff_view),
        "published_sets": [(s, ranking.GROUP_SLUGS.get(s.target_group)) for s in published],
        "staff_view": staff_view,
        "can_recompute": _can_recompute(user),
        "can_publish": ranking.can_publish(user) and not criteria_set.is_published,
        "can_publish_more": ranking.can_publish(user) and criteria_set.is_published,
        "can_download": may_download(user, criteria_set),
    }
    return render(request, "scoring/ranking/page.html", context)


def public_ranking(request):
    """The latest published ranking (or a note that none is published yet)."""
    published = ranking.published_sets()
    if not published:
        staff_sets = (
            [
                (s, ranking.GROUP_SLUGS.get(s.target_group))
                for s in CriteriaSet.objects.order_by("-year", "target_group")
            ]
            if ranking.sees_unpublished(request.user)
            else []
        )
        return render(
            request,
            "scoring/ranking/none.html",
            {"staff_sets": staff_sets},
        )
    return _ranking_page(request, published[0], published)


def public_ranking_year(request, year: int, group: str):
    return _ranking_page(request, _set_or_404(request, year, group))


def public_ranking_agency(request, year: int, group: str, key: str):
    criteria_set = _set_or_404(request, year, group)
    assessment = ranking.find_agency_row(criteria_set=criteria_set, key=key, user=request.user)
    if assessment is None:
        raise Http404
    codes = [code for code, _name in ranking.area_order(criteria_set)]
    areas = ranking.areas_of(assessment, codes)
    chart = {
        "labels": [f"{c.code}. {c.name}" for c in areas],
        "values": [float(c.percent) for c in areas],
        "label": _("Tỷ lệ điểm đạt được (%)"),
    }
    return render(
        request,
        "scoring/ranking/agency.html",
        {
            "criteria_set": criteria_set,
            "group_slug": ranking.GROUP_SLUGS.get(criteria_set.target_group),
            "a": assessment,
            "areas": areas,
            "change": ranking.change(assessment),
            "chart": chart,
            "staff_view": ranking.sees_unpublished(request.user),
        },
    )


def _back(criteria_set: CriteriaSet):
    return redirect(
        "scoring:public_ranking_year",
        year=criteria_set.year,
        group=ranking.GROUP_SLUGS.get(criteria_set.target_group, criteria_set.target_group),
    )


@login_required
@require_POST
def ranking_recompute(request, year: int, group: str):
    criteria_set = _set_or_404(request, year, group)
    if not _can_recompute(request.user):
        raise PermissionDenied
    count = ranking.compute(criteria_set=criteria_set)
    messages.success(request, _("Đã tính lại xếp hạng cho %(n)s cơ quan.") % {"n": count})
    return _back(criteria_set)


@login_required
@require_POST
def ranking_metrics(request, year: int, group: str):
    """Recompute the auto-scored leaves of the whole set (a Celery task) and the ranking."""
    criteria_set = _set_or_404(request, year, group)
    if not _can_recompute(request.user):
        raise PermissionDenied
    metrics.request_recompute(criteria_set=criteria_set)
    messages.success(
        request,
        _("Đã gửi yêu cầu tính lại điểm các tiêu chí chấm tự động; kết quả cập nhật sau ít phút."),
    )
    return _back(criteria_set)


@login_required
@require_POST
def ranking_publish(request, year: int, group: str):
    criteria_set = _set_or_404(request, year, group)
    if not ranking.can_publish(request.user):
        raise PermissionDenied
    ref = request.POST.get("publication_ref", "").strip()[:255]
    try:
        count = ranking.publish_set(criteria_set=criteria_set, by=request.user, publication_ref=ref)
    except (ValidationError, WorkflowError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Đã công bố kết quả của %(n)s cơ quan.") % {"n": count})
    return _back(criteria_set)


@login_required
@require_POST
def ranking_export(request, year: int, group: str, fmt: str):
    from reports.services import request_export

    criteria_set = _set_or_404(request, year, group)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    if not may_download(request.user, criteria_set):
        raise PermissionDenied
    job = request_export(
        kind=f"scoring.ranking.{fmt}",
        params={"set": str(criteria_set.public_id)},
        user=request.user,
    )
    return redirect("reports:job_detail", public_id=job.public_id)


@login_required
@require_POST
def metrics_recompute(request, public_id):
    """The "recompute" button of one assessment (appraisers and administrators)."""
    assessment = selectors.get_assessment(user=request.user, public_id=public_id)
    if assessment is None:
        raise Http404
    if not _can_recompute(request.user):
        raise PermissionDenied
    if assessment.status not in metrics.RECOMPUTABLE:
        messages.error(request, _("Kết quả đã được phê duyệt: không tính lại điểm tự động."))
    else:
        count = metrics.recompute_assessment(assessment=assessment, by=request.user)
        messages.success(request, _("Đã tính lại %(n)s tiêu chí chấm tự động.") % {"n": count})
    return redirect("scoring:assessment_detail", public_id=assessment.public_id)
