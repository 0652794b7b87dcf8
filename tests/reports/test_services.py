import datetime
import io
import os
import shutil
import subprocess

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from agencies.models import Agency
from reports import pdf, services
from reports.models import ExportJob
from reports.services import request_export, run_job
from tests.factories import AgencyFactory, MembershipFactory

from .conftest import AllowEveryone
from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db


def _temp_dir_entries(settings):
    path = settings.REPORTS_TEMP_DIR
    return os.listdir(path) if os.path.exists(path) else []


@pytest.fixture
def agencies():
    city = AgencyFactory(
        name="Ủy ban nhân dân thành phố Cần Thơ",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        electronic_id="000.00.00.H13",
        admin_unit_code="92",
        valid_from=datetime.date(2025, 7, 1),
    )
    ward = AgencyFactory(
        name="Ủy ban nhân dân phường Ninh Kiều",
        level=Agency.Level.COMMUNE,
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        parent=city,
        electronic_id="000.40.01.H13",
        admin_unit_code="31117",
        valid_from=datetime.date(2025, 7, 1),
    )
    closed = AgencyFactory(
        name="Ủy ban nhân dân quận Ninh Kiều",
        level=Agency.Level.DISTRICT,
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        electronic_id="000.20.01.H13",
        valid_from=datetime.date(2004, 1, 2),
        valid_to=datetime.date(2025, 6, 30),
    )
    return city, ward, closed


def _run(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(**kwargs)
    job.refresh_from_db()
    return job


def test_request_export_denies_a_citizen(citizen):
    with pytest.raises(PermissionDenied):
        request_export(kind="agencies.directory.xlsx", params={}, user=citizen)
    assert not ExportJob.objects.exists()


def test_request_export_denies_an_inactive_membership(db):
    membership = MembershipFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        request_export(kind="agencies.directory.xlsx", params={}, user=membership.user)


def test_request_export_rejects_bad_parameters(staff_user):
    with pytest.raises(ValidationError):
        request_export(kind="agencies.directory.xlsx", params={"ngay": "hôm qua"}, user=staff_user)
    assert not ExportJob.objects.exists()


def test_request_export_queues_and_dispatches_on_commit(
    staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "reports.tasks.run_export_job.apply_async",
        lambda kwargs, task_id: sent.append((kwargs, task_id)),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = request_export(kind="agencies.directory.xlsx", params={}, user=staff_user)
    assert job.status == ExportJob.Status.QUEUED
    assert sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sent == [({"job_id": job.pk}, job.celery_task_id)]


def test_broker_failure_keeps_the_job_queued_in_the_outbox(
    staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    from core.models import OutboxMessage

    def unreachable(**kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr("reports.tasks.run_export_job.apply_async", unreachable)
    job = _run(
        django_capture_on_commit_callbacks,
        kind="agencies.directory.xlsx",
        params={},
        user=staff_user,
    )
    # queued again by core.tasks.sweep_outbox when the broker is back (tests/core/test_outbox.py)
    assert job.status == ExportJob.Status.QUEUED
    message = OutboxMessage.objects.get(dedupe_key=f"reports.job:{job.pk}")
    assert message.status == OutboxMessage.Status.PENDING
    assert message.task_id == job.celery_task_id and "redis down" in message.last_error


def test_eager_run_produces_a_real_xlsx(
    staff_user, agencies, django_capture_on_commit_callbacks, settings
):
    job = _run(
        django_capture_on_commit_callbacks,
        kind="agencies.directory.xlsx",
        params={"ngay": "2025-08-01"},
        user=staff_user,
    )
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress == 100
    assert job.attempts == 1
    assert job.filename == "danh-ba-co-quan-2025-08-01.xlsx"
    assert job.file.name.startswith("reports/")
    assert default_storage.exists(job.file.name)
    assert job.started_at <= job.finished_at

    with job.file.open("rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.active
    assert sheet.title == "Danh bạ cơ quan"
    assert sheet.freeze_panes == "A5"
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    assert header == (
        "STT",
        "Tên cơ quan",
        "Cấp",
        "Loại",
        "Mã định danh",
        "Mã ĐVHC",
        "Cơ quan cấp trên",
        "Hiệu lực từ",
        "Hiệu lực đến",
    )
    assert sheet["A4"].font.bold
    names = [row[1] for row in rows[4:]]
    # the district closed on 30/06/2025 is not active on 01/08/2025; the membership's agency is
    assert "Ủy ban nhân dân phường Ninh Kiều" in names
    assert "Ủy ban nhân dân quận Ninh Kiều" not in names
    ward_row = next(row for row in sheet.iter_rows(min_row=5) if row[4].value == "000.40.01.H13")
    assert ward_row[2].value == "Cấp xã"
    assert ward_row[6].value == "Ủy ban nhân dân thành phố Cần Thơ"
    assert ward_row[7].value.date() == datetime.date(2025, 7, 1)
    assert ward_row[7].number_format == "dd/mm/yyyy"
    assert ward_row[0].number_format == "#,##0"
    assert _temp_dir_entries(settings) == []


def test_xlsx_without_date_lists_closed_agencies_too(
    staff_user, agencies, django_capture_on_commit_callbacks
):
    job = _run(
        django_capture_on_commit_callbacks,
        kind="agencies.directory.xlsx",
        params={},
        user=staff_user,
    )
    with job.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    names = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert "Ủy ban nhân dân quận Ninh Kiều" in names


def test_eager_run_produces_a_real_pdf(
    staff_user, agencies, django_capture_on_commit_callbacks, tmp_path, settings, monkeypatch
):
    fetched = []
    real_check = pdf.check_local_url

    def recording_check(url, allowed_roots=None):
        fetched.append(url)
        real_check(url, allowed_roots)

    monkeypatch.setattr(pdf, "check_local_url", recording_check)
    job = _run(
        django_capture_on_commit_callbacks,
        kind="agencies.directory.pdf",
        params={"ngay": "2025-08-01"},
        user=staff_user,
    )
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.filename.endswith(".pdf")
    with job.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert _temp_dir_entries(settings) == []
    # the fonts come from the vendored files, not from the system
    vendored = (settings.BASE_DIR / "static" / "fonts" / "dejavu").as_uri()
    assert f"{vendored}/DejaVuSerif.ttf" in fetched
    assert f"{vendored}/DejaVuSans-Bold.ttf" in fetched

    if not (shutil.which("pdftotext") and shutil.which("pdffonts")):
        pytest.skip("poppler-utils not installed")
    pdf_path = tmp_path / "out.pdf"
    pdf_path.write_bytes(data)
    raw_text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = " ".join(raw_text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Ủy ban nhân dân phường Ninh Kiều" in text
    assert "Ủy ban nhân dân quận Ninh Kiều" not in text
    assert "01/07/2025" in text
    assert "Trang 1/1" in text
    assert "Cần Thơ, ngày " in text
    fonts = subprocess.run(
        ["pdffonts", str(pdf_path)], capture_output=True, check=True, text=True
    ).stdout
    assert "DejaVu" in fonts
    # every font is embedded (no fallback to a viewer's font)
    for line in fonts.splitlines()[2:]:
        assert " yes " in line


def test_second_run_of_a_done_job_is_a_no_op(
    staff_user, agencies, django_capture_on_commit_callbacks
):
    job = _run(
        django_capture_on_commit_callbacks,
        kind="agencies.directory.xlsx",
        params={},
        user=staff_user,
    )
    first = (job.file.name, job.finished_at, job.attempts)
    again = run_job(job_id=job.pk)
    again.refresh_from_db()
    assert (again.file.name, again.finished_at, again.attempts) == first
    assert again.status == ExportJob.Status.DONE


def test_a_job_left_running_is_restarted_cleanly(staff_user, agencies, settings):
    job = ExportJobFactory(
        requested_by=staff_user, status=ExportJob.Status.RUNNING, progress=37, attempts=1
    )
    # what the killed worker left behind
    os.makedirs(settings.REPORTS_TEMP_DIR)
    stale = os.path.join(settings.REPORTS_TEMP_DIR, f"job-{job.public_id.hex}-abc.xlsx")
    other = os.path.join(settings.REPORTS_TEMP_DIR, "job-someone-else.xlsx")
    for path in (stale, other):
        with open(path, "wb") as handle:
            handle.write(b"half a file")
    run_job(job_id=job.pk, task_id="redelivered-task")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.progress == 100
    assert job.attempts == 2
    assert job.error == ""
    assert job.celery_task_id == "redelivered-task"
    assert default_storage.exists(job.file.name)
    assert _temp_dir_entries(settings) == ["job-someone-else.xlsx"]


def test_a_job_that_keeps_killing_workers_is_given_up(staff_user):
    job = ExportJobFactory(
        requested_by=staff_user, status=ExportJob.Status.RUNNING, attempts=services.MAX_ATTEMPTS
    )
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "lần thử" in job.error


def test_failing_builder_marks_failed_and_leaves_no_temp_file(
    staff_user, failing_builder, settings, caplog
):
    job = ExportJobFactory(requested_by=staff_user, kind="tests.failing")
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error.startswith("Không tạo được báo cáo do lỗi hệ thống")
    assert "boom" not in job.error  # internals stay in the log
    assert "boom" in caplog.text
    assert not job.file
    assert job.finished_at is not None
    assert _temp_dir_entries(settings) == []
    assert not os.path.exists(os.path.join(settings.MEDIA_ROOT, "reports")) or not any(
        files for _root, _dirs, files in os.walk(os.path.join(settings.MEDIA_ROOT, "reports"))
    )


def test_report_error_message_is_shown_to_the_user(staff_user, refusing_builder, settings):
    job = ExportJobFactory(requested_by=staff_user, kind="tests.refusing")
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "Không có dữ liệu cho kỳ báo cáo đã chọn."
    assert _temp_dir_entries(settings) == []


def test_soft_time_limit_marks_failed_with_vietnamese_message(staff_user, test_builders, settings):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 840

    @test_builders
    class Slow(AllowEveryone):
        kind = "tests.slow"
        label = "Slow"

        def build(self, *, params, out, progress, user):
            out.write(b"x" * 1000)
            raise SoftTimeLimitExceeded()

    job = ExportJobFactory(requested_by=staff_user, kind="tests.slow")
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error.startswith("Báo cáo vượt quá thời gian cho phép (840 giây)")
    assert _temp_dir_entries(settings) == []


def test_permission_is_checked_again_when_the_job_runs(staff_user, agencies):
    job = ExportJobFactory(requested_by=staff_user)
    staff_user.memberships.update(is_active=False)
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "quyền" in job.error
    assert not job.file


def test_unregistered_kind_fails_the_job(staff_user):
    job = ExportJobFactory(requested_by=staff_user, kind="gone.away")
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "Loại báo cáo này không còn được hỗ trợ."


def test_missing_job_is_ignored():
    assert run_job(job_id=987654) is None


def test_progress_writes_are_throttled(staff_user, monkeypatch, django_assert_max_num_queries):
    job = ExportJobFactory(requested_by=staff_user, status=ExportJob.Status.RUNNING)
    clock = iter(float(i) * 0.001 for i in range(10_000))
    monkeypatch.setattr(services.time, "monotonic", lambda: next(clock))
    progress = services._Progress(job.pk)
    # 1000 calls within one simulated second, creeping up by 0.1 %: writes only every 2 %
    with django_assert_max_num_queries(50):
        for i in range(1000):
            progress(i / 10)
    job.refresh_from_db()
    assert 96 <= job.progress <= 99


def test_progress_is_written_after_a_second_even_for_small_steps(staff_user, monkeypatch):
    job = ExportJobFactory(requested_by=staff_user, status=ExportJob.Status.RUNNING)
    now = [0.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: now[0])
    progress = services._Progress(job.pk)
    progress(1)
    job.refresh_from_db()
    assert job.progress == 0
    now[0] = 1.5
    progress(1)  # no change: nothing to write
    progress(1.2)
    job.refresh_from_db()
    assert job.progress == 0
    now[0] = 3.0
    progress(2.5)
    job.refresh_from_db()
    assert job.progress == 2
    progress(150)
    job.refresh_from_db()
    assert job.progress == 99  # 100 is reserved for the finished file
