"""`{% memo %}` (core.templatetags.portal) and the base layout's parts it keeps: rendered once per
process for a language and the values named, never holding anything of one request."""

import re

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.test import override_settings
from django.utils import translation

from tests.factories import UserFactory

ENGINE = Engine(libraries={"portal": "core.templatetags.portal"}, builtins=[])


def render(source: str, **context) -> str:
    return ENGINE.from_string("{% load portal %}" + source).render(Context(context))


class Counter:
    """A value that counts how often the template reads it."""

    def __init__(self):
        self.reads = 0

    def __str__(self):
        self.reads += 1
        return f"lần {self.reads}"


def test_a_memo_renders_once_per_key_and_language():
    template = ENGINE.from_string('{% load portal %}{% memo "x" key %}{{ counter }}{% endmemo %}')
    counter = Counter()
    with translation.override("vi"):
        assert template.render(Context({"key": 1, "counter": counter})) == "lần 1"
        assert template.render(Context({"key": 1, "counter": counter})) == "lần 1"
        assert template.render(Context({"key": 2, "counter": counter})) == "lần 2"
    with translation.override("en"):
        assert template.render(Context({"key": 1, "counter": counter})) == "lần 3"
    with translation.override("vi"):
        assert template.render(Context({"key": 1, "counter": counter})) == "lần 1"
    assert counter.reads == 3


def test_a_changed_setting_drops_what_was_kept():
    template = ENGINE.from_string('{% load portal %}{% memo "x" %}{{ counter }}{% endmemo %}')
    counter = Counter()
    assert template.render(Context({"counter": counter})) == "lần 1"
    with override_settings(PORTAL_NAME="Cổng khác"):
        assert template.render(Context({"counter": counter})) == "lần 2"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("{% csrf_token %}", "csrf_token"),
        ("{{ csrf_token }}", "csrf_token"),
        ("{{ request.get_full_path }}", "request"),
        ("{{ user.full_name }}", "user"),
        ("{{ name|default:user.email }}", "user"),
        ("{% if user.is_authenticated %}x{% endif %}", "user"),
        ("{% if a %}{% elif not request.user %}y{% endif %}", "request"),
        ("{% for m in messages %}{{ m }}{% endfor %}", "messages"),
        ("{% site_footer %}", "context"),
        ("{% with name=user.full_name %}{{ name }}{% endwith %}", "user"),
        ("{% firstof a request.path %}", "request"),
        ("{% url 'home' as x %}{% url 'dossiers:track' %}?n={{ csrf_token }}", "csrf_token"),
    ],
)
def test_per_request_values_are_refused_when_the_template_is_compiled(source, name):
    with pytest.raises(TemplateSyntaxError, match=name):
        ENGINE.from_string("{% load portal %}{% memo 'x' %}" + source + "{% endmemo %}")


def test_a_block_inside_a_memo_is_refused():
    engine = Engine(libraries={"portal": "core.templatetags.portal"})
    with pytest.raises(TemplateSyntaxError, match="block"):
        engine.from_string(
            "{% load portal %}{% memo 'x' %}{% block a %}{% endblock %}{% endmemo %}"
        )


def test_an_include_inside_a_memo_is_refused():
    engine = Engine(libraries={"portal": "core.templatetags.portal"})
    with pytest.raises(TemplateSyntaxError, match="include"):
        engine.from_string("{% load portal %}{% memo 'x' %}{% include 'a.html' %}{% endmemo %}")


def test_a_memo_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="name"):
        ENGINE.from_string("{% load portal %}{% memo %}x{% endmemo %}")


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HX_RE = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')


@pytest.mark.django_db
def test_every_page_carries_its_own_csrf_token_and_path(client):
    """The language switch sits between kept parts: its token and return path are this
    request's, page after page."""
    tokens = set()
    for path in ("/", "/tra-cuu/", "/thu-tuc/"):
        client.cookies.clear()
        html = client.get(path).content.decode()
        form_token = CSRF_RE.search(html).group(1)
        assert HX_RE.search(html).group(1) == form_token
        assert f'<input name="next" type="hidden" value="{path}">' in html
        tokens.add(form_token)
    assert len(tokens) == 3


@pytest.mark.django_db
def test_the_active_menu_entry_follows_the_page(client):
    home = client.get("/").content.decode()
    tracking = client.get("/tra-cuu/").content.decode()
    assert '<a class="nav-link active" href="/" aria-current="page">Trang chủ</a>' in home
    assert '<a class="nav-link" href="/tra-cuu/">Tra cứu hồ sơ</a>' in home
    assert '<a class="nav-link" href="/">Trang chủ</a>' in tracking
    assert 'class="nav-link active" href="/tra-cuu/" aria-current="page">Tra cứu hồ sơ' in tracking


@pytest.mark.django_db
def test_the_account_menu_is_each_visitors_own(client):
    anonymous = client.get("/").content.decode()
    assert "Đăng nhập" in anonymous
    first, second = UserFactory(full_name="Trần Thị Một"), UserFactory(full_name="Lê Văn Hai")
    client.force_login(first)
    page = client.get("/").content.decode()
    assert "Trần Thị Một" in page and "Đăng xuất" in page and "Đăng nhập" not in page
    client.force_login(second)
    page = client.get("/").content.decode()
    assert "Lê Văn Hai" in page and "Trần Thị Một" not in page
    client.logout()
    assert "Lê Văn Hai" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_kept_layout_follows_the_language(client):
    client.get("/")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip navigation" in html
    assert "Bỏ qua điều hướng" not in html
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})  # the thread's language
    assert "Bỏ qua điều hướng" in client.get("/").content.decode()


def test_static_urls_are_worked_out_once_per_name(tmp_path, settings):
    import json

    from core.staticfiles import ManifestStaticFilesStorage

    settings.DEBUG = False
    manifest = {"paths": {"css/a.css": "css/a.123abc.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/a.css") == "/static/css/a.123abc.css"
    storage.hashed_files["css/a.css"] = "css/a.456def.css"  # the manifest is not read again
    assert storage.url("css/a.css") == "/static/css/a.123abc.css"
    assert storage.url("css/a.css", force=True) == "/static/css/a.456def.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/missing.css")
    settings.DEBUG = True
    assert storage.url("css/a.css") == "/static/css/a.css"
