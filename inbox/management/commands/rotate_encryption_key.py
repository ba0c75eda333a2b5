from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from inbox.services.key_rotation import rotate_encryption_key

from ._output import print_json


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (channel credentials, webhook signing secrets, "
        "TOTP secrets) under the first key of SECRETS_ENCRYPTION_KEYS, so older keys can "
        "be removed. Safe to run again; fails if a secret is readable by no key."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="count what would be re-encrypted, write nothing",
        )

    def handle(self, *args, **options) -> None:
        reports = rotate_encryption_key(dry_run=options["dry_run"])
        columns = {
            r.column: {
                "rotated": r.rotated,
                "already_current": r.already_current,
                "changed_meanwhile": r.changed_meanwhile,
                "unreadable": r.unreadable,
            }
            for r in reports
        }
        totals = {
            key: sum(c[key] for c in columns.values())
            for key in ("rotated", "already_current", "changed_meanwhile", "unreadable")
        }
        print_json(self, {"dry_run": options["dry_run"], "totals": totals, "columns": columns})
        unreadable = [f"{r.column} pk={pk}" for r in reports for pk in r.unreadable_pks]
        if unreadable:
            # Exiting non-zero stops a deploy script before it drops a key still needed.
            raise CommandError(
                "no key in SECRETS_ENCRYPTION_KEYS opens: "
                + ", ".join(unreadable[:20])
                + (f" (and {len(unreadable) - 20} more)" if len(unreadable) > 20 else "")
                + "; keep the key that encrypted them"
            )
