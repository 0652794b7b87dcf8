"""Public news pages, permission-checked media, and the editors' workspace (thin views)."""

from __future__ import annotations

import functools
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from . import counter, selectors, services
from .forms import ArticleForm, PreviewForm, WithdrawForm
from .models import Article
from .sanitize import sanitize_html

PAGE_SIZE = 10
MANAGE_PAGE_SIZE = 20
MAX_QUERY = 200


def _page(request, qs, size=PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("trang"))


# --- readers --------------------------------------------------------------------------------
@require_safe
def article_list(request):
    return render(
        request,
        "news/list.html",
        {"page": _page(request, selectors.articles_in()), "categories": selectors.categories()},
    )


@require_safe
def category(request, slug):
    cat = selectors.category_by_slug(slug=slug)
    if cat is None:
        raise Http404(_("Không có chuyên mục này."))
    return render(
        request,
        "news/list.html",
        {
            "page": _page(request, selectors.articles_in(category=cat)),
            "category": cat,
            "categories": selectors.categories(),
        },
    )


@require_safe
def search(request):
    query = (request.GET.get("q") or "")[:MAX_QUERY]
    return render(
        request,
        "news/search.html",
        {
            "query": query,
            "page": _page(request, selectors.search(query=query)),
            "categories": selectors.categories(),
        },
    )


def _article_context(article: Article, *, preview: bool = False) -> dict:
    return {
        "article": article,
        "view_count": selectors.view_count(article=article),
        "related": selectors.related_articles(article=article),
        "attachments": list(article.attachments.all()),
        "preview": preview,
    }


@require_safe
def detail(request, slug):
    article = selectors.article_for_reader(slug=slug)
    if article is None:
        raise Http404(_("Không có bài viết này hoặc bài viết chưa được đăng."))
    reader = counter.record_view(request, article_id=article.pk)
    response = render(request, "news/detail.html", _article_context(article))
    counter.remember_reader(response, reader)
    return response


@require_safe
def print_view(request, slug):
    article = selectors.article_for_reader(slug=slug)
    if article is None:
        raise Http404(_("Không có bài viết này hoặc bài viết chưa được đăng."))
    return render(
        request,
        "news/print.html",
        {"article": article, "attachments": list(article.attachments.all())},
    )


# --- media: only through these views, never MEDIA_URL ----------------------------------------
def _file_response(article, name: str, *, content_type: str, filename: str | None = None):
    if not name:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=filename is not None,
        filename=filename or "",
    )
    response["Cache-Control"] = (
        "public, max-age=300" if article.is_visible() else "private, no-store"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def cover(request, slug, size="large"):
    article = selectors.article_for_media(user=request.user, slug=slug)
    if article is None:
        raise Http404
    name = article.cover_thumbnail.name if size == "thumb" else article.cover_image.name
    return _file_response(article, name, content_type="image/jpeg")


@require_safe
def attachment(request, slug, public_id):
    item = selectors.attachment_for_media(user=request.user, slug=slug, public_id=public_id)
    if item is None:
        raise Http404
    filename = f"{item.title}{os.path.splitext(item.file.name)[1]}"
    return _file_response(
        item.article, item.file.name, content_type=item.content_type, filename=filename
    )


# --- editors --------------------------------------------------------------------------------
def editor_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not selectors.can_manage(request.user):
            raise PermissionDenied(_("Chỉ biên tập viên và quản trị viên được quản lý tin tức."))
        return view(request, *args, **kwargs)

    return wrapper


def _editable(request, public_id) -> Article:
    article = selectors.article_for_editor(user=request.user, public_id=public_id)
    if article is None:
        raise Http404
    return article


@editor_required
@require_GET
def manage(request):
    status = request.GET.get("trang-thai", "")
    status = status if status in selectors.STATUS_FILTERS else ""
    query = (request.GET.get("q") or "")[:MAX_QUERY]
    qs = selectors.manage_list(user=request.user, status=status, query=query)
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "news/manage/list.html",
        {
            "page": _page(request, qs, MANAGE_PAGE_SIZE),
            "status": status,
            "query": query,
            "params": params.urlencode(),
            "status_choices": [
                ("", _("Tất cả")),
                ("draft", _("Bản nháp")),
                ("scheduled", _("Đã lên lịch")),
                ("published", _("Đang hiển thị")),
                ("withdrawn", _("Đã thu hồi")),
            ],
        },
    )


def _success_message(article: Article, action: str) -> str:
    if action == "publish":
        when = date_format(localtime(article.publish_at), "d/m/Y H:i")
        if article.is_scheduled:
            return _("Đã lên lịch đăng bài lúc %(when)s.") % {"when": when}
        return _("Đã đăng bài viết (thời điểm đăng %(when)s).") % {"when": when}
    return _("Đã lưu bài viết.")


def _editor_page(request, article: Article | None):
    action = request.POST.get("action", "save") if request.method == "POST" else "save"
    if action not in {"save", "publish", "preview"}:
        action = "save"
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES, instance=article, action=action)
        if form.is_valid():
            try:
                saved = services.save_article(
                    article=article,
                    data=form.cleaned_data,
                    by=request.user,
                    cover=form.cover_to_store(),
                    remove_cover=form.cleaned_data.get("remove_cover") or False,
                    new_attachments=form.cleaned_data.get("new_attachments") or [],
                    remove_attachments=form.cleaned_data.get("remove_attachments") or [],
                )
                if action == "publish":
                    saved = services.publish(article=saved, by=request.user)
            except IntegrityError:
                form.add_error("slug", _("Đường dẫn này đã được dùng cho một bài viết khác."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if form.body_was_cleaned:
                    messages.warning(
                        request,
                        _(
                            "Nội dung có mã HTML không an toàn hoặc không được hỗ trợ (ví dụ "
                            "script, thuộc tính sự kiện, liên kết javascript:); phần đó đã bị "
                            "loại bỏ. Hãy xem lại bản xem trước."
                        ),
                    )
                messages.success(request, _success_message(saved, action))
                if action == "preview":
                    return redirect("news:preview", public_id=saved.public_id)
                return redirect("news:edit", public_id=saved.public_id)
        form.keep_cover_for_retry()
        if article is not None and article.pk:
            # is_valid() copied the (invalid) typed slug onto the instance; the page links to
            # the stored one (cover thumbnail) — the typed value stays in the bound form.
            article.slug = Article.objects.filter(pk=article.pk).values_list("slug", flat=True)[0]
        status = 400
    else:
        form = ArticleForm(instance=article)
        status = 200
    return render(
        request,
        "news/manage/edit.html",
        {
            "form": form,
            "article": article,
            "withdraw_form": WithdrawForm(),
            "kept_cover": getattr(form, "kept_cover", None),
        },
        status=status,
    )


@editor_required
@require_http_methods(["GET", "POST"])
def create(request):
    return _editor_page(request, None)


@editor_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    return _editor_page(request, _editable(request, public_id))


@editor_required
@require_GET
def preview(request, public_id):
    article = _editable(request, public_id)
    return render(request, "news/detail.html", _article_context(article, preview=True))


@editor_required
@require_POST
def publish(request, public_id):
    article = _editable(request, public_id)
    try:
        article = services.publish(article=article, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _success_message(article, "publish"))
    return redirect("news:edit", public_id=article.public_id)


@editor_required
@require_POST
def withdraw(request, public_id):
    article = _editable(request, public_id)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.withdraw(article=article, by=request.user, reason=reason)
    messages.success(request, _("Đã thu hồi bài viết; bạn đọc không còn xem được bài này."))
    return redirect("news:edit", public_id=article.public_id)


@editor_required
@require_GET
def history(request, public_id):
    article = _editable(request, public_id)
    return render(
        request,
        "news/manage/history.html",
        {"article": article, "records": selectors.history_of(article=article)},
    )


@editor_required
@require_POST
def preview_body(request):
    """htmx: the sanitised HTML of the editor's text, exactly as readers will get it."""
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    response = render(request, "news/manage/_body_preview.html", {"body": sanitize_html(body)})
    response["Cache-Control"] = "no-store"
    return response
