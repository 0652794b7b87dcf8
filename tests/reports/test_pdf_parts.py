"""reports.pdf.render_pdf_in_parts: parts laid out one at a time, pages concatenated, "Trang x/y"
footers counting the pages of every part."""

import io
import shutil
import subprocess

import pytest

from reports import pdf

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)"
)


def pdf_pages(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def test_parts_follow_each_other_and_footers_count_every_page(tmp_path):
    out = io.BytesIO()
    titles = ["Phụ lục một", "Phụ lục hai", "Phụ lục ba"]
    count = pdf.render_pdf_in_parts(
        "pdf/base.html", [{"title": t, "unit_name": "Sở Nội vụ"} for t in titles], out
    )
    assert count == 3
    assert out.getvalue().startswith(b"%PDF")
    pages = pdf_pages(out.getvalue(), tmp_path)
    assert len(pages) == 3
    for number, (title, text) in enumerate(zip(titles, pages, strict=True), start=1):
        assert title.upper() in text  # h1.document-title is uppercase; diacritics kept
        assert "SỞ NỘI VỤ" in text
        assert f"Trang {number}/3" in text
        assert text.count("Trang ") == 1  # the part's own footer is left out


def test_a_part_may_span_several_pages(tmp_path):
    out = io.BytesIO()
    long_body = {"title": "Dài", "subtitle": "Đoạn văn. " * 3000}
    count = pdf.render_pdf_in_parts("pdf/base.html", [{"title": "Ngắn"}, long_body], out)
    pages = pdf_pages(out.getvalue(), tmp_path)
    assert count == len(pages) > 2
    assert "NGẮN" in pages[0] and "DÀI" in pages[1]
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{count}" in text


def test_no_part_is_an_error():
    with pytest.raises(ValueError):
        pdf.render_pdf_in_parts("pdf/base.html", [], io.BytesIO())


def test_render_pdf_keeps_its_own_footer(tmp_path):
    out = io.BytesIO()
    pdf.render_pdf("pdf/base.html", {"title": "Một trang"}, out)
    assert pdf_pages(out.getvalue(), tmp_path)[0].endswith("Trang 1/1")
