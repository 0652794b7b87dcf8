"""Backup, wipe, restore: every dossier, attachment (same bytes) and export row comes back.
Runs on SQLite and on PostgreSQL (whichever DATABASE_URL gives)."""

import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from core import backup
from dossiers.models import Dossier, DossierAttachment
from reports.models import ExportJob
from tests.dossiers.citizen_helpers import make_world, submitted_dossier
from tests.factories import UserFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    dossiers = [submitted_dossier(world)]
    other = UserFactory()
    dossiers.append(submitted_dossier(world, user=other))
    job = ExportJob.objects.create(
        kind="agencies.directory.xlsx", parameters={"ngay": "2026-01-01"}, requested_by=other
    )
    job.file.save("danh-ba.xlsx", ContentFile(b"PK\x03\x04 excel bytes"), save=True)
    return dossiers, job


def _snapshot(dossiers, job):
    files = {}
    for attachment in DossierAttachment.objects.filter(dossier__in=dossiers):
        with attachment.file.open("rb") as handle:
            files[attachment.file.name] = handle.read()
    job = ExportJob.objects.get(pk=job.pk)
    with job.file.open("rb") as handle:
        files[job.file.name] = handle.read()
    codes = sorted(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).values_list("code"))
    return codes, files


def test_backup_wipe_restore(portal, tmp_path, settings):
    dossiers, job = portal
    before = _snapshot(dossiers, job)
    assert len(before[1]) == 3 and all(before[0])

    out = tmp_path / "backup"
    call_command("backup", output=str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["media"]["count"] == 3
    assert {f["name"] for f in manifest["files"]} == {manifest["database"]["file"], "media.tar.gz"}
    for entry in manifest["files"]:
        assert backup.sha256(out / entry["name"]) == entry["sha256"]

    # wipe: every row and every uploaded file
    call_command("flush", interactive=False)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Dossier.objects.exists() and not ExportJob.objects.exists()

    call_command("restore", source=str(out), yes=True)
    assert _snapshot(dossiers, job) == before
    restored = Dossier.objects.get(pk=dossiers[0].pk)
    assert restored.applicant_user_id == dossiers[0].applicant_user_id
    assert restored.events.exists()


def test_restore_refuses_a_tampered_backup(portal, tmp_path):
    dossiers, _job = portal
    out = tmp_path / "backup"
    call_command("backup", output=str(out))
    archive = out / "media.tar.gz"
    data = bytearray(archive.read_bytes())
    data[-10] ^= 0xFF
    archive.write_bytes(bytes(data))
    Dossier.objects.filter(pk=dossiers[0].pk).update(summary="đã sửa sau sao lưu")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", source=str(out), yes=True)
    # nothing was touched
    assert Dossier.objects.get(pk=dossiers[0].pk).summary == "đã sửa sau sao lưu"


def test_restore_refuses_a_missing_file_and_backup_refuses_a_used_folder(portal, tmp_path):
    out = tmp_path / "backup"
    call_command("backup", output=str(out))
    with pytest.raises(CommandError):
        call_command("backup", output=str(out))  # never overwrites a backup
    (out / "media.tar.gz").unlink()
    with pytest.raises(CommandError, match=r"media\.tar\.gz"):
        call_command("restore", source=str(out), yes=True)


def test_restore_without_yes_and_without_a_terminal_does_nothing(portal, tmp_path, monkeypatch):
    out = tmp_path / "backup"
    call_command("backup", output=str(out))
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", source=str(out))
