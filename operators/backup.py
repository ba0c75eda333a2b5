"""Backups of the embedded default: the database's dump plus the media files, in one
archive, and the restore that puts both back.

`manage.py backup` writes `<INBOX_DATA_DIR>/backups/inbox-<UTC time>.tar.gz` (or
--output) holding:
- database.dump: `pg_dump --format=custom` of the configured database;
- media/: every stored file (attachments, inbound media), as the storage keeps them;
- manifest.json: when, which database, the PostgreSQL and app migration state.

`manage.py restore <archive>` replaces the database's contents in ONE transaction (the
public schema dropped and rebuilt from the dump through `psql --single-transaction`, so a
failed restore leaves the old data untouched), then swaps the media folder in, keeping
the one it replaced beside it (media.before-restore-<time>).

The PostgreSQL client programs are the embedded server's own (pgserver ships them, so
their version is the server's); for an external server, those on PATH when present.
Stop `make run` (or web, worker and beat) before a restore: they would write meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

DUMP = "database.dump"
MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why."""


@dataclass(frozen=True)
class Archive:
    path: Path
    database_bytes: int
    media_files: int


def media_root() -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def pg_program(name: str) -> str:
    """The embedded server's own client program (pgserver's, the server's version); for
    an external server of another major version, the one on PATH if there is one."""
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        POSTGRES_BIN_PATH = None  # noqa: N806
    bundled = POSTGRES_BIN_PATH / name if POSTGRES_BIN_PATH is not None else None
    on_path = shutil.which(name)
    if bundled is not None and bundled.exists():
        if on_path is None or _major(str(bundled)) == _server_version().split(".")[0]:
            return str(bundled)
    if on_path is None:
        raise BackupError(f"{name} not found (install the PostgreSQL client programs)")
    return on_path


def _major(program: str) -> str:
    """ "16" from "pg_dump (PostgreSQL) 16.2"."""
    out = subprocess.run([program, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip().rsplit(" ", 1)[-1].split(".")[0]


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (socket dir or host, user ...)."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", db.get("HOST") or options.get("host")),  # pgserver: its socket dir
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, env=_pg_env(), capture_output=True, check=False, **kwargs)
    if result.returncode != 0:
        err = result.stderr.decode("utf-8", "replace") if isinstance(result.stderr, bytes) else ""
        raise BackupError(f"{Path(argv[0]).name} failed: {err.strip()[-2000:]}")
    return result


def _server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def _applied_migrations() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        return cursor.fetchone()[0]


def default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return settings.DATA_DIR / "backups" / f"inbox-{stamp}.tar.gz"


def backup(output: Path | None = None) -> Archive:
    """Dump the database and pack it with the media; written whole or not at all."""
    output = Path(output or default_path()).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent) as tmp:
        dump = Path(tmp) / DUMP
        _run([pg_program("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump)])
        media = media_root()
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "database": connection.settings_dict.get("NAME"),
            "postgres_version": _server_version(),
            "applied_migrations": _applied_migrations(),
            "media_files": len(files),
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=DUMP)
            for path in files:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media)}")
        os.replace(partial, output)  # whole or not at all
        return Archive(output, dump.stat().st_size, len(files))


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{archive} is not an inbox backup ({exc})") from exc


def restore(archive: Path) -> dict:
    """Put the archive's database and media back; returns its manifest."""
    archive = Path(archive).resolve()
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR) as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")  # no absolute paths, links or devices
        _restore_database(Path(tmp) / DUMP)
        _swap_media(Path(tmp) / MEDIA)
    connection.close()  # the pool's connections saw the old schema's objects
    return manifest


def _restore_database(dump: Path) -> None:
    """The schema dropped and rebuilt from the dump in one transaction (psql -1): a
    failure anywhere leaves the database as it was."""
    script = _run([pg_program("pg_restore"), "--no-owner", "--no-privileges", "-f", "-", str(dump)])
    preamble = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    _run(
        [pg_program("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
         "-v", "ON_ERROR_STOP=1", "-f", "-"],
        input=preamble + script.stdout,
    )  # fmt: skip


def _swap_media(restored: Path) -> None:
    media = media_root()
    if media.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))
    if restored.exists():
        shutil.move(str(restored), str(media))
    else:
        media.mkdir(parents=True)
