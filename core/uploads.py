"""Upload checks shared by every app: type by content (libmagic), size, archive and image bombs.

A file is accepted only when its content, its extension and the caller's allow-list agree.
Use `validate_upload(file, kinds={"pdf", "jpeg", ...}, max_bytes=...)` in a form's clean_<field>;
it raises ValidationError with a Vietnamese message and returns a `CheckedUpload`.
"""

import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

import magic
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image


@dataclass(frozen=True)
class FileKind:
    name: str
    label: str
    extensions: tuple[str, ...]
    mimes: tuple[str, ...]


KINDS: dict[str, FileKind] = {
    k.name: k
    for k in [
        FileKind("pdf", "PDF", (".pdf",), ("application/pdf",)),
        FileKind("jpeg", "JPEG", (".jpg", ".jpeg"), ("image/jpeg",)),
        FileKind("png", "PNG", (".png",), ("image/png",)),
        FileKind(
            "docx",
            "DOCX",
            (".docx",),
            (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/zip",
                "application/octet-stream",
            ),
        ),
        FileKind(
            "xlsx",
            "XLSX",
            (".xlsx",),
            (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/zip",
                "application/octet-stream",
            ),
        ),
    ]
}
DOCUMENT_KINDS = frozenset({"pdf", "jpeg", "png", "docx", "xlsx"})
IMAGE_KINDS = frozenset({"jpeg", "png"})

# Office files are zip archives: refuse ones that would expand far beyond their size.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 2000
MAX_IMAGE_PIXELS = 40_000_000  # ~ 8000 x 5000; a scanned A4 page at 600 dpi is ~35 MP
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    mime: str
    size: int
    safe_name: str


def safe_filename(name: str) -> str:
    """A name safe to store and to send back: no path, no control characters, ASCII-folded."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFKD", base.replace("đ", "d").replace("Đ", "D"))
    base = base.encode("ascii", "ignore").decode()
    base = get_valid_filename(base) if base.strip(" ._") else ""
    stem, ext = os.path.splitext(base)
    return (stem[:80] or "tep-tin") + ext[:10].lower()


def _sniff(file) -> str:
    pos = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8192)
    file.seek(pos)
    return magic.from_buffer(head, mime=True)


def _check_zip(file, kind: str) -> None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if len(members) > MAX_ZIP_MEMBERS:
                raise ValidationError(_("Tệp có cấu trúc bất thường (quá nhiều thành phần)."))
            total = sum(m.file_size for m in members)
            packed = max(1, sum(m.compress_size for m in members))
            if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
                raise ValidationError(
                    _("Tệp bị nén bất thường (nghi là tệp nén độc hại), không được chấp nhận.")
                )
            if "[Content_Types].xml" not in names or OOXML_MAIN_PART[kind] not in names:
                raise ValidationError(
                    _("Nội dung tệp không phải là tệp %(kind)s hợp lệ.")
                    % {"kind": KINDS[kind].label}
                )
            if any(n.startswith("/") or ".." in n.split("/") for n in names):
                raise ValidationError(_("Tệp chứa đường dẫn không hợp lệ."))
    except zipfile.BadZipFile as exc:
        raise ValidationError(
            _("Nội dung tệp không phải là tệp %(kind)s hợp lệ.") % {"kind": KINDS[kind].label}
        ) from exc
    finally:
        file.seek(0)


def _check_image(file) -> None:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(_("Ảnh có kích thước điểm ảnh quá lớn."))
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("Ảnh có kích thước điểm ảnh quá lớn.")) from exc
    except Exception as exc:
        raise ValidationError(_("Tệp ảnh bị hỏng hoặc không đọc được.")) from exc
    finally:
        file.seek(0)


def validate_upload(
    file, *, kinds=DOCUMENT_KINDS, max_bytes: int = 10 * 1024 * 1024
) -> CheckedUpload:
    """Check an uploaded file; raise ValidationError (Vietnamese) or return what was found."""
    allowed = [KINDS[k] for k in kinds]
    allowed_labels = ", ".join(k.label for k in allowed)
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
    if size == 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s); dung lượng tối đa là %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    name = safe_filename(getattr(file, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    by_ext = [k for k in allowed if ext in k.extensions]
    if not by_ext:
        raise ValidationError(
            _("Định dạng tệp không được chấp nhận. Chỉ nhận: %(kinds)s.")
            % {"kinds": allowed_labels},
            code="bad_extension",
        )
    kind = by_ext[0]
    mime = _sniff(file)
    if mime not in kind.mimes:
        raise ValidationError(
            _("Nội dung tệp không khớp với phần mở rộng %(ext)s (nội dung thực tế: %(mime)s).")
            % {"ext": ext, "mime": mime},
            code="content_mismatch",
        )
    if kind.name in OOXML_MAIN_PART:
        _check_zip(file, kind.name)
    elif kind.name in IMAGE_KINDS:
        _check_image(file)
    return CheckedUpload(kind=kind.name, mime=mime, size=size, safe_name=name)
