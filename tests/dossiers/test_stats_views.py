import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from dossiers.models import Channel, Outcome, Status
from reports.models import ExportJob
from tests.dossiers.factories import DossierFactory, ProcedureCaseFactory
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("dossiers:stats")
DRILL = reverse("dossiers:stats_drilldown")
Q1 = {"kind": "quarter", "year": "2026", "number": "1", "children": "1"}


def at(month, day, year=2026):
    return timezone.make_aware(datetime.datetime(year, month, day, 9))


@pytest.fixture
def world():
    x = AgencyFactory(name="Sở Xây dựng thử nghiệm")
    x_child = AgencyFactory(name="Phòng Quản lý nhà thử nghiệm", parent=x)
    y = AgencyFactory(name="Sở Y tế thử nghiệm")
    case = ProcedureCaseFactory()
    for agency, count in ((x, 3), (x_child, 2), (y, 4)):
        for index in range(count):
            DossierFactory(
                competent_agency=agency,
                case=case,
                applicant_user=None,
                applicant_name=f"{agency.name} {index}",
                status=Status.RETURNED if index % 2 else Status.PROCESSING,
                channel=Channel.ONLINE if index % 2 else Channel.IN_PERSON,
                at=at(1, 5 + index),
                due_at=at(1, 6 + index),
                finished_at=at(1, 7 + index) if index % 2 else None,
                outcome=Outcome.LATE if index % 2 else "",
            )
    officer = MembershipFactory(agency=x, role=Role.PROCESSING_OFFICER).user
    appraiser = MembershipFactory(agency=AgencyFactory(), role=Role.APPRAISER).user
    TOTP.activate(appraiser, "MNRWQYZNMRSW23ZNORXXI4BNGIYDENRB")  # 2FA is required for them
    return {"x": x, "x_child": x_child, "y": y, "officer": officer, "appraiser": appraiser}


def options(html: str) -> set[str]:
    select = re.search(r'<select name="agency".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


def test_anonymous_is_sent_to_login_and_citizens_are_refused(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.get(DRILL, {"agency": world["x"].pk}).status_code == 403


def test_officer_sees_only_their_agency_and_its_children(client, world):
    client.force_login(world["officer"])
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert options(html) == {str(world["x"].pk), str(world["x_child"].pk)}
    assert "Sở Xây dựng thử nghiệm" in html and "Sở Y tế thử nghiệm" not in html
    # picking another agency by hand is refused (not a valid choice), nothing of Y is shown
    response = client.get(URL, {**Q1, "agency": world["y"].pk})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors["agency"]
    assert "Sở Y tế thử nghiệm" not in response.content.decode()
    drill = {"agency": world["y"].pk, "from": "2025-12-15", "to": "2026-03-14",
             "figure": "received"}  # fmt: skip
    assert client.get(DRILL, drill).status_code == 403


def test_page_shows_the_table_with_drilldown_links(client, world):
    client.force_login(world["officer"])
    response = client.get(URL, {**Q1, "agency": world["x"].pk})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.total.received == 5 and result.total.resolved == 2
    assert [row.agency for row in result.rows] == [world["x"], world["x_child"]]
    html = response.content.decode()
    assert 'id="stats-data"' in html and "chart.umd.min.js" in html
    assert "<script>" not in html.replace('<script type="application/json" id="stats-data">', "")
    links = re.findall(r'href="(/thong-ke/ho-so/\?[^"]*)"', html)
    total_late = [
        link.replace("&amp;", "&")
        for link in links
        if f"agency={world['x'].pk}&amp;children=1" in link and "figure=resolved_late" in link
    ]
    assert len(total_late) == 1  # the total row (the own row has children=0)
    listed = client.get(total_late[0])
    assert listed.status_code == 200
    assert len(listed.context["dossiers"]) == 2  # one late in X, one in its child


def test_appraiser_sees_every_agency(client, world):
    client.force_login(world["appraiser"])
    response = client.get(URL, {**Q1, "agency": world["y"].pk})
    assert response.context["result"].total.received == 4
    assert {str(world["x"].pk), str(world["y"].pk)} <= options(response.content.decode())


def test_bad_period_keeps_the_input_and_says_why(client, world):
    client.force_login(world["officer"])
    response = client.get(
        URL, {"agency": world["x"].pk, "kind": "range", "from": "2026-03-01", "to": "2026-01-01"}
    )
    assert response.context["result"] is None
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in response.content.decode()
    assert 'value="2026-03-01"' in response.content.decode()
    response = client.get(URL, {"agency": world["x"].pk, "kind": "quarter", "year": "2026",
                                "number": "7"})  # fmt: skip
    assert "Kỳ này chỉ có từ 1 đến 4." in response.content.decode()


def test_drilldown_rejects_bad_queries(client, world):
    client.force_login(world["officer"])
    response = client.get(DRILL, {"agency": world["x"].pk, "from": "x", "figure": "nope"})
    assert response.status_code == 400


@pytest.mark.parametrize("extra", [0, 40])
def test_drilldown_runs_constant_queries(client, world, extra, django_assert_max_num_queries):
    case = ProcedureCaseFactory()
    for index in range(extra):
        DossierFactory(competent_agency=world["x_child"], case=case, applicant_user=None,
                       status=Status.PROCESSING, at=at(2, 1) + datetime.timedelta(minutes=index))  # fmt: skip
    client.force_login(world["officer"])
    query = {"agency": world["x"].pk, "from": "2025-12-15", "to": "2026-03-14",
             "figure": "received"}  # fmt: skip
    client.get(DRILL, query)  # warm the session / permission caches
    with django_assert_max_num_queries(10):
        response = client.get(DRILL, query)
    assert response.context["page_obj"].paginator.count == 5 + extra


def test_xlsx_export_through_the_report_engine(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["officer"])
    params = {"agency": world["x"].pk, "children": "1", "from": "2025-12-15", "to": "2026-03-14"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request", args=["dossiers.statistics.xlsx"]), params
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and str(job.public_id) in response["Location"]
    assert job.status == ExportJob.Status.DONE, job.error
    sheet = load_workbook(job.file.open("rb")).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    total = next(row for row in rows if row[1] == "Tổng cộng")
    header = next(row for row in rows if row[0] == "STT")
    assert total[header.index("Tổng số hồ sơ nhận giải quyết")] == 5
    assert total[header.index("Đã giải quyết: quá hạn")] == 2
    assert any(row[1] == "Phòng Quản lý nhà thử nghiệm" for row in rows)


def test_xlsx_export_of_another_agency_is_refused(client, world):
    client.force_login(world["officer"])
    params = {"agency": world["y"].pk, "children": "1", "from": "2025-12-15", "to": "2026-03-14"}
    response = client.post(reverse("reports:request", args=["dossiers.statistics.xlsx"]), params)
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("extra", [0, 40])
def test_stats_page_runs_constant_queries(client, world, extra, django_assert_max_num_queries):
    case = ProcedureCaseFactory()
    for index in range(extra):
        DossierFactory(competent_agency=AgencyFactory(parent=world["x"]), case=case,
                       applicant_user=None, status=Status.RETURNED,
                       at=at(2, 1) + datetime.timedelta(minutes=index))  # fmt: skip
    client.force_login(world["officer"])
    query = {**Q1, "agency": world["x"].pk}
    client.get(URL, query)
    with django_assert_max_num_queries(14):
        response = client.get(URL, query)
    assert response.context["result"].total.received == 5 + extra
    assert len(response.context["result"].rows) == 2 + extra  # own row, child, 40 new children


def test_report_catalogue_offers_the_statistics_export_to_staff_only(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("reports:catalogue"))
    assert response.status_code == 200
    assert "Thống kê tình hình giải quyết hồ sơ (Excel)" in response.content.decode()
    client.force_login(UserFactory())
    response = client.get(reverse("reports:catalogue"))
    assert "Thống kê tình hình giải quyết hồ sơ (Excel)" not in response.content.decode()
