"""Template tags of the base layout: role-aware navigation, the footer and its visit counters,
and `{% memo %}` for the parts of the layout that are the same for every request."""

import logging
import time
import unicodedata

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.template.loader_tags import BlockNode, IncludeNode
from django.utils import translation

from core import navigation, selectors

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def portal_nav(context):
    """`{% portal_nav as nav %}`: nav.public, nav.staff, nav.account, nav.logout_url."""
    request = context.get("request")
    if request is None:
        return {
            "public": [],
            "staff": [],
            "account": [],
            "logout_url": None,
            "menu_key": (),
            "account_key": (),
        }
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


# --- {% memo %} ---------------------------------------------------------------------------------
# Parts of the layout (stylesheet links, the top bar, the brand, the menus) are the same for
# every request with the same language and the same few values; rendering them again costs about
# a millisecond a page. `{% memo "name" value… %}…{% endmemo %}` renders its block once per
# process for each language and combination of values, and then serves the text it kept.
#
# The block must depend on nothing else: the names of per-request things (the request, the user,
# the CSRF token, messages, permissions) are refused when the template is compiled, so a token or
# a visitor's data can never be served to someone else. Memos are kept on the compiled node (a
# reloaded template starts afresh), at most MEMO_LIMIT entries each, and dropped when a setting
# changes (tests).
MEMO_LIMIT = 256
PER_REQUEST_NAMES = frozenset({"request", "user", "csrf_token", "messages", "perms", "form"})
_memo_epoch = 0


@receiver(setting_changed)
def _forget_memos(**kwargs):
    global _memo_epoch
    _memo_epoch += 1


class MemoNode(template.Node):
    def __init__(self, name: str, vary: list, nodelist):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist
        self.kept: dict[tuple, str] = {}
        self.epoch = _memo_epoch

    def render(self, context):
        if self.epoch != _memo_epoch:
            self.kept, self.epoch = {}, _memo_epoch
        key = (translation.get_language(), *(value.resolve(context) for value in self.vary))
        html = self.kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.kept) >= MEMO_LIMIT:
                self.kept.clear()
            self.kept[key] = html
        return html


def _expressions(node):
    """The filter expressions a node resolves: its variable, loop sequence, condition operands,
    tag arguments."""
    found = []
    for name in ("filter_expression", "sequence", "path"):
        if getattr(node, name, None) is not None:
            found.append(getattr(node, name))
    for name in ("args", "vars"):
        found.extend(getattr(node, name, None) or ())
    for name in ("kwargs", "extra_context"):
        found.extend((getattr(node, name, None) or {}).values())
    stack = [condition for condition, _nodes in getattr(node, "conditions_nodelists", ())]
    while stack:
        condition = stack.pop()
        if condition is None:
            continue
        if hasattr(condition, "value"):  # a literal operand
            found.append(condition.value)
        stack.extend(getattr(condition, name, None) for name in ("first", "second"))
    return found


def _per_request_names(nodelist) -> set[str]:
    """Per-request names a block uses. {% csrf_token %} counts as csrf_token, a tag that reads
    the whole context as "context"."""
    used = set()
    for node in nodelist.get_nodes_by_type(template.Node):
        if isinstance(node, CsrfTokenNode):
            used.add("csrf_token")
        if getattr(node, "takes_context", False):
            used.add("context")
        for expression in _expressions(node):
            variables = [getattr(expression, "var", None)]
            variables += [
                arg for _func, args in getattr(expression, "filters", ()) for _l, arg in args
            ]
            for variable in variables:
                lookups = getattr(variable, "lookups", None)
                if lookups and lookups[0] in PER_REQUEST_NAMES:
                    used.add(lookups[0])
    return used


@register.tag
def memo(parser, token):
    """`{% memo "name" value… %}…{% endmemo %}` (see above)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% memo %} needs a name.")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            f"{{% memo {bits[1]} %}} holds a {{% block %}}: pages override blocks, so the text "
            "would differ from page to page."
        )
    if nodelist.get_nodes_by_type(IncludeNode):
        raise template.TemplateSyntaxError(
            f"{{% memo {bits[1]} %}} holds an {{% include %}}, whose template cannot be checked "
            "for per-request values here."
        )
    used = _per_request_names(nodelist)
    if used:
        raise template.TemplateSyntaxError(
            f"{{% memo {bits[1]} %}} uses per-request values ({', '.join(sorted(used))}); "
            "render them outside the memo."
        )
    return MemoNode(bits[1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
