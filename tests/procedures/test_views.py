import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import Role
from procedures.models import Procedure, ProcedureVersion
from procedures.templatetags.procedure_tags import format_limit, vnd
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory, UserFactory

from .helpers import generated_rows, make_xlsx, row, with_totp

pytestmark = pytest.mark.django_db
D1 = datetime.date(2025, 1, 1)
D2 = datetime.date(2025, 7, 1)
LIST = reverse("procedures:list")

CATALOGUE = [
    row("1.001193", name="Đăng ký khai sinh", online="Một phần", fee="Không"),
    row(
        "1.000894",
        name="Đăng ký kết hôn",
        online="Toàn trình",
        fee="50000",
        time="0,5",
        unit="Ngày làm việc",
    ),
    row("1.000656", name="Đăng ký khai tử", online="Cung cấp thông tin", time="4 giờ"),
    row(
        "2.000815",
        name="Chứng thực bản sao từ bản chính",
        field="Chứng thực",
        levels="Tỉnh; Xã",
        time="Trong ngày; nhận sau 15:00 thì trả trong ngày làm việc tiếp theo",
    ),
    row(
        "2.000720",
        name="Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        field="Hộ kinh doanh",
        agency="UBND phường Ninh Kiều",
        fee="100.000 đồng/lần",
    ),
]


@pytest.fixture
def catalogue(run_import):
    AgencyFactory(name="UBND phường Ninh Kiều")
    run_import(make_xlsx(CATALOGUE), decision_date=D1, decision="1234/QĐ-UBND")


def codes(response):
    return [v.procedure.code for v in response.context["catalogue"].page.object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang ky khai sinh", ["1.001193"]),
        ("ĐĂNG KÝ", ["1.000656", "1.000894", "1.001193", "2.000720"]),
        ("dang ky kết hôn", ["1.000894"]),
        ("hôn kết", ["1.000894"]),
        ("đang ky kinh doanh ninh kieu", ["2.000720"]),
        ("1.000894", ["1.000894"]),
        ("chung thuc", ["2.000815"]),
        ("khai sinh xyz", []),
    ],
)
def test_search_ignores_diacritics_case_and_order(client, catalogue, query, expected):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    assert sorted(codes(response)) == expected


@pytest.mark.parametrize("query", ["a" * 1000, "khai " * 300, "\x00\u202e\U0001f600 đ ̀", "%_\\'\""])
def test_odd_search_strings_give_a_normal_page(client, catalogue, query):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200


def test_filters(client, catalogue):
    assert codes(client.get(LIST, {"muc_do": "full"})) == ["1.000894"]
    assert codes(client.get(LIST, {"cap": "tinh"})) == ["2.000815"]
    agency = ProcedureVersion.objects.get(procedure__code="2.000720").agencies.get()
    assert codes(client.get(LIST, {"co_quan": agency.pk})) == ["2.000720"]
    field = ProcedureVersion.objects.get(procedure__code="2.000815").field
    assert codes(client.get(LIST, {"linh_vuc": field.pk})) == ["2.000815"]


def test_past_date_and_bad_date(client, catalogue, run_import):
    run_import(
        make_xlsx([CATALOGUE[0] | {"Tên TTHC": "Đăng ký khai sinh (sửa đổi)"}]), decision_date=D2
    )
    names = lambda r: [v.name for v in r.context["catalogue"].page.object_list]  # noqa: E731
    assert "Đăng ký khai sinh" in names(client.get(LIST, {"ngay": "2025-06-30"}))
    assert "Đăng ký khai sinh (sửa đổi)" in names(client.get(LIST, {"ngay": "2025-07-01"}))
    assert codes(client.get(LIST, {"ngay": "2024-12-31"})) == []
    response = client.get(LIST, {"ngay": "30/06/2025"})
    assert response.status_code == 200
    assert "Ngày xem không hợp lệ" in response.content.decode()
    detail = client.get(reverse("procedures:detail", args=["1.001193"]), {"ngay": "2025-06-30"})
    assert detail.context["version"].number == 1
    assert (
        client.get(
            reverse("procedures:detail", args=["1.001193"]), {"ngay": "2025-99-99"}
        ).status_code
        == 200
    )


def test_list_query_count_is_constant(client, run_import, django_assert_max_num_queries):
    run_import(make_xlsx(generated_rows(60)), decision_date=D1)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"q": "thu tuc"})
    assert len(response.context["catalogue"].page.object_list) == 25
    with django_assert_max_num_queries(8):
        client.get(LIST, {"trang": 3, "cap": "xa"})


def test_detail_every_section_and_formats(client, catalogue, django_assert_max_num_queries):
    url = reverse("procedures:detail", args=["1.000894"])
    with django_assert_max_num_queries(10):
        response = client.get(url)
    html = response.content.decode()
    assert "Đăng ký kết hôn" in html
    for text in (
        "0,5 ngày làm việc",
        "50.000 đ",
        "Tờ khai đăng ký khai sinh",
        "bản chính",
        "Nộp hồ sơ",
        "Giấy khai sinh",
        "Luật Hộ tịch 2014",
        "1234/QĐ-UBND",
    ):
        assert text in html
    assert (
        "07 ngày làm việc"
        in client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    )
    assert (
        "4 giờ làm việc"
        in client.get(reverse("procedures:detail", args=["1.000656"])).content.decode()
    )
    assert (
        "sau 15:00" in client.get(reverse("procedures:detail", args=["2.000815"])).content.decode()
    )


def test_detail_queries_do_not_grow_with_cases(client, run_import, django_assert_max_num_queries):
    rows = [row(case=f"Trường hợp {i}", documents="A (bản chính)\nB\nC") for i in range(12)]
    run_import(make_xlsx(rows), decision_date=D1)
    with django_assert_max_num_queries(10):
        client.get(reverse("procedures:detail", args=["1.001193"]))


def test_online_button_disabled_until_dossiers_exist(client, catalogue, monkeypatch):
    from procedures import views

    monkeypatch.setattr(views, "_submit_url", lambda code: None)
    html = client.get(reverse("procedures:detail", args=["1.000894"])).content.decode()
    assert "Chức năng nộp hồ sơ trực tuyến đang được triển khai" in html
    assert "disabled" in html
    info_only = client.get(reverse("procedures:detail", args=["1.000656"])).content.decode()
    assert "Nộp hồ sơ trực tuyến" not in info_only


def test_online_button_links_to_dossiers_when_available(client, catalogue, monkeypatch):
    from procedures import views

    monkeypatch.setattr(views, "_submit_url", lambda code: f"/ho-so/nop/{code}/")
    html = client.get(reverse("procedures:detail", args=["1.000894"])).content.decode()
    assert 'href="/ho-so/nop/1.000894/"' in html
    assert "đang được triển khai" not in html


def test_submit_url_uses_dossiers_route_only_if_it_exists():
    from django.urls import NoReverseMatch

    from procedures import views

    try:
        expected = reverse("dossiers:submit", args=["1.000894"])
    except NoReverseMatch:
        expected = None
    assert views._submit_url("1.000894") == expected


def test_print_view_and_unknown_code(client, catalogue):
    response = client.get(reverse("procedures:print", args=["1.001193"]))
    assert response.status_code == 200 and 'data-action="print"' in response.content.decode()
    assert client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404


def test_abolished_procedure_detail_says_so(client, catalogue, run_import):
    run_import(make_xlsx([row("1.000656", action="Bãi bỏ")]), decision_date=D2)
    html = client.get(reverse("procedures:detail", args=["1.000656"])).content.decode()
    assert "không có hiệu lực" in html and "Đã bãi bỏ" in html


def test_vnd_and_time_words():
    assert vnd(50000) == "50.000 đ"
    assert vnd(1234000) == "1.234.000 đ"
    assert vnd(0) == "0 đ"
    assert format_limit(7, "working_day") == "07 ngày làm việc"
    assert format_limit(15, "calendar_day") == "15 ngày"
    assert format_limit(datetime.date.today().day * 0 + 0.5, "working_day") == "0,5 ngày làm việc"
    assert format_limit(4, "working_hour") == "4 giờ làm việc"


# --- Import pages --------------------------------------------------------------------------------


@pytest.fixture
def admin_user():
    user = StaffFactory()
    MembershipFactory(user=user, role=Role.ADMINISTRATOR)
    return with_totp(user)


def test_import_pages_need_administrator(client):
    url = reverse("procedures:import")
    assert client.get(url).status_code == 302  # to login
    client.force_login(MembershipFactory(role=Role.DESK_OFFICER).user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("procedures:import_template")).status_code == 403
    client.force_login(with_totp(UserFactory(is_superuser=True, is_staff=True)))
    assert client.get(url).status_code == 200


def upload(client, data, name="qd.xlsx", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("procedures:import"),
        {"file": SimpleUploadedFile(name, data), **extra},
    )


def test_upload_preview_apply(client, admin_user, run_import):
    run_import(make_xlsx([row("1.000001"), row("1.000003")]), decision_date=D1)
    client.force_login(admin_user)
    data = make_xlsx(
        [
            row("1.000001", time="3 ngày làm việc"),
            row("1.000002"),
            row("1.000003", action="Bãi bỏ"),
            row("1.000004", time="x"),
        ]
    )
    response = upload(
        client, data, decision="5/QĐ-UBND", decision_date="2025-07-01", skip_invalid="on"
    )
    assert response.status_code == 302
    preview = client.get(response.url)
    html = preview.content.decode()
    plan = preview.context["plan"]
    assert plan.summary_line == "new=1 amended=1 unchanged=0 abolished=1 invalid=1"
    assert "7 Ngày làm việc" in html and "3 Ngày làm việc" in html  # field-by-field diff
    assert ProcedureVersion.objects.count() == 2  # preview changed nothing
    applied = client.post(response.url, {"skip_invalid": "on"})
    assert applied.status_code == 302
    assert ProcedureVersion.objects.count() == 4
    version = ProcedureVersion.objects.get(procedure__code="1.000001", valid_to__isnull=True)
    assert version.history.first().history_user == admin_user
    assert version.valid_from == D2 and version.announcement.number == "5/QĐ-UBND"
    assert client.get(response.url).status_code == 404  # file consumed


def test_apply_without_skip_keeps_everything_when_rows_are_bad(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, make_xlsx([row("1.000001"), row("1.000002", time="x")]))
    applied = client.post(response.url, {})
    assert applied.status_code == 200
    assert "không áp dụng gì" in applied.content.decode()
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04broken", "a.xlsx", "không phải bảng tính"),
        (b"hello", "a.docx", ".xlsx"),
        (make_xlsx([{"x": 1}], headers=["A", "B"]), "a.xlsx", "dòng tiêu đề"),
    ],
)
def test_bad_uploads_show_one_message(client, admin_user, data, name, message):
    client.force_login(admin_user)
    response = upload(client, data, name=name, decision="12/QĐ-UBND")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"]["decision"].value() == "12/QĐ-UBND"  # input kept


def test_size_limit_setting(client, admin_user, settings):
    settings.PROCEDURES_IMPORT_MAX_BYTES = 1000
    client.force_login(admin_user)
    response = upload(client, make_xlsx([row()]))
    assert "quá lớn" in response.content.decode()


def test_tampered_token_is_404(client, admin_user):
    client.force_login(admin_user)
    url = reverse("procedures:import_preview", args=["abc:def"])
    assert client.get(url).status_code == 404


def test_blank_template_download_reimports_as_empty(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("procedures:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]][:2] == ["Mã TTHC", "Tên TTHC"]
