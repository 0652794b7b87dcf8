"""PDF rendering with WeasyPrint: bundled DejaVu fonts, the official header, no network."""

import datetime
import logging
from functools import cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

STATIC_DIR = Path(settings.BASE_DIR) / "static"
FONT_DIR = STATIC_DIR / "fonts" / "dejavu"
DEFAULT_PARENT_UNIT = "UBND THÀNH PHỐ CẦN THƠ"
DEFAULT_PLACE = "Cần Thơ"


def check_local_url(url: str, allowed_roots=None) -> None:
    """Raise ValueError unless `url` is a data: URL or a file: URL under the static folders."""
    from urllib.request import url2pathname

    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("file", "data"):
        raise ValueError(f"Refused to fetch {url!r}: only file: and data: URLs are allowed.")
    if scheme == "file":
        roots = allowed_roots or [STATIC_DIR, Path(settings.STATIC_ROOT)]
        path = Path(url2pathname(url.split("?", 1)[0].removeprefix("file:"))).resolve()
        if not any(path.is_relative_to(Path(root).resolve()) for root in roots):
            raise ValueError(f"Refused to fetch {url!r}: outside the allowed folders.")


@cache
def _fetcher_class():
    # WeasyPrint is imported lazily: it is heavy and only workers render PDFs.
    from weasyprint.urls import URLFetcher

    class LocalOnlyURLFetcher(URLFetcher):
        """Fetch only data: URLs and files under the static folders; never the network."""

        def __init__(self, *args, **kwargs):
            kwargs["allowed_protocols"] = ("file", "data")
            super().__init__(*args, **kwargs)

        def fetch(self, url, headers=None):
            check_local_url(url)
            return super().fetch(url, headers)

    return LocalOnlyURLFetcher


def official_date_line(day: datetime.date | None = None, place: str = DEFAULT_PLACE) -> str:
    """'Cần Thơ, ngày 05 tháng 02 năm 2026', 'Cần Thơ, ngày 15 tháng 3 năm 2026'.

    NĐ 30/2020/NĐ-CP (công tác văn thư): a day below 10 and the months 1 and 2 take a leading
    zero; other months do not.
    """
    day = day or timezone.localdate()
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month <= 2 else str(day.month),
        "year": day.year,
    }


def pdf_context(context: dict | None = None) -> dict:
    """Defaults every PDF template may rely on (header block, fonts, date line)."""
    context = dict(context or {})
    context.setdefault("parent_unit", DEFAULT_PARENT_UNIT)
    context.setdefault("unit_name", settings.PORTAL_OWNER)
    context.setdefault("place", DEFAULT_PLACE)
    context.setdefault("document_date", timezone.localdate())
    context.setdefault("date_line", official_date_line(context["document_date"], context["place"]))
    context.setdefault("font_dir", FONT_DIR.as_uri())
    context.setdefault("page_size", "A4")
    return context


def render_pdf(template_name: str, context: dict | None, out: BinaryIO) -> None:
    """Render a Django template (extending pdf/base.html) to PDF bytes written to `out`.

    Official documents are Vietnamese whatever language the requester browses in, so the
    template renders with Vietnamese active (dates, labels, numbers).
    """
    # WeasyPrint logs every rendering step at INFO; keep the worker log for what matters.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("vi"):
        html = render_to_string(template_name, pdf_context(context))
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_fetcher_class()())
    document.write_pdf(target=out, font_config=font_config)
