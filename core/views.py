"""Home page and the error handlers wired in cchc_portal/urls.py."""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from accounts.permissions import roles_of

from .navigation import HOME_SERVICES, build_links, safe_reverse

logger = logging.getLogger(__name__)
HOME_NEWS_LIMIT = 6


def _latest_news(limit: int) -> list:
    """Latest published articles when the news app provides them (`news.selectors.latest_published`)."""
    try:
        from news import selectors as news_selectors
    except ImportError:
        return []
    latest = getattr(news_selectors, "latest_published", None)
    if latest is None:
        return []
    return list(latest(limit=limit))


def home(request):
    services = build_links(HOME_SERVICES, request.user, held_roles=roles_of(request.user))
    return render(
        request,
        "core/home.html",
        {
            "services": services,
            "latest_news": _latest_news(HOME_NEWS_LIMIT),
            "procedure_search_url": safe_reverse("procedures:list"),
            "news_list_url": safe_reverse("news:list"),
        },
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", {"request_path": request.path}, status=404)


def error_500(request):
    # No request context: context processors may be what failed (database, cache...).
    return HttpResponseServerError(loader.get_template("500.html").render({}))
