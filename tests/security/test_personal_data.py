"""Item 7: public pages never show personal data; staff access and exports are recorded; staff
sessions expire when idle; cookies are secure in production; old attachments can be purged."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import idle
from audit.models import AccessLog
from dossiers.models import DossierAttachment, DossierEvent
from tests.dossiers.factories import PDF_BYTES

from .conftest import CITIZEN_A


def _personal_values():
    return [*list(CITIZEN_A.values()), "092 301 009 876", "0987 654 321"]


def _assert_no_personal_data(body: str):
    for value in _personal_values():
        assert value not in body, value


# --- public pages ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_tracking_page_shows_no_personal_data(client, province):
    dossier = province.dossier
    assert dossier.applicant_name == CITIZEN_A["full_name"]  # the dossier does hold them
    response = client.post(
        reverse("dossiers:track"), {"code": dossier.code, "secret": dossier.tracking_secret}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in body
    _assert_no_personal_data(body)
    # by the last four phone digits as well
    response = client.get(reverse("dossiers:track"), {"ma": dossier.code, "k": "4321"})
    assert dossier.code in response.content.decode()
    _assert_no_personal_data(response.content.decode())


@pytest.mark.django_db
def test_public_catalogue_pages_show_no_personal_data(client, province):
    code = province.staff.version.procedure.code
    for url in (
        reverse("home"),
        reverse("procedures:list"),
        reverse("procedures:detail", args=[code]),
        reverse("procedures:print", args=[code]),
        reverse("agencies:directory"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_personal_data(response.content.decode())


# --- access log --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_staff_reading_a_dossier_is_logged(client, login, province):
    officer = province.staff.officer
    login(officer)
    dossier = province.dossier
    assert client.get(reverse("dossiers:staff_detail", args=[dossier.code])).status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.DOSSIER_VIEW)
    assert entry.user == officer
    assert entry.object_id == str(dossier.public_id)
    assert entry.ip == "127.0.0.1"
    assert entry.at <= timezone.now()

    attachment = dossier.attachments.first()
    response = client.get(reverse("dossiers:staff_attachment", args=[dossier.code, attachment.pk]))
    assert response.status_code == 200
    response = client.get(
        reverse("dossiers:attachment_download", args=[dossier.public_id, attachment.pk])
    )
    assert response.status_code == 200
    assert (
        AccessLog.objects.filter(action=AccessLog.Action.ATTACHMENT_DOWNLOAD, user=officer).count()
        == 2
    )
    from dossiers import pdf

    returned = province.returned
    number = pdf.available_forms(returned)[0]
    response = client.get(reverse("dossiers:form_pdf", args=[returned.code, number]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.FORM_PDF, user=officer).exists()


@pytest.mark.django_db
def test_applicant_reading_own_files_is_not_logged(client, login, province):
    login(province.citizen_a)
    attachment = province.dossier.attachments.first()
    url = reverse("dossiers:attachment_download", args=[province.dossier.public_id, attachment.pk])
    assert client.get(url).status_code == 200
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_exports_are_logged_on_request_and_download(
    client, login, province, django_capture_on_commit_callbacks
):
    login(province.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request", args=["agencies.directory.xlsx"]))
    assert response.status_code == 302
    request_entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT_REQUEST)
    assert request_entry.user == province.administrator
    assert request_entry.detail == "agencies.directory.xlsx"
    assert request_entry.ip == "127.0.0.1"
    from reports.models import ExportJob

    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    response = client.get(reverse("reports:download", args=[job.public_id]))
    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT_DOWNLOAD)
    assert entry.object_id == str(job.public_id)


@pytest.mark.django_db
def test_access_log_is_append_only_and_read_only_in_admin(client, login, province):
    from core import audit

    entry = audit.record(province.staff.officer, action=audit.DOSSIER_VIEW, obj=province.dossier)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    login(province.administrator)
    changelist = reverse("admin:audit_accesslog_changelist")
    province.administrator.is_staff = True
    province.administrator.save()
    response = client.get(changelist)
    assert response.status_code == 200
    assert province.dossier.code in response.content.decode()
    assert client.get(reverse("admin:audit_accesslog_add")).status_code == 403
    login(province.staff.officer)
    province.staff.officer.is_staff = True
    province.staff.officer.save()
    assert client.get(changelist).status_code == 403


# --- idle staff sessions -------------------------------------------------------------------
@pytest.mark.django_db
def test_staff_session_expires_after_idle_time(client, login, province, settings):
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 1800
    login(province.staff.officer)
    queue = reverse("dossiers:queue")
    assert client.get(queue).status_code == 200
    session = client.session
    session[idle.SESSION_KEY] = int(time.time()) - 1801
    session.save()
    response = client.get(queue, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert (
        "Phiên làm việc đã kết thúc do không có thao tác trong 30 phút" in response.content.decode()
    )


@pytest.mark.django_db
def test_active_staff_session_and_citizen_session_stay(client, login, province):
    login(province.staff.officer)
    session = client.session
    session[idle.SESSION_KEY] = int(time.time()) - 600
    session.save()
    assert client.get(reverse("dossiers:queue")).status_code == 200
    assert client.session[idle.SESSION_KEY] >= int(time.time()) - 5  # refreshed
    client.logout()
    login(province.citizen_a)
    assert idle.SESSION_KEY not in client.session
    assert client.get(reverse("dossiers:my_dossiers")).status_code == 200


def test_production_cookie_settings(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "cchc.example.vn",
        "DJANGO_SETTINGS_MODULE": "cchc_portal.settings",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.STAFF_IDLE_TIMEOUT_SECONDS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "True", "True", "Lax", "Lax", "True", "True", "1800"]


# --- purge -----------------------------------------------------------------------------------
@pytest.fixture
def old_returned(province):
    from django.core.files.base import ContentFile

    dossier = province.returned
    dossier.returned_at = timezone.now() - datetime.timedelta(days=400)
    dossier.save(update_fields=["returned_at"])
    attachment = DossierAttachment(dossier=dossier, title="Tờ khai", original_name="to-khai.pdf")
    attachment.file.save("to-khai.pdf", ContentFile(PDF_BYTES), save=True)
    return dossier, attachment


@pytest.mark.django_db
def test_purge_dry_run_changes_nothing(old_returned):
    _dossier, attachment = old_returned
    call_command("purge_attachments", "--returned-before-days", "365", "--dry-run")
    attachment.refresh_from_db()
    assert attachment.purged_at is None
    assert attachment.file.storage.exists(attachment.file.name)


@pytest.mark.django_db
def test_purge_deletes_files_keeps_records(
    client, login, province, old_returned, django_capture_on_commit_callbacks
):
    dossier, attachment = old_returned
    name = attachment.file.name
    storage = attachment.file.storage
    recent = province.dossier.attachments.first()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_attachments", "--returned-before-days", "365")
    attachment.refresh_from_db()
    assert attachment.purged_at is not None
    assert not storage.exists(name)
    assert DossierAttachment.objects.filter(pk=attachment.pk).exists()
    event = DossierEvent.objects.filter(dossier=dossier, kind=DossierEvent.Kind.ATTACHMENT).get()
    assert event.public is False
    recent.refresh_from_db()
    assert recent.purged_at is None and storage.exists(recent.file.name)
    # running again does nothing
    call_command("purge_attachments", "--returned-before-days", "365")
    assert (
        DossierEvent.objects.filter(dossier=dossier, kind=DossierEvent.Kind.ATTACHMENT).count() == 1
    )
    # downloads answer with a clear message, not a 500
    login(province.citizen_b)
    response = client.get(
        reverse("dossiers:attachment_download", args=[dossier.public_id, attachment.pk])
    )
    assert response.status_code == 410
    assert "Tệp đã được xóa theo thời hạn lưu trữ" in response.content.decode()
    login(province.staff.officer)
    response = client.get(reverse("dossiers:staff_attachment", args=[dossier.code, attachment.pk]))
    assert response.status_code == 410


@pytest.mark.django_db
def test_purge_keeps_recently_returned(old_returned):
    _dossier, attachment = old_returned
    call_command("purge_attachments", "--returned-before-days", "500")
    attachment.refresh_from_db()
    assert attachment.purged_at is None
