from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inbox.management.commands._output import print_json
from operators.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents and the media files with those of a backup "
        "archive (manage.py backup). Stop make run first. The database is restored in one "
        "transaction; the media folder it replaces is kept beside the new one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="do it: everything stored now is replaced"
        )

    def handle(self, *args, **options) -> None:
        try:
            manifest = read_manifest(options["archive"])
            if not options["yes"]:
                raise CommandError(
                    f"This replaces every conversation, setting and file with the backup of "
                    f"{manifest.get('created_at')}. Run again with --yes to do it."
                )
            manifest = restore(options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        print_json(self, {"restored": str(options["archive"]), "manifest": manifest})
