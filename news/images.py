"""Cover images: re-encoded with Pillow (orientation applied, EXIF and other metadata dropped),
at most 1600 px wide, plus a 400 px thumbnail; stored through Django's storage API."""

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps

MAX_WIDTH = 1600
THUMB_WIDTH = 400
JPEG_QUALITY = 85


@dataclass(frozen=True)
class StoredCover:
    image: str
    thumbnail: str
    width: int
    height: int


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no alpha channel."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _resized(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image.copy()
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _jpeg_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=/icc_profile= argument: the new file carries no metadata from the upload.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def store_cover(upload) -> StoredCover:
    """Re-encode a checked upload (validate_upload first) and save both sizes."""
    upload.seek(0)
    with Image.open(upload) as original:
        original.load()
        image = _flatten(ImageOps.exif_transpose(original))
    large = _resized(image, MAX_WIDTH)
    thumb = _resized(image, THUMB_WIDTH)
    stem = f"news/covers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    large_name = default_storage.save(f"{stem}.jpg", ContentFile(_jpeg_bytes(large)))
    thumb_name = default_storage.save(f"{stem}-400.jpg", ContentFile(_jpeg_bytes(thumb)))
    return StoredCover(
        image=large_name, thumbnail=thumb_name, width=large.width, height=large.height
    )


def delete_files(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
