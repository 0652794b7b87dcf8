"""Item 2: arbitrary text, unicode, huge strings, null bytes, weird dates and numbers posted or
sent as query parameters to every public form and query parameter of the committed apps never
cause a server error, and what the user typed never comes back unescaped.

Each test reads the page's own HTML forms (so a new field is fuzzed without editing the test),
adds the query parameters the view reads outside its forms, and lets hypothesis fill a random
subset of the fields with hostile values.
"""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from .helpers import FUZZ, assert_safe, forms_in, hostile

SKIP_ACTIONS = ("/i18n/", "/tai-khoan/logout/", "/tai-khoan/dang-xuat/")


def _targets(client, url: str, extra: tuple[str, ...] = ()) -> list:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    targets = []
    for form in forms_in(response.content.decode()):
        action = form.action or url
        if not action.startswith("/"):
            action = url
        if action.startswith(SKIP_ACTIONS) or "logout" in action:
            continue
        fields = {k: v for k, v in form.fields.items() if k != "csrfmiddlewaretoken"}
        targets.append(
            (form.method, action.split("?")[0] if form.method == "post" else action, fields)
        )
    if extra:
        targets.append(("get", url, dict.fromkeys(extra, "")))
    return targets


def _fuzz(client, targets) -> None:
    assert targets

    @FUZZ
    @given(data=st.data())
    def run(data):
        method, action, fields = data.draw(st.sampled_from(targets))
        values = {}
        for name, default in fields.items():
            if data.draw(st.booleans()):
                values[name] = data.draw(hostile)
            elif default is not None:
                values[name] = default
        cache.clear()  # stay under the rate limits: this test is about input, not volume
        if method == "post":
            response = client.post(action, values)
        else:
            response = client.get(action.split("?")[0], values)
        assert_safe(response)

    run()


# --- anonymous ---------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("home", ()),
        ("procedures:list", ("q", "linh_vuc", "cap", "co_quan", "muc_do", "ngay", "trang")),
        ("agencies:directory", ("q", "ngay")),
        ("dossiers:track", ("ma", "k")),
        ("account_login", ("next",)),
        ("account_signup", ("next",)),
        ("account_reset_password", ()),
    ],
)
def test_public_pages_and_forms(client, province, name, extra):
    _fuzz(client, _targets(client, reverse(name), extra))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["procedures:detail", "procedures:print"])
def test_procedure_pages_query(client, province, name):
    url = reverse(name, args=[province.staff.version.procedure.code])
    _fuzz(client, _targets(client, url, ("ngay",)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template",
    [
        "/thu-tuc/{}/",
        "/thu-tuc/{}/ban-in/",
        "/can-bo/ho-so/{}/",
        "/can-bo/ho-so/{}/mau/1/",
        "/bao-cao/yeu-cau/{}/",
        "/ho-so/nop/{}/",
    ],
)
def test_hostile_path_segments(client, login, province, template):
    login(province.staff.officer)

    @FUZZ
    @given(value=hostile.filter(lambda v: v.strip(" ./\\") != ""))
    def run(value):
        url = template.format(quote(value[:2000], safe=""))
        response = client.get(url)
        assert_safe(response)
        response = client.post(url, {"x": value[:100]})
        assert_safe(response)

    run()


# --- citizen -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_profile_form(client, login, province):
    login(province.citizen_a)
    _fuzz(client, _targets(client, reverse("accounts:profile")))


@pytest.mark.django_db
def test_citizen_submission_forms(client, login, province):
    from dossiers import services

    login(province.citizen_a)
    draft = services.create_draft(
        user=province.citizen_a, case=province.staff.case, competent_agency=province.staff.agency
    )
    targets = _targets(
        client, reverse("dossiers:submit", args=[province.staff.version.procedure.code])
    )
    targets += _targets(client, reverse("dossiers:citizen_draft_details", args=[draft.public_id]))
    targets += _targets(client, reverse("dossiers:citizen_draft_documents", args=[draft.public_id]))
    _fuzz(client, targets)


@pytest.mark.django_db
def test_citizen_dossier_forms(client, login, province):
    login(province.citizen_a)
    public_id = province.dossier.public_id
    targets = _targets(client, reverse("dossiers:citizen_detail", args=[public_id]))
    targets += _targets(client, reverse("dossiers:citizen_withdraw", args=[public_id]))
    targets.append(
        (
            "post",
            reverse("dossiers:citizen_answer_supplement", args=[public_id]),
            {"note": "", "revision": "1"},
        )
    )
    _fuzz(client, targets)


# --- staff -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_desk_console(client, login, province):
    login(province.staff.desk)
    desk = reverse("dossiers:desk")
    targets = _targets(client, desk, ("q", "thu_tuc", "case"))
    targets += _targets(client, f"{desk}?thu_tuc={province.staff.version.pk}")
    targets.append(("get", reverse("dossiers:desk_suggest"), {"q": ""}))
    targets.append(
        (
            "get",
            reverse("dossiers:desk_documents"),
            {"version": str(province.staff.version.pk), "case": ""},
        )
    )
    _fuzz(client, targets)


@pytest.mark.django_db
def test_queue_filters(client, login, province):
    login(province.staff.officer)
    extra = ("q", "status", "channel", "received_from", "received_to", "trang")
    _fuzz(client, _targets(client, reverse("dossiers:queue"), extra))


@pytest.mark.django_db
def test_staff_dossier_action_forms(client, login, province):
    """Every action form of the staff dossier page (whether or not the state offers it now)."""
    from dossiers.forms.staff import ACTION_FORMS
    from tests.factories import MembershipFactory

    desk = province.staff.desk
    MembershipFactory(user=desk, agency=province.staff.agency, role="desk_officer")
    login(desk)
    dossier = province.dossier
    targets = _targets(client, reverse("dossiers:staff_detail", args=[dossier.code]))
    for action, form_class in ACTION_FORMS.items():
        fields = dict.fromkeys(form_class(dossier=dossier).fields, "")
        fields["revision"] = str(dossier.revision)
        url = reverse("dossiers:staff_action", args=[dossier.code, action])
        targets.append(("post", url, fields))
    _fuzz(client, targets)


@pytest.mark.django_db
def test_stats_forms(client, login, province):
    login(province.staff.leader)
    extra = ("agency", "children", "kind", "year", "number", "from", "to", "figure")
    targets = _targets(client, reverse("dossiers:stats"), extra)
    targets.append(("get", reverse("dossiers:stats_drilldown"), dict.fromkeys(extra, "")))
    _fuzz(client, targets)


@pytest.mark.django_db
def test_report_request_params(client, login, province):
    login(province.administrator)
    targets = _targets(client, reverse("reports:catalogue"))
    targets += _targets(client, reverse("reports:job_list"), ("trang",))
    assert any(method == "post" for method, _a, _f in targets)
    _fuzz(client, targets)


@pytest.mark.django_db
def test_catalogue_export_params(client, login, province):
    login(province.staff.officer)
    url = reverse("procedures:export")
    names = ("q", "linh_vuc", "cap", "co_quan", "muc_do", "ngay")

    @FUZZ
    @given(params=st.dictionaries(st.sampled_from(names), hostile, max_size=4))
    def run(params):
        response = client.post(
            url + "?" + "&".join(f"{k}={quote(v[:3000], safe='')}" for k, v in params.items())
        )
        assert_safe(response)

    run()


@pytest.mark.django_db
def test_nul_characters_never_reach_a_view(client, login, province):
    """PostgreSQL refuses NUL in text (a 500 before this check): a NUL in the path is a 400
    with a Vietnamese page; in parameters and urlencoded forms it is stripped, so the page is
    the normal one."""
    login(province.staff.officer)
    response = client.get("/thu-tuc/a%00b/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    for response in (
        client.get(reverse("procedures:list"), {"q": "a\x00b"}),
        client.post(reverse("procedures:export") + "?q=%00"),
        client.post(
            reverse("dossiers:track"),
            "code=%00&secret=x",
            content_type="application/x-www-form-urlencoded",
        ),
    ):
        assert response.status_code < 400
        assert "\x00" not in response.content.decode()
