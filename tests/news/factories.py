"""Factories of the news tests."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from news.models import Article, Category
from tests.factories import MembershipFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Chuyên mục {n}")
    slug = factory.Sequence(lambda n: f"chuyen-muc-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A visible (published, past publication time) article unless told otherwise."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Bài viết thử nghiệm số {n}")
    slug = factory.Sequence(lambda n: f"bai-viet-thu-nghiem-{n}")
    category = factory.SubFactory(CategoryFactory)
    summary = "Tóm tắt bài viết."
    body = "<p>Nội dung bài viết về cải cách hành chính.</p>"
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


def make_editor(**kwargs):
    return MembershipFactory(role=Role.EDITOR, **kwargs).user


def png_bytes(width=2400, height=1200, color=(30, 120, 200), exif=True) -> bytes:
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCameraMaker"  # Make
        info[0x8825] = {1: "N", 2: (10.0, 2.0, 3.0)}  # a GPS block
        image.save(out, format="PNG", exif=info)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(width=800, height=600) -> bytes:
    image = Image.new("RGB", (width, height), (200, 60, 60))
    info = Image.Exif()
    info[0x010F] = "SecretCameraMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=info)
    return out.getvalue()


def png_upload(name="anh-bia.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def pdf_upload(name="quyet-dinh.pdf") -> SimpleUploadedFile:
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, content, content_type="application/pdf")
