"""Template tags of the base layout: role-aware navigation and the footer visit counters."""

import logging
import unicodedata

from django import template
from django.conf import settings
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


@register.inclusion_tag("includes/visit_counters.html")
def visit_counters():
    try:
        stats = selectors.visit_stats()
    except Exception:  # counters are decoration; never break the page for them
        logger.warning("visit counters unavailable", exc_info=True)
        stats = None
    return {"stats": stats}


@register.simple_tag
def language_choices():
    """[(code, autonym)] for the language switch, in NFC (Django's own names are decomposed)."""
    choices = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        choices.append((code, unicodedata.normalize("NFC", info["name_local"])))
    return choices
