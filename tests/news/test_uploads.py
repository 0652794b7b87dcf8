"""Cover images (checked by content, resized, EXIF stripped) and attachments, served only
through permission-checked views."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from news import forms as news_forms
from news.models import Article, Attachment
from tests.news.factories import (
    ArticleFactory,
    CategoryFactory,
    jpeg_bytes,
    make_editor,
    pdf_upload,
    png_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def _post(client, url=None, **extra):
    data = {
        "title": "Bài có ảnh",
        "category": CategoryFactory().pk,
        "body": "<p>Nội dung</p>",
        "action": "save",
        **extra,
    }
    return client.post(url or reverse("news:create"), data)


def test_cover_is_resized_thumbnailed_and_stripped_of_exif(editor_client):
    response = _post(
        editor_client,
        cover_upload=png_upload(width=3200, height=1600),
        cover_alt="Người dân nộp hồ sơ",
        cover_caption="Bộ phận một cửa",
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.cover_width, article.cover_height) == (1600, 800)
    with default_storage.open(article.cover_image.name) as f, Image.open(f) as large:
        assert large.format == "JPEG" and large.size == (1600, 800)
        assert not large.getexif()
        assert "exif" not in large.info
    with default_storage.open(article.cover_thumbnail.name) as f, Image.open(f) as thumb:
        assert thumb.size == (400, 200)
    assert article.cover_caption == "Bộ phận một cửa"


def test_jpeg_exif_is_dropped_and_small_images_are_not_enlarged(editor_client):
    upload = SimpleUploadedFile("anh.jpg", jpeg_bytes(800, 600), content_type="image/jpeg")
    assert b"SecretCameraMaker" in jpeg_bytes(800, 600)
    _post(editor_client, cover_upload=upload, cover_alt="Ảnh")
    article = Article.objects.get()
    with default_storage.open(article.cover_image.name) as f:
        data = f.read()
    assert b"SecretCameraMaker" not in data
    assert Image.open(io.BytesIO(data)).size == (800, 600)


def test_a_file_lying_about_its_type_is_refused_with_a_clear_message(editor_client):
    fake = SimpleUploadedFile(
        "anh.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    response = _post(editor_client, cover_upload=fake, cover_alt="x")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nội dung tệp không khớp với phần mở rộng .png" in html
    assert 'value="Bài có ảnh"' in html  # what was typed is kept
    assert not Article.objects.exists()


def test_wrong_extension_and_oversized_uploads_are_refused(editor_client, monkeypatch):
    pdf_as_cover = pdf_upload("anh.pdf")
    response = _post(editor_client, cover_upload=pdf_as_cover, cover_alt="x")
    assert "Định dạng tệp không được chấp nhận" in response.content.decode()
    monkeypatch.setattr(news_forms, "COVER_MAX_BYTES", 1000)
    response = _post(editor_client, cover_upload=png_upload(), cover_alt="x")
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert not Article.objects.exists()


def test_alt_text_is_required_with_a_cover_and_the_upload_is_kept(editor_client):
    response = _post(editor_client, cover_upload=png_upload(width=800, height=400))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hãy nhập mô tả ảnh" in html
    assert "Ảnh bạn vừa tải lên đã được giữ lại" in html
    token = html.split('name="cover_token" value="', 1)[1].split('"', 1)[0]
    assert token
    response = _post(editor_client, cover_token=token, cover_alt="Ảnh minh họa")
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.cover_image and article.cover_width == 800


def test_forged_cover_token_is_ignored(editor_client):
    response = _post(editor_client, cover_token="forged:token", cover_alt="x")
    assert response.status_code == 302
    assert not Article.objects.get().cover_image


def test_attachments_are_checked_and_served_through_the_view(editor_client, client):
    response = _post(
        editor_client,
        new_attachments=[pdf_upload("Quyết định 123.pdf")],
        action="publish",
    )
    assert response.status_code == 302
    article = Article.objects.get()
    attachment = article.attachments.get()
    assert attachment.title == "Quyết định 123"
    assert attachment.content_type == "application/pdf"
    url = reverse("news:attachment", args=[article.slug, attachment.public_id])
    editor_client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert url in page and "Quyết định 123" in page


def test_fake_attachment_is_refused(editor_client):
    fake = SimpleUploadedFile(
        "quyet-dinh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = _post(editor_client, new_attachments=[fake])
    assert response.status_code == 400
    assert "quyet-dinh.pdf" in response.content.decode()
    assert not Attachment.objects.exists()


def test_media_never_served_from_media_url_and_files_of_drafts_are_private(client):
    editor = make_editor()
    client.force_login(editor)
    _post(client, cover_upload=png_upload(width=800, height=400), cover_alt="Ảnh")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert client.get(reverse("news:cover", args=[article.slug])).status_code == 200
    response = client.get(reverse("news:cover_thumb", args=[article.slug]))
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(reverse("news:cover", args=[article.slug])).status_code == 404
    assert client.get("/media/" + article.cover_image.name).status_code == 404
    article.status = Article.Status.PUBLISHED
    article.publish_at = article.created_at
    article.save()
    response = client.get(reverse("news:cover", args=[article.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public")


def test_replacing_and_removing_the_cover_deletes_old_files(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(editor_client, cover_upload=png_upload(width=800, height=400), cover_alt="Ảnh")
    article = Article.objects.get()
    old = article.cover_image.name
    url = reverse("news:edit", args=[article.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            editor_client,
            url,
            slug=article.slug,
            category=article.category.pk,
            remove_cover="on",
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.cover_image
    assert not default_storage.exists(old)


def test_article_without_cover_has_no_alt_requirement(editor_client):
    assert _post(editor_client).status_code == 302
    ArticleFactory()  # and factories stay valid
