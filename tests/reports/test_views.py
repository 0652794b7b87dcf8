import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import ExportJob
from tests.factories import UserFactory

from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db


def _done_job(owner, *, content=b"PK\x03\x04 fake xlsx", filename="danh-ba-co-quan.xlsx"):
    job = ExportJobFactory(
        requested_by=owner,
        status=ExportJob.Status.DONE,
        progress=100,
        filename=filename,
        finished_at=timezone.now(),
    )
    job.file.save(f"{job.public_id.hex}.xlsx", ContentFile(content))
    return job


# --- catalogue and request --------------------------------------------------------------


def test_catalogue_requires_login(client):
    response = client.get(reverse("reports:catalogue"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_catalogue_lists_the_reports_a_staff_user_may_request(login, staff_user):
    response = login(staff_user).get(reverse("reports:catalogue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Danh bạ cơ quan (Excel)" in body
    assert "Danh bạ cơ quan (PDF)" in body
    assert reverse("reports:request", args=["agencies.directory.xlsx"]) in body
    assert "csrfmiddlewaretoken" in body
    assert 'style="' not in body


def test_catalogue_hides_staff_reports_from_a_citizen(login, citizen, monkeypatch):
    client = login(citizen)
    body = client.get(reverse("reports:catalogue")).content.decode()
    assert "Danh bạ cơ quan (Excel)" not in body
    assert reverse("reports:request", args=["agencies.directory.xlsx"]) not in body

    monkeypatch.setattr("reports.selectors.builders", list)  # no report registered at all
    body = client.get(reverse("reports:catalogue")).content.decode()
    assert "Bạn chưa có quyền xuất báo cáo nào." in body


def test_request_button_creates_a_job_and_redirects_to_progress(
    login, staff_user, django_capture_on_commit_callbacks
):
    client = login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request", args=["agencies.directory.xlsx"]), {"ngay": "2025-07-01"}
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job_detail", args=[job.public_id])
    assert job.requested_by == staff_user
    assert job.parameters == {"ngay": "2025-07-01"}
    assert job.status == ExportJob.Status.DONE


def test_request_needs_post_and_csrf(login, staff_user):
    client = login(staff_user)
    url = reverse("reports:request", args=["agencies.directory.xlsx"])
    assert client.get(url).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post(url, {}).status_code == 403
    assert not ExportJob.objects.exists()


def test_request_with_a_bad_date_keeps_the_input_and_shows_the_error(login, staff_user):
    response = login(staff_user).post(
        reverse("reports:request", args=["agencies.directory.xlsx"]), {"ngay": "31/02/2025"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "31/02/2025" in body
    assert "invalid-feedback" in body or "is-invalid" in body
    assert not ExportJob.objects.exists()


def test_request_by_a_citizen_is_forbidden(login, citizen):
    response = login(citizen).post(reverse("reports:request", args=["agencies.directory.pdf"]))
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_request_of_an_unknown_kind_is_404(login, staff_user):
    response = login(staff_user).post(reverse("reports:request", args=["no.such.report"]))
    assert response.status_code == 404


# --- progress page ----------------------------------------------------------------------


def test_progress_page_shows_state_and_polls_while_running(login, staff_user):
    job = ExportJobFactory(requested_by=staff_user, status=ExportJob.Status.RUNNING, progress=42)
    url = reverse("reports:job_detail", args=[job.public_id])
    response = login(staff_user).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đang tạo" in body
    assert 'value="42"' in body
    assert 'hx-trigger="every 1s"' in body
    assert f'hx-get="{url}"' in body
    assert f'href="{url}"' in body  # the refresh link for browsers without JavaScript
    assert "<html" in body


def test_htmx_poll_returns_only_the_partial(login, staff_user):
    job = ExportJobFactory(requested_by=staff_user, status=ExportJob.Status.QUEUED)
    url = reverse("reports:job_detail", args=[job.public_id])
    client = login(staff_user)
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert body.strip().startswith('<section id="job-status"')
    assert "<html" not in body
    assert "Đang chờ" in body
    assert 'hx-trigger="every 1s"' in body

    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.filename = "bao-cao.xlsx"
    job.save()
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in body  # finished: polling stops
    assert reverse("reports:download", args=[job.public_id]) in body


def test_progress_page_of_a_failed_job_shows_the_error(login, staff_user):
    job = ExportJobFactory(
        requested_by=staff_user,
        status=ExportJob.Status.FAILED,
        error="Báo cáo vượt quá thời gian cho phép (840 giây).",
    )
    body = login(staff_user).get(reverse("reports:job_detail", args=[job.public_id]))
    assert "Báo cáo vượt quá thời gian cho phép (840 giây)." in body.content.decode()


def test_progress_page_of_someone_elses_job_is_404(login, staff_user):
    job = ExportJobFactory(requested_by=UserFactory())
    response = login(staff_user).get(reverse("reports:job_detail", args=[job.public_id]))
    assert response.status_code == 404


# --- download ---------------------------------------------------------------------------


def test_owner_downloads_the_file_as_an_attachment(login, staff_user):
    job = _done_job(staff_user)
    response = login(staff_user).get(reverse("reports:download", args=[job.public_id]))
    assert response.status_code == 200
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="danh-ba-co-quan.xlsx"'
    assert b"".join(response.streaming_content) == b"PK\x03\x04 fake xlsx"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_pdf_download_has_the_pdf_content_type(login, staff_user):
    job = _done_job(staff_user, content=b"%PDF-1.7", filename="danh-ba.pdf")
    response = login(staff_user).get(reverse("reports:download", args=[job.public_id]))
    assert response["Content-Type"] == "application/pdf"


def test_other_user_gets_404_on_download(login, staff_user):
    job = _done_job(staff_user)
    response = login(UserFactory()).get(reverse("reports:download", args=[job.public_id]))
    assert response.status_code == 404


def test_anonymous_download_redirects_to_login(client, staff_user):
    job = _done_job(staff_user)
    response = client.get(reverse("reports:download", args=[job.public_id]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_administrator_may_download_any_job(login, staff_user, administrator):
    job = _done_job(staff_user)
    response = login(administrator).get(reverse("reports:download", args=[job.public_id]))
    assert response.status_code == 200


def test_unfinished_job_cannot_be_downloaded(login, staff_user):
    job = ExportJobFactory(requested_by=staff_user, status=ExportJob.Status.RUNNING)
    response = login(staff_user).get(reverse("reports:download", args=[job.public_id]))
    assert response.status_code == 404


def test_missing_file_is_404_not_500(login, staff_user):
    job = _done_job(staff_user)
    job.file.storage.delete(job.file.name)
    response = login(staff_user).get(reverse("reports:download", args=[job.public_id]))
    assert response.status_code == 404


# --- my jobs ----------------------------------------------------------------------------


def test_job_list_shows_only_my_jobs(login, staff_user):
    mine = ExportJobFactory(requested_by=staff_user)
    theirs = ExportJobFactory(requested_by=UserFactory())
    body = login(staff_user).get(reverse("reports:job_list")).content.decode()
    assert str(mine.public_id) in body
    assert str(theirs.public_id) not in body


def test_administrator_sees_every_job(login, staff_user, administrator):
    theirs = ExportJobFactory(requested_by=staff_user)
    body = login(administrator).get(reverse("reports:job_list")).content.decode()
    assert str(theirs.public_id) in body
    assert staff_user.full_name in body


def test_job_list_runs_a_constant_number_of_queries(
    login, staff_user, django_assert_max_num_queries
):
    client = login(staff_user)
    url = reverse("reports:job_list")
    ExportJobFactory.create_batch(2, requested_by=staff_user)
    _done_job(staff_user)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    ExportJobFactory.create_batch(30, requested_by=staff_user)
    jobs = [_done_job(staff_user) for _ in range(5)]
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    body = response.content.decode()
    assert body.count('href="/bao-cao/jobs/') >= 38
    for job in jobs:
        assert reverse("reports:download", args=[job.public_id]) in body


def test_job_list_dates_are_dd_mm_yyyy(login, staff_user):
    job = ExportJobFactory(requested_by=staff_user)
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 9, 7))
    )
    body = login(staff_user).get(reverse("reports:job_list")).content.decode()
    assert "09:07 05/03/2026" in body
