"""Statistics pages (staff only): the 06a-style table with charts, and the drill-down list."""

import functools
import hashlib
import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import roles_of
from agencies import selectors as agency_selectors

from .. import statistics
from ..forms.stats import DrilldownForm, StatsForm, agency_choices, render_options
from ..models import Channel
from ..reports_stats import KIND as EXPORT_KIND

PER_PAGE = 50
ROWS_PER_PAGE = 25  # agency rows of the statistics tables per page
CHOICES_CACHE_SECONDS = 300  # a renamed or new agency reaches the agency list within 5 minutes
# the agency choices this process used last (at most CHOICES_HELD scopes): the list and its
# rendered <option>s (≈ 80 KB for a province) are not fetched from the cache on every view
CHOICES_HELD = 64
_held_choices: dict[str, tuple[float, tuple]] = {}

logger = logging.getLogger(__name__)

# the 06a table: (group label, [(figure, column label)])
TABLE_GROUPS = [
    (
        gettext_lazy("Số hồ sơ nhận giải quyết"),
        [
            ("to_handle", gettext_lazy("Tổng số")),
            ("received_online", gettext_lazy("Trực tuyến")),
            ("received_in_person", gettext_lazy("Trực tiếp")),
            ("received_post", gettext_lazy("Bưu chính")),
            ("carried_over", gettext_lazy("Kỳ trước")),
        ],
    ),
    (
        gettext_lazy("Đã giải quyết"),
        [
            ("resolved", gettext_lazy("Tổng số")),
            ("resolved_early", gettext_lazy("Trước hạn")),
            ("resolved_on_time", gettext_lazy("Đúng hạn")),
            ("resolved_late", gettext_lazy("Quá hạn")),
        ],
    ),
    (
        gettext_lazy("Đang giải quyết"),
        [
            ("in_progress", gettext_lazy("Tổng số")),
            ("in_progress_within", gettext_lazy("Trong hạn")),
            ("in_progress_overdue", gettext_lazy("Quá hạn")),
        ],
    ),
]
OTHER_FIGURES = [
    "received",
    "waiting_supplement",
    "stopped",
    "withdrawn",
    "refused",
    "resolved_on_spot",
    "returned",
]


def _ensure_staff(user) -> None:
    if not (user.is_superuser or roles_of(user)):
        raise PermissionDenied


def _drill_url(*, agency_id: int, children: bool, period, figure: str) -> str:
    query = urlencode(
        {
            "agency": agency_id,
            "children": "1" if children else "0",
            "from": period.date_from.isoformat(),
            "to": period.date_to.isoformat(),
            "figure": figure,
        }
    )
    return f"{reverse('dossiers:stats_drilldown')}?{query}"


def _number_format():
    """intcomma() for the table's counts (non-negative ints), with the active language's
    separator looked up once instead of once per cell."""
    if get_format("NUMBER_GROUPING") != 3:
        return intcomma
    separator = get_format("THOUSAND_SEPARATOR")
    return lambda value: f"{value:,}".replace(",", separator)


def _cells(stats, figures, *, prefix, number) -> tuple[list[dict], str]:
    """Value and drill-down link of each cell, and the row's <td> cells as HTML, rendered here:
    a province-wide table has thousands of cells, too many for template tags (same HTML as
    `<td>{% if value %}<a href="{{ url }}">{{ value|intcomma }}</a>{% else %}0{% endif %}</td>`).
    `prefix` is the row's _drill_url() without the figure (the last parameter; figures are
    plain identifiers)."""
    href = escape(prefix)
    cells, parts = [], []
    for figure in figures:
        value = getattr(stats, figure)
        cells.append({"value": value, "url": prefix + figure})
        if value:
            parts.append(f'<td><a href="{href}{figure}">{escape(number(value))}</a></td>')
        else:
            parts.append("<td>0</td>")
    # the link is escaped above, figures are identifiers, the numbers are escaped
    return cells, mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _table(result, rows=None) -> dict:
    """Rows of cells (value + drill-down link) for the template: of `rows` (a page of
    result.rows; all of them when None), and the total."""
    table_figures = [figure for _group, columns in TABLE_GROUPS for figure, _label in columns]
    period = result.period
    several = len(result.rows) > 1

    number = _number_format()

    def line(label, stats, agency_id, children):
        prefix = _drill_url(agency_id=agency_id, children=children, period=period, figure="")
        cells, cells_html = _cells(stats, table_figures, prefix=prefix, number=number)
        other, other_html = _cells(stats, OTHER_FIGURES, prefix=prefix, number=number)
        return {
            "label": label,
            "cells": cells,
            "cells_html": cells_html,
            "other": other,
            "other_html": other_html,
            "on_time_rate": stats.on_time_rate,
            "online_rate": stats.online_rate,
        }

    lines = []
    for row in result.rows if rows is None else rows:
        label = row.agency.name
        if row.agency.pk == result.agency.pk and result.include_children and several:
            label = _("%(name)s (trực tiếp giải quyết)") % {"name": label}
        lines.append(line(label, row.stats, row.agency.pk, row.include_children))
    total = line(_("Tổng cộng"), result.total, result.agency.pk, result.include_children)
    return {
        "groups": [(label, [c for _f, c in columns]) for label, columns in TABLE_GROUPS],
        "other_headers": [statistics.FIGURES[figure] for figure in OTHER_FIGURES],
        "rows": lines,
        "total": total if several else None,
    }


def _chart_data(result) -> dict:
    total = result.total
    return {
        "resolved": {
            "labels": [_("Trước hạn"), _("Đúng hạn"), _("Quá hạn")],
            "values": [total.resolved_early, total.resolved_on_time, total.resolved_late],
        },
        "channels": {
            "labels": [str(Channel.ONLINE.label), str(Channel.IN_PERSON.label), _("Bưu chính")],
            "values": [total.received_online, total.received_in_person, total.received_post],
            "title": _("Hồ sơ tiếp nhận theo kênh"),
        },
        "months": {
            "labels": [month["label"] for month in result.months],
            "received": [month["received"] for month in result.months],
            "resolved": [month["resolved"] for month in result.months],
            "late": [month["resolved_late"] for month in result.months],
            "names": [_("Tiếp nhận"), _("Đã giải quyết"), _("Trong đó quá hạn")],
        },
    }


def _agency_choices(visible: set[int] | None) -> tuple[list[tuple[str, str]], str]:
    """agency_choices() and their rendered <option>s, through the cache: the same list for
    everyone who sees the same agencies (building and rendering it walks every agency, the
    largest cost of a page whose figures are cached), and held by the process for the next
    views. Keyed by the agencies generation, so a saved agency shows at once; at most
    CHOICES_CACHE_SECONDS otherwise. Off with the report cache (STATS_CACHE_SECONDS = 0); a
    cache outage just builds it."""
    if not _cache_on():
        choices = agency_choices(visible)
        return choices, render_options(choices)
    scope = "all"
    if visible is not None:
        ids = ",".join(str(pk) for pk in sorted(visible)).encode()
        scope = hashlib.blake2b(ids, digest_size=8).hexdigest()
    # the labels depend on the language and on today (agencies no longer valid are marked)
    key = (
        f"dossiers:stats:choices:v2:{statistics.agencies_generation()}:{get_language()}:"
        f"{timezone.localdate().isoformat()}:{scope}"
    )
    now = time.monotonic()
    held = _held_choices.get(key)
    if held is not None and now - held[0] < CHOICES_CACHE_SECONDS:
        return held[1]
    cached = statistics.cache_read(key, "the agency choices")
    if cached is None:
        choices = agency_choices(visible)
        cached = (choices, render_options(choices))
        try:
            cache.set(key, cached, CHOICES_CACHE_SECONDS)
        except Exception:
            logger.warning("statistics cache: cannot store the agency choices", exc_info=True)
    if len(_held_choices) >= CHOICES_HELD:
        _held_choices.clear()
    _held_choices[key] = (now, cached)
    return cached


def _cache_on() -> bool:
    return getattr(settings, "STATS_CACHE_SECONDS", 0) > 0


def _form_key(form, options_html: str) -> str:
    data = form.data.lists() if hasattr(form.data, "lists") else form.data.items()
    payload = repr(sorted((str(k), repr(v)) for k, v in data)).encode() + options_html.encode()
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def _default_agency(user, visible, choices) -> str | None:
    if not choices:
        return None
    if visible is not None:
        from accounts.models import StaffMembership

        own = (
            StaffMembership.objects.filter(user=user, is_active=True)
            .order_by("pk")
            .values_list("agency_id", flat=True)
            .first()
        )
        if own is not None:
            return str(own)
    return choices[0][0]


@login_required
@require_GET
def stats(request):
    _ensure_staff(request.user)
    tree = statistics.agency_tree()  # read once (cached): the scope and the report use it
    visible = statistics.visible_agency_ids(request.user, tree=tree)
    choices, options_html = _agency_choices(visible)
    if "agency" in request.GET:
        form = StatsForm(request.GET, choices=choices, options_html=options_html)
    else:  # first visit: this year's report for the user's own agency
        data = {
            "agency": _default_agency(request.user, visible, choices) or "",
            "children": "1",
            "kind": "year",
            "year": str(timezone.localdate().year),
            **request.GET.dict(),
        }
        form = StatsForm(data, choices=choices, options_html=options_html)
    context = {
        "form": form,
        "result": None,
        "export_kind": EXPORT_KIND,
        # the rendered fields depend only on the submitted data and the agencies offered
        "form_key": _form_key(form, options_html),
        "form_seconds": CHOICES_CACHE_SECONDS if _cache_on() else 0,
    }
    if form.is_valid():
        agency_id = int(form.cleaned_data["agency"])
        agency = agency_selectors.by_ids([agency_id]).get(agency_id)
        if agency is None:  # removed since the form was offered
            raise Http404
        period = form.cleaned_data["period"]
        include_children = form.cleaned_data["children"] == "1"
        result = statistics.cached_report(
            agency=agency,
            date_from=period.date_from,
            date_to=period.date_to,
            include_children=include_children,
            tree=tree,
        )
        # a province-wide table has a row per unit one level below (160+): in pages
        rows_page = Paginator(result.rows, ROWS_PER_PAGE).get_page(request.GET.get("trang"))
        query = request.GET.copy()
        query.pop("trang", None)
        context.update(
            result=result,
            rows_page=rows_page,
            rows_query=query.urlencode(),
            # built only when the cached tables are missing (the template's {% cache %} blocks
            # are keyed by the scope, the period, the page and the moment of the figures)
            table=functools.cache(lambda: _table(result, rows_page.object_list)),
            chart_data=lambda: _chart_data(result),
            fragment_seconds=getattr(settings, "STATS_CACHE_SECONDS", 0),
            procedure_rows=result.procedures,
            export_params={
                "agency": agency.pk,
                "children": "1" if include_children else "0",
                "from": period.date_from.isoformat(),
                "to": period.date_to.isoformat(),
            },
        )
    return render(request, "dossiers/stats/index.html", context)


@login_required
@require_GET
def drilldown(request):
    _ensure_staff(request.user)
    form = DrilldownForm(request.GET)
    if not form.is_valid():
        return render(request, "dossiers/stats/drilldown.html", {"form": form}, status=400)
    agency = form.cleaned_data["agency"]
    if not statistics.can_view(request.user, agency):
        raise PermissionDenied
    figure = form.cleaned_data["figure"]
    period = form.period
    include_children = form.cleaned_data["children"]
    dossiers = statistics.dossiers_behind(
        agency=agency, period=period, figure=figure, include_children=include_children
    )
    paginator = Paginator(dossiers, PER_PAGE)
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "dossiers/stats/drilldown.html",
        {
            "form": form,
            "agency": agency,
            "period": period,
            "include_children": include_children,
            "figure_label": statistics.FIGURES[figure],
            "page_obj": page,
            "dossiers": page.object_list,
            "query": query.urlencode(),
            "back_query": urlencode(
                {
                    "agency": agency.pk,
                    "children": "1" if include_children else "0",
                    "kind": "range",
                    "from": period.date_from.isoformat(),
                    "to": period.date_to.isoformat(),
                }
            ),
        },
    )
