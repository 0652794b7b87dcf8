"""Public tracking (/tra-cuu/): code + tracking secret (or the last 4 digits of the applicant's
phone) shows the status and public timeline, the applicant only as initials.

A code alone, or a wrong secret, reveals nothing: the same neutral message whether the code
exists or not. Failed lookups are limited per IP (10 per 15 minutes → HTTP 429). The secret may
arrive in the URL (QR code on the receipt), so the response carries
`Referrer-Policy: strict-origin` — other sites never see the path or query — and is not cached.
(`no-referrer` would make Chromium send `Origin: null` on the form's POST, and the CSRF check
would refuse it; strict-origin keeps both the secret private and CSRF protection on.)
The form posts, so a typed secret stays out of URLs.
"""

from django.core.cache.utils import make_template_fragment_key
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from core import ratelimit

from .. import selectors
from ..forms.citizen import TrackingForm

FAILED_LIMIT = 10
RESULT_CACHE_SECONDS = 600
WINDOW_SECONDS = 15 * 60


def _rate_key(request) -> str:
    return f"dossier-tracking:{ratelimit.client_ip(request)}"


def _finish(response):
    response["Referrer-Policy"] = "strict-origin"
    add_never_cache_headers(response)
    return response


def _limited(request):
    response = render(request, "dossiers/tracking/limited.html", status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return _finish(response)


@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    if request.method == "POST":
        data = request.POST
    elif "ma" in request.GET:  # link from the receipt's QR code: ?ma=CODE&k=SECRET
        data = {"code": request.GET.get("ma", ""), "secret": request.GET.get("k", "")}
    else:
        data = None

    form = TrackingForm(data)
    context = {"form": form, "dossier": None, "not_found": False}
    if data is not None:
        key = _rate_key(request)
        # The lookup runs before the limit is read, so that the limit and the cached blocks of
        # a found dossier come in one round trip; a blocked client still learns nothing.
        dossier = None
        if form.is_valid():
            dossier = selectors.find_for_tracking(
                code=form.cleaned_data["code"], secret=form.cleaned_data["secret"]
            )
        blocks = _block_keys(dossier) if dossier is not None else {}
        limited, found = ratelimit.exceeded_with(
            key, limit=FAILED_LIMIT, window=WINDOW_SECONDS, keys=list(blocks.values())
        )
        if limited:
            return _limited(request)
        if form.is_valid():
            if dossier is None:
                if not ratelimit.hit(key, limit=FAILED_LIMIT, window=WINDOW_SECONDS):
                    return _limited(request)
                context["not_found"] = True
            else:
                context["dossier"] = dossier
                context["events"] = selectors.timeline(dossier=dossier, public=True)
                # the result block is cached until the dossier or its timeline changes
                context["timeline_mark"] = dossier.last_public_event_id or 0
                context["fragment_seconds"] = RESULT_CACHE_SECONDS
                form = TrackingForm(initial={"code": dossier.code})
                context["form"] = form
                # our own rendered template fragments; a missing one is rendered and stored by
                # the template's {% cache %} tag as usual
                context.update(
                    {
                        name: mark_safe(found[block])  # noqa: S308  # nosec B308 B703
                        for name, block in blocks.items()
                        if block in found
                    }
                )
    return _finish(render(request, "dossiers/tracking/track.html", context))


def _block_keys(dossier) -> dict[str, str]:
    """Cache keys of both cached blocks of a found dossier (the template's {% cache %}
    fragments: the form with its code, the result)."""
    language = get_language()
    timeline_mark = dossier.last_public_event_id or 0
    return {
        "form_html": make_template_fragment_key("tracking-form", [language, dossier.code]),
        "result_html": make_template_fragment_key(
            "tracking-result", [dossier.pk, dossier.revision, timeline_mark, language]
        ),
    }
