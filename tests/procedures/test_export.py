"""Export through the report engine, in the import format: export → import changes nothing."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from procedures import importer, services
from reports.models import ExportJob
from reports.registry import get_builder
from tests.factories import UserFactory

from .helpers import make_xlsx, real_records, row

pytestmark = pytest.mark.django_db
D1 = datetime.date(2026, 1, 1)


def build(params=None):
    out = io.BytesIO()
    name = get_builder("procedures.catalogue.xlsx").build(
        params=params or {}, out=out, progress=lambda p: None, user=UserFactory()
    )
    return name, out.getvalue()


def reimport(data: bytes):
    parsed = importer.read_workbook(io.BytesIO(data))
    return services.apply_import(parsed=parsed, decision_date=datetime.date(2026, 2, 1))


def test_export_reimports_as_unchanged(run_import):
    from procedures.demo import national_rows

    rows = [
        row(),
        row(
            "1.000894",
            name="Đăng ký kết hôn",
            case="Trong nước",
            time="Trong ngày; nhận sau 15:00 thì trả trong ngày làm việc tiếp theo",
            online="Mức độ 3",
        ),
        row(
            "1.000894",
            name="Đăng ký kết hôn",
            case="Có yếu tố nước ngoài",
            time="0,5",
            unit="Ngày làm việc",
            fee=50000,
        ),
        row(
            "1.000656",
            name="Đăng ký khai tử",
            time="Giải quyết ngay, không ra phiếu hẹn",
            fee="50.000 đồng/hồ sơ",
            levels="Tỉnh; Huyện; Xã",
            documents="Giấy báo tử (bản sao có chứng thực)\nẢnh (không bắt buộc)",
            decision="1/QĐ-UBND ngày 01/01/2026",
        ),
    ]
    rows += [r for rec in real_records()[:80] for r in national_rows(rec, local_only=True)]
    plan = run_import(make_xlsx(rows), decision_date=D1, skip_invalid=True)
    assert plan.counts["new"] > 40
    name, data = build()
    assert name.endswith(".xlsx")
    again = reimport(data)
    assert (again.counts["new"], again.counts["amended"], again.counts["invalid"]) == (0, 0, 0)
    assert again.counts["unchanged"] == plan.counts["new"]


def test_filtered_export(run_import):
    run_import(
        make_xlsx([row(), row("2.000815", name="Chứng thực bản sao", field="Chứng thực")]),
        decision_date=D1,
    )
    _name, data = build({"q": "chung thuc"})
    parsed = importer.read_workbook(io.BytesIO(data))
    assert [r.code for r in parsed.records] == ["2.000815"]


def test_export_view_queues_a_report_job(client, run_import, django_capture_on_commit_callbacks):
    run_import(make_xlsx([row()]), decision_date=D1)
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("procedures:export") + "?q=khai+sinh")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and str(job.public_id) in response.url
    job.refresh_from_db()
    assert job.parameters == {"q": "khai sinh"}
    assert job.status == ExportJob.Status.DONE, (
        job.error_message if hasattr(job, "error_message") else ""
    )
    with default_storage.open(job.file.name, "rb") as fh:
        parsed = importer.read_workbook(io.BytesIO(fh.read()))
    assert [r.code for r in parsed.records] == ["1.001193"]


def test_export_needs_login(client):
    assert client.post(reverse("procedures:export")).status_code == 302
