"""The paper data-entry screen at client level and the XLSX import."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from surveys.models import Response, ResponseChannel, SurveyStatus
from tests.factories import AgencyFactory, UserFactory

from .factories import make_survey, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    s = make_survey()
    s.target_agencies.add(AgencyFactory(name="UBND phường Thử"))
    return s


def _url(survey, name="surveys:entry"):
    return reverse(name, kwargs={"public_id": survey.public_id})


def test_entry_permissions(client, survey):
    assert client.get(_url(survey)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(_url(survey)).status_code == 403
    client.force_login(staff(Role.PROCESSING_OFFICER))
    assert client.get(_url(survey)).status_code == 403
    for role in (Role.DESK_OFFICER, Role.CCHC_OFFICER, Role.APPRAISER):
        client.force_login(staff(role))
        assert client.get(_url(survey)).status_code == 200


def test_entry_one_form_after_another_with_running_count(client, survey):
    user = staff(Role.DESK_OFFICER)
    client.force_login(user)
    page = client.get(_url(survey)).content.decode()
    assert 'name="serial"' in page and "autofocus" in page
    assert 'data-type="scale5"' in page and "collect-entry.js" in page
    assert "Lưu và nhập phiếu tiếp theo" in page
    agency = survey.target_agencies.get()
    for n, scale in enumerate(["5", "3", ""], start=1):
        resp = client.post(
            _url(survey),
            {
                "serial": f"P-{n:03d}",
                "agency": agency.pk,
                "q_S1": scale,
                "q_S2": "a",
                "q_S3": "x, y",
                "q_S5": "z x",
                "q_S4": "",
            },
        )
        assert resp.status_code == 302
    page = client.get(_url(survey)).content.decode()
    assert "Phiên này đã nhập: <strong>3</strong> phiếu" in page
    assert f'value="{agency.pk}" selected' in page  # the agency is remembered
    responses = Response.objects.filter(survey=survey).order_by("paper_serial")
    assert [r.paper_serial for r in responses] == ["P-001", "P-002", "P-003"]
    assert all(r.entered_by == user and r.channel == ResponseChannel.PAPER for r in responses)
    assert all(r.is_submitted and r.agency == agency for r in responses)
    first = responses[0].answers.select_related("question")
    values = {a.question.code: (a.value_int, a.value_text, a.value_choices) for a in first}
    assert values["S1"] == (5, "", [])
    assert values["S3"] == (None, "", ["x", "y"])
    assert values["S5"] == (None, "", ["z", "x"])
    assert "S1" not in {a.question.code for a in responses[2].answers.select_related("question")}


def test_entry_duplicate_serial_and_bad_value_refused_and_kept(client, survey):
    client.force_login(staff(Role.DESK_OFFICER))
    client.post(_url(survey), {"serial": "0007", "q_S1": "4", "q_S2": "a"})
    resp = client.post(_url(survey), {"serial": "0007", "q_S1": "2", "q_S2": "b"})
    assert resp.status_code == 400
    assert "Số phiếu 0007 đã được nhập cho khảo sát này." in resp.content.decode()
    resp = client.post(_url(survey), {"serial": "0008", "q_S1": "9", "q_S2": "b"})
    body = resp.content.decode()
    assert "Câu trả lời phải nằm trong thang đo từ 1 đến 5." in body
    assert 'value="0008"' in body and 'value="9"' in body
    resp = client.post(_url(survey), {"serial": "", "q_S1": "2"})
    assert "Vui lòng nhập số phiếu." in resp.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_entry_refused_on_draft_survey(client):
    survey = make_survey(status=SurveyStatus.DRAFT)
    client.force_login(staff(Role.DESK_OFFICER))
    assert client.get(_url(survey)).status_code == 403


# --- XLSX import --------------------------------------------------------------------------------
def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "phieu.xlsx"
    return out


HEADER = ["so_phieu", "ma_co_quan", "S1", "S2", "S3", "S4", "S5"]


def test_import_all_rows(client, survey):
    agency = survey.target_agencies.get()
    client.force_login(staff(Role.CCHC_OFFICER))
    f = _xlsx(
        [
            HEADER,
            ["X1", agency.electronic_id, 5, "a", "x,z", 2, "y,x"],
            ["X2", None, 1, "c", None, None, None],
        ]
    )
    resp = client.post(_url(survey, "surveys:import"), {"file": f})
    assert resp.status_code == 302
    responses = Response.objects.filter(survey=survey, channel=ResponseChannel.IMPORT)
    assert sorted(r.paper_serial for r in responses) == ["X1", "X2"]
    assert responses.get(paper_serial="X1").agency == agency
    assert survey.events.filter(kind="imported").exists()


def test_import_is_all_or_nothing_with_row_errors(client, survey):
    Response.objects.create(survey=survey, paper_serial="OLD")
    client.force_login(staff(Role.CCHC_OFFICER))
    f = _xlsx(
        [
            HEADER,
            ["Y1", None, 4, "a", None, None, None],  # valid
            ["Y2", None, 6, "a", None, None, None],  # out of scale
            ["Y1", None, 3, "q", None, None, None],  # duplicate serial in file + bad option
            ["OLD", "999.99.99.H13", 3, "a", None, 11, None],  # already entered, bad agency, bound
            [None, None, 3, "a", None, None, None],  # no serial
        ]
    )
    resp = client.post(_url(survey, "surveys:import"), {"file": f})
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "Không phiếu nào được nhập" in body
    expected = [
        ("3", "S1", "Câu trả lời phải nằm trong thang đo từ 1 đến 5."),
        ("4", "so_phieu", "Số phiếu Y1 trùng với dòng 2."),
        ("4", "S2", "Phương án đã chọn không có trong câu hỏi này."),
        ("5", "so_phieu", "Số phiếu OLD đã được nhập trước đây."),
        ("5", "ma_co_quan", "Không có cơ quan với mã này."),
        ("5", "S4", "Giá trị phải từ 0 đến 10."),
        ("6", "so_phieu", "Thiếu số phiếu."),
    ]
    for row, column, message in expected:
        assert f"<tr><td>{row}</td><td>{column}</td><td>{message}</td></tr>" in body
    assert Response.objects.filter(survey=survey).count() == 1  # only the old one


def test_import_unknown_column_and_template(client, survey):
    client.force_login(staff(Role.CCHC_OFFICER))
    resp = client.post(_url(survey, "surveys:import"), {"file": _xlsx([["so_phieu", "ZZZ"]])})
    assert "Cột không khớp với mã câu hỏi nào của khảo sát." in resp.content.decode()
    tpl = client.get(_url(survey, "surveys:import_template"))
    ws = load_workbook(io.BytesIO(tpl.content)).active
    assert [c.value for c in ws[1]] == ["so_phieu", "ma_co_quan", "S1", "S2", "S3", "S4", "S5"]
