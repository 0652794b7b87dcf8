"""PDF rendering with WeasyPrint: bundled DejaVu fonts, the official header, no network."""

import datetime
import gc
import logging
from collections.abc import Iterable
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
    context.setdefault("page_footer", True)  # the "Trang x/y" footer of pdf/base.html
    return context


def render_pdf(template_name: str, context: dict | None, out: BinaryIO) -> None:
    """Render a Django template (extending pdf/base.html) to PDF bytes written to `out`.

    Official documents are Vietnamese whatever language the requester browses in, so the
    template renders with Vietnamese active (dates, labels, numbers).
    """
    # WeasyPrint logs every rendering step at INFO; keep the worker log for what matters.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("vi"):
        html = render_to_string(template_name, pdf_context(context))
    font_config = FontConfiguration()
    document = _html(html)
    document.write_pdf(target=out, font_config=font_config)


def _html(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_fetcher_class()())


def render_pdf_in_parts(template_name: str, contexts: Iterable[dict], out: BinaryIO) -> int:
    """Render `template_name` once per context and write the pages of all parts, in order, as
    one PDF to `out`; return the number of pages.

    WeasyPrint keeps the layout of every page of a document until the document is written
    (≈ 2 MB a page), so a 1,000-page report needs gigabytes. Here each part is a separate
    WeasyPrint document whose pages are painted into one shared PDF as soon as the part is laid
    out, then the part's layout is dropped: peak memory is that of the largest part. The parts
    are rendered without the "Trang x/y" footer (``page_footer`` False); once the total is known
    a light document of empty pages carrying only the footers (pdf/page_footers.html, same
    @page rules) is laid out and each footer is painted over its page. Fonts are shared (one
    subset per font for the whole file), bookmarks (h1/h2…) are kept as one outline tree.
    Each part must fit in memory on its own: split big reports into parts of ~100 pages.

    Uses WeasyPrint's PDF internals (pinned weasyprint==70.0; tests/reports/test_pdf_parts.py
    guards the result).
    """
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import pydyf
    from tinycss2.color5 import D50, D65
    from weasyprint import DEFAULT_OPTIONS, __version__
    from weasyprint.document import make_page_bookmark_tree
    from weasyprint.matrix import Matrix
    from weasyprint.pdf import _use_references
    from weasyprint.pdf.anchors import add_outlines
    from weasyprint.pdf.fonts import build_fonts_dictionary
    from weasyprint.pdf.stream import Stream
    from weasyprint.text.fonts import FontConfiguration

    scale = 0.75  # 72 PDF points per inch / 96 CSS pixels per inch
    font_config = FontConfiguration()  # shared: the fonts' glyphs are collected across parts
    pdf = pydyf.PDF()
    fonts, images, color_profiles = {}, {}, {}
    color_space = pydyf.Dictionary(  # as weasyprint.pdf.generate_pdf (CSS lab() colours)
        {
            f"lab-{name}": pydyf.Array(
                (
                    "/Lab",
                    pydyf.Dictionary(
                        {
                            "WhitePoint": pydyf.Array(white),
                            "Range": pydyf.Array((-125, 125, -125, 125)),
                        }
                    ),
                )
            )
            for name, white in (("d50", D50), ("d65", D65))
        }
    )
    pdf.add_object(color_space)
    resources = pydyf.Dictionary(
        {
            "ExtGState": pydyf.Dictionary(),
            "XObject": pydyf.Dictionary(),
            "Pattern": pydyf.Dictionary(),
            "Shading": pydyf.Dictionary(),
            "ColorSpace": color_space.reference,
        }
    )
    pdf.add_object(resources)
    streams = []
    bookmarks: list = []
    skipped_levels: list = []
    last_by_depth = [bookmarks]
    previous_level = 0
    metadata = None
    page_context = None

    def layout(template, context):
        with translation.override("vi"):
            html = render_to_string(template, context)
        # Laying out allocates millions of long-lived objects and little cyclic garbage: the
        # cyclic collector's full passes over them took ≈ 40 % of the time. It is paused during
        # a part's layout, and the part's garbage is collected once its layout is dropped.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return _html(html).render(font_config=font_config)
        finally:
            if was_enabled:
                gc.enable()

    for context in contexts:
        context = pdf_context({**context, "page_footer": False})
        page_context = page_context or context
        document = layout(template_name, context)
        metadata = metadata or document.metadata
        color_profiles.update(document.color_profiles)
        for page in document.pages:
            width, height = page.width * scale, page.height * scale
            stream = Stream(
                fonts,
                (0, 0, page.width, page.height),
                resources,
                images,
                None,
                document.color_profiles,
                document.output_intent,
                compress=True,
            )
            stream.transform(d=-1, f=height)
            pdf.add_object(stream)
            pdf_page = pydyf.Dictionary(
                {
                    "Type": "/Page",
                    "Parent": pdf.pages.reference,
                    "MediaBox": pydyf.Array([0, 0, width, height]),
                    "TrimBox": pydyf.Array([0, 0, width, height]),
                    "BleedBox": pydyf.Array([0, 0, width, height]),
                    "Contents": stream.reference,
                    "Resources": resources.reference,
                }
            )
            pdf.add_page(pdf_page)
            page.paint(stream, scale)
            previous_level = make_page_bookmark_tree(
                page,
                skipped_levels,
                last_by_depth,
                previous_level,
                len(streams),
                Matrix(a=scale, d=-scale, f=height),
            )
            streams.append(stream)
        del document, page  # drop the part's layout before laying out the next one
        gc.collect()

    if page_context is None:
        raise ValueError("render_pdf_in_parts needs at least one part.")
    footers = layout(
        "pdf/page_footers.html", {**page_context, "page_footer": True, "pages": range(len(streams))}
    )
    if len(footers.pages) != len(streams):  # pragma: no cover - same @page rules, one per page
        raise RuntimeError(f"{len(footers.pages)} footers for {len(streams)} pages")
    for page, stream in zip(footers.pages, streams, strict=True):
        page.paint(stream, scale)
    del footers

    add_outlines(pdf, bookmarks)
    pdf.info["Producer"] = pydyf.String(f"WeasyPrint {__version__}")
    if metadata and metadata.title:
        pdf.info["Title"] = pydyf.String(metadata.title)
    if metadata and metadata.lang:
        pdf.catalog["Lang"] = pydyf.String(metadata.lang)
    pdf_fonts = build_fonts_dictionary(pdf, fonts, True, True, DEFAULT_OPTIONS)
    pdf.add_object(pdf_fonts)
    resources["Font"] = pdf_fonts.reference
    _use_references(pdf, resources, images, color_profiles)
    pdf.write(out, None, None, True)
    return len(streams)
