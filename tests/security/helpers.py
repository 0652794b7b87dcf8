"""Shared pieces of the security tests: hostile values, a small HTML form reader, a world."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

XSS = '<script>alert("xss")</script>'
XSS_ATTR = '"><img src=x onerror=alert(1)>'
MARKERS = (XSS, XSS_ATTR, "<img src=x onerror")

NASTY = [
    XSS,
    XSS_ATTR,
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "%00",
    "%",
    "_",
    "\\",
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "inf",
    "²",
    "٣",
    "１２",
    "2024-02-30",
    "30/02/2024",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "-2024-01-01",
    "31/12/9999",
    "2024-13-01",
    "true",
    "[]",
    "{}",
    "\u202e\u0000\ufeff",
    "Đăng ký khai sinh",
    "dang ky khai sinh",
    "ＡＢＣ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
    " ",
    "",
]

# Random text (any code point but surrogates), nasty constants, and very long strings.
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.builds(lambda a, b: a + XSS + b, st.text(max_size=10), st.text(max_size=10)),
    st.builds(
        lambda c, n: c * n, st.sampled_from(["A", "Đ", "9", "<", "\x00"]), st.integers(5000, 60000)
    ),
)

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> default value (first seen)
    files: list = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = Form(
                action=a.get("action") or "", method=(a.get("method") or "get").lower()
            )
            self.forms.append(self.current)
            return
        if self.current is None or tag not in ("input", "select", "textarea", "button"):
            return
        name = a.get("name")
        if not name:
            return
        if tag == "input" and (a.get("type") or "").lower() == "file":
            self.current.files.append(name)
            return
        if tag in ("input", "button"):
            kind = (a.get("type") or "").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.current.fields.setdefault(name, None)
                return
            self.current.fields.setdefault(name, a.get("value", ""))
        else:
            self.current.fields.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def assert_no_reflection(response) -> None:
    """Text a user typed never comes back unescaped."""
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return
    body = response.content.decode("utf-8", "replace")
    for marker in MARKERS:
        assert marker not in body, f"unescaped input reflected: {marker!r}"


def assert_safe(response) -> None:
    assert response.status_code < 500, response.status_code
    assert_no_reflection(response)
