"""`manage.py backup` / `manage.py restore`: the embedded PostgreSQL's dump plus media,
round-tripped on the real test database (operators/backup.py)."""

from __future__ import annotations

import json
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inbox.models import Label
from tests.support.media import PNG, use_temporary_storage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    root = use_temporary_storage(settings, tmp_path / "data" / "media")
    (root / "ws" / "1").mkdir(parents=True)
    (root / "ws" / "1" / "photo.png").write_bytes(PNG)
    settings.DATA_DIR = tmp_path / "data"
    return root


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_backup_then_restore_brings_back_rows_and_files(workspace, media, tmp_path):
    Label.objects.create(workspace=workspace, name="before-backup")
    made = run("backup", "--output", str(tmp_path / "b.tar.gz"))
    assert made["media_files"] == 1 and made["database_bytes"] > 0
    with tarfile.open(made["archive"]) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.dump", "media/ws/1/photo.png"} <= names

    # Life goes on after the backup: a row added, a row removed, a file lost.
    Label.objects.filter(name="before-backup").delete()
    Label.objects.create(workspace=workspace, name="after-backup")
    (media / "ws" / "1" / "photo.png").unlink()

    restored = run("restore", made["archive"], "--yes")

    assert restored["manifest"]["media_files"] == 1
    names = set(Label.objects.values_list("name", flat=True))
    assert "before-backup" in names and "after-backup" not in names
    assert (media / "ws" / "1" / "photo.png").read_bytes() == PNG
    kept = list(media.parent.glob("media.before-restore-*"))
    assert len(kept) == 1  # the replaced media folder is kept, not deleted


def test_restore_asks_before_replacing_everything(workspace, media, tmp_path):
    made = run("backup", "--output", str(tmp_path / "b.tar.gz"))
    Label.objects.create(workspace=workspace, name="still-here")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", made["archive"], stdout=StringIO())
    assert Label.objects.filter(name="still-here").exists()


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(workspace, media, tmp_path):
    Label.objects.create(workspace=workspace, name="untouched")
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not an inbox backup"):
        call_command("restore", str(bogus), "--yes", stdout=StringIO())
    assert Label.objects.filter(name="untouched").exists()
    assert (media / "ws" / "1" / "photo.png").exists()


def test_a_broken_dump_leaves_the_database_as_it_was(workspace, media, tmp_path):
    """The restore runs in one transaction: a dump that fails halfway changes nothing."""
    made = run("backup", "--output", str(tmp_path / "b.tar.gz"))
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(made["archive"]) as src, tarfile.open(broken, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name == "database.dump":
                raw = data.read()
                member.size = len(raw) // 2
                dst.addfile(member, StringIOBytes(raw[: member.size]))
            else:
                dst.addfile(member, data)
    Label.objects.create(workspace=workspace, name="survives")
    with pytest.raises(CommandError):
        call_command("restore", str(broken), "--yes", stdout=StringIO())
    assert Label.objects.filter(name="survives").exists()


class StringIOBytes:
    def __init__(self, raw: bytes):
        from io import BytesIO

        self._io = BytesIO(raw)

    def read(self, *args):
        return self._io.read(*args)
