"""Backup and restore of the portal: the database and the uploaded files, with a manifest.

A backup is a folder:

    database.dump       PostgreSQL custom format (pg_dump -Fc), or
    database.sqlite3    a consistent copy made with SQLite's online backup API
    media.tar.gz        every file under MEDIA_ROOT (attachments, evidence, reports, images)
    manifest.json       format, created_at, app version and commit, database vendor, and the
                        size and SHA-256 of every other file

`restore` checks every checksum first and refuses on any mismatch, a missing file or another
database vendor; then restores the database (pg_restore --clean --if-exists in one transaction,
or the SQLite backup API into the live database) and swaps the media folder for the backed-up
one. Used by `manage.py backup` / `manage.py restore` (and `make backup` / `make restore`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = os.environ.copy()
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(_("Không tìm thấy công cụ %(tool)s trên máy chủ.") % {"tool": command[0]})
    result = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
        [tool, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s thất bại: %(error)s")
            % {"tool": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _app_version() -> dict:
    info = {"version": "", "commit": ""}
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    try:
        import tomllib

        info["version"] = tomllib.loads(pyproject.read_text())["project"]["version"]
    except (OSError, KeyError, ValueError):
        pass
    git = shutil.which("git")
    if git:
        result = subprocess.run(  # noqa: S603 (fixed arguments)
            [git, "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            info["commit"] = result.stdout.strip()
    return info


def _dump_database(output: Path) -> str:
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        target = output / PG_DUMP
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                *args,
                "--dbname",
                settings.DATABASES["default"]["NAME"],
            ],
            env,
        )
        return target.name
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = output / SQLITE_COPY
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # consistent even while the portal writes
        finally:
            copy.close()
        return target.name
    raise BackupError(
        _("Chưa hỗ trợ sao lưu cơ sở dữ liệu %(vendor)s.") % {"vendor": connection.vendor}
    )


def _archive_media(output: Path) -> tuple[str, int]:
    media = Path(settings.MEDIA_ROOT)
    target = output / MEDIA_ARCHIVE
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=path.relative_to(media).as_posix(), recursive=False)
                    count += 1
    return target.name, count


def create_backup(output: Path) -> dict:
    """Write a backup into `output` (created; must be empty). Returns the manifest."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(
            _("Thư mục %(path)s đã có dữ liệu; hãy chọn thư mục trống.") % {"path": output}
        )
    output.mkdir(parents=True, exist_ok=True)
    os.chmod(output, 0o700)  # personal data inside
    database_file = _dump_database(output)
    media_file, media_count = _archive_media(output)
    files = []
    for name in (database_file, media_file):
        path = output / name
        os.chmod(path, 0o600)
        files.append({"name": name, "size": path.stat().st_size, "sha256": sha256(path)})
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "app": _app_version(),
        "database": {"vendor": connection.vendor, "file": database_file},
        "media": {"file": media_file, "count": media_count},
        "files": files,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def verify_backup(source: Path) -> dict:
    """Check the manifest and every checksum. Returns the manifest; raises BackupError."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(_("Không đọc được manifest.json: %(error)s") % {"error": exc}) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Định dạng bản sao lưu không được hỗ trợ."))
    names = set()
    for entry in manifest.get("files", []):
        name = entry.get("name", "")
        if not name or Path(name).name != name:  # no paths outside the folder
            raise BackupError(_("Tên tệp không hợp lệ trong manifest: %(name)s") % {"name": name})
        path = source / name
        if not path.is_file():
            raise BackupError(_("Thiếu tệp %(name)s trong bản sao lưu.") % {"name": name})
        if path.stat().st_size != entry.get("size") or sha256(path) != entry.get("sha256"):
            raise BackupError(
                _("Tệp %(name)s không khớp mã kiểm tra SHA-256: bản sao lưu bị hỏng hoặc bị sửa.")
                % {"name": name}
            )
        names.add(name)
    database = manifest.get("database", {})
    if database.get("file") not in names or manifest.get("media", {}).get("file") not in names:
        raise BackupError(_("Bản sao lưu thiếu cơ sở dữ liệu hoặc tệp đính kèm."))
    if database.get("vendor") != connection.vendor:
        raise BackupError(
            _("Bản sao lưu của %(backup)s không khôi phục được vào %(current)s.")
            % {"backup": database.get("vendor"), "current": connection.vendor}
        )
    return manifest


def _restore_database(source: Path, manifest: dict) -> None:
    path = source / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        connection.close()
        env, args = _pg_env_and_args()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "--dbname",
                settings.DATABASES["default"]["NAME"],
                str(path),
            ],
            env,
        )
        return
    connection.close()
    connection.ensure_connection()
    backup = sqlite3.connect(path)
    try:
        backup.backup(connection.connection)  # replaces the live database's content
    finally:
        backup.close()


def _restore_media(source: Path, manifest: dict) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=media.parent))
    try:
        with tarfile.open(source / manifest["media"]["file"], "r:gz") as archive:
            archive.extractall(staging, filter="data")  # refuses absolute paths, .., links out
        stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
        old = media.with_name(f".{media.name}-old-{stamp}")
        if media.exists():
            media.rename(old)
        staging.rename(media)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def restore_backup(source: Path) -> dict:
    """Verify then restore the database and the media folder from `source`."""
    source = Path(source)
    manifest = verify_backup(source)
    _restore_database(source, manifest)
    _restore_media(source, manifest)
    return manifest
