import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import safe_filename, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(10, 10)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return buf.getvalue()


def ooxml(kind: str, extra: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


def test_accepts_real_pdf_png_docx_xlsx():
    assert validate_upload(upload("to-khai.pdf", PDF)).kind == "pdf"
    assert validate_upload(upload("anh.png", png_bytes())).kind == "png"
    assert validate_upload(upload("don.docx", ooxml("docx"))).kind == "docx"
    assert validate_upload(upload("bang.xlsx", ooxml("xlsx"))).kind == "xlsx"


def test_refuses_content_that_lies_about_its_extension():
    with pytest.raises(ValidationError, match="không khớp"):
        validate_upload(upload("giay-to.pdf", png_bytes()))
    with pytest.raises(ValidationError, match="không khớp"):
        validate_upload(upload("anh.png", b"<html><script>alert(1)</script></html>"))


def test_refuses_svg_and_html_by_extension():
    for name in ("x.svg", "x.html", "x.exe", "noext"):
        with pytest.raises(ValidationError, match="không được chấp nhận"):
            validate_upload(upload(name, b"<svg onload='alert(1)'/>"))


def test_refuses_oversized_and_empty_files():
    with pytest.raises(ValidationError, match="quá lớn"):
        validate_upload(upload("a.pdf", PDF + b"0" * 2048), max_bytes=1024)
    with pytest.raises(ValidationError, match="rỗng"):
        validate_upload(upload("a.pdf", b""))


def test_refuses_zip_bomb_inside_docx():
    bomb = ooxml("docx", {"word/media/bomb.bin": b"\0" * (20 * 1024 * 1024)})
    with pytest.raises(ValidationError, match="nén bất thường"):
        validate_upload(upload("don.docx", bomb))


def test_refuses_a_zip_that_is_not_ooxml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="không phải là tệp DOCX"):
        validate_upload(upload("don.docx", buf.getvalue()))


def test_refuses_decompression_bomb_image():
    data = png_bytes((9000, 9000))
    with pytest.raises(ValidationError, match="quá lớn"):
        validate_upload(upload("anh.png", data), max_bytes=50 * 1024 * 1024)


def test_kind_allow_list_is_respected():
    with pytest.raises(ValidationError, match="Chỉ nhận: PDF"):
        validate_upload(upload("anh.png", png_bytes()), kinds={"pdf"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\Giấy khai sinh.PDF", "Giay_khai_sinh.pdf"),
        ("Đơn đề nghị.docx", "Don_de_nghi.docx"),
        ("....", "tep-tin"),
    ],
)
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected
