"""The rich-text allow-list: article bodies are cleaned with nh3 (ammonia) before they are stored.

Only structural tags survive; no script/style (their content is dropped too), no event handler or
style attributes, links only to http/https/mailto or relative paths (with rel="noopener
noreferrer"), images only from our own news media paths.
"""

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "blockquote",
        "a",
        "img",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": set(),  # no generic attributes (ammonia's default would allow lang and title everywhere)
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Tags removed together with everything inside them.
DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
)
# Images may only come from the news app's own permission-checked media views.
OWN_MEDIA_PREFIX = "/tin-tuc/"
_SAFE_PATH = re.compile(r"^/tin-tuc/[A-Za-z0-9._~/%-]+$")
_DIMENSION = re.compile(r"^\d{1,4}$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        if not _SAFE_PATH.match(value) or "//" in value or ".." in value:
            return None
        return value
    if tag == "img" and attr in {"width", "height"}:
        return value if _DIMENSION.match(value.strip()) else None
    return value


def sanitize_html(value: str | None) -> str:
    """The allow-listed form of an HTML fragment ("" for None)."""
    if not value:
        return ""
    cleaned = nh3.clean(
        str(value),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # An <img> whose src was refused is useless: drop it.
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned).strip()


def html_to_text(value: str | None) -> str:
    """Plain text of a (sanitised) fragment, for search and summaries."""
    if not value:
        return ""
    spaced = re.sub(r"<", " <", value)
    text = re.sub(r"<[^>]*>", "", spaced)
    return " ".join(html.unescape(text).split())
