"""Template tags of the base layout: role-aware navigation, the footer and its visit counters."""

import logging
import time
import unicodedata

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import translation

from core import navigation, selectors

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def portal_nav(context):
    """`{% portal_nav as nav %}`: nav.public, nav.staff, nav.account, nav.logout_url."""
    request = context.get("request")
    if request is None:
        return {"public": [], "staff": [], "account": [], "logout_url": None}
    return navigation.navigation_for(request)


# The footer's figures, reused by this process for VISIT_COUNTERS_MEMO_SECONDS (default 5):
# every page shows them, and a few seconds' lag in "online now / today" is invisible.
_memo: tuple[float, dict] | None = None


@register.inclusion_tag("includes/visit_counters.html")
def visit_counters():
    global _memo
    seconds = getattr(settings, "VISIT_COUNTERS_MEMO_SECONDS", 5)
    now = time.monotonic()
    if seconds > 0 and _memo is not None and now < _memo[0]:
        return {"stats": _memo[1]}
    try:
        stats = selectors.visit_stats()
    except Exception:  # counters are decoration; never break the page for them
        logger.warning("visit counters unavailable", exc_info=True)
        return {"stats": None}
    if seconds > 0:
        _memo = (now + seconds, stats)
    return {"stats": stats}


# The footer is the same for every visitor (its links are the public menu, which everyone sees;
# its counters are the memo above): rendered by this process once per language for as long as
# the counters are reused.
_footers: dict[str, tuple[float, str]] = {}


@register.simple_tag(takes_context=True)
def site_footer(context):
    seconds = getattr(settings, "VISIT_COUNTERS_MEMO_SECONDS", 5)
    language = translation.get_language()
    now = time.monotonic()
    held = _footers.get(language)
    if seconds > 0 and held is not None and now < held[0]:
        return held[1]
    html = render_to_string(
        "includes/footer.html",
        {
            "links": navigation.build_links(
                navigation.PUBLIC_NAV, AnonymousUser(), held_roles=set()
            ),
            "PORTAL_NAME": context.get("PORTAL_NAME"),
            "PORTAL_OWNER": context.get("PORTAL_OWNER"),
        },
    )
    if seconds > 0:
        _footers[language] = (now + seconds, html)
    return html


@register.simple_tag
def language_choices():
    """[(code, autonym)] for the language switch, in NFC (Django's own names are decomposed)."""
    choices = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        choices.append((code, unicodedata.normalize("NFC", info["name_local"])))
    return choices
