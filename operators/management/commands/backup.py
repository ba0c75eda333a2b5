from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inbox.management.commands._output import print_json
from operators.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive with the database's dump (pg_dump of the embedded server's own "
        "binaries) and every media file, to INBOX_DATA_DIR/backups/ or --output. Safe while "
        "the app runs: the dump is one consistent snapshot."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args, **options) -> None:
        try:
            archive = backup(options.get("output"))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        print_json(
            self,
            {
                "archive": str(archive.path),
                "database_bytes": archive.database_bytes,
                "media_files": archive.media_files,
            },
        )
