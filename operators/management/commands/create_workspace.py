"""`manage.py create_workspace`: the first (or next) workspace and its admin, from a shell
or a provisioning script, printing one JSON object."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from inbox.management.commands._output import print_json
from inbox.models import Language
from inbox.services.workspaces import WorkspaceError, create_workspace
from operators.services import first_run, setup_links


class Command(BaseCommand):
    help = (
        "Create a workspace with its admin and print a one-time link for the admin to set "
        "their password. Idempotent on --slug: a rerun changes nothing and prints no new "
        "link unless --new-link."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="the workspace's display name")
        parser.add_argument("--slug", required=True, help="its address: /w/<slug>/")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--admin-username", default="", help="default: the email's part before the @"
        )
        parser.add_argument("--time-zone", default="UTC", help="IANA name, e.g. Europe/Madrid")
        parser.add_argument("--language", default=Language.ENGLISH, choices=Language.values)
        parser.add_argument(
            "--new-link",
            action="store_true",
            help="issue a new setup link for the admin (older links stop working)",
        )

    def handle(self, *args, **options) -> None:
        try:
            result = create_workspace(
                name=options["name"],
                slug=options["slug"],
                admin_email=options["admin_email"],
                admin_username=options["admin_username"],
                time_zone=options["time_zone"],
                language=options["language"],
            )
        except WorkspaceError as error:
            raise CommandError(str(error)) from error
        workspace, admin = result.workspace, result.admin
        first_run.forget_setup_tokens()  # the first-run page is over once any workspace exists
        url = None
        if admin is not None and (
            options["new_link"] or (result.created and not admin.has_usable_password())
        ):
            url = setup_links.issue_setup_link(admin)
        if not result.created:
            self.stderr.write(
                f"workspace {workspace.slug!r} already exists; nothing changed"
                + ("; a new setup link was issued" if url else " (--new-link for a new link)")
            )
        elif url is None:
            self.stderr.write(f"{admin.get_username()!r} already has a password; no link needed")
        print_json(
            self,
            {
                "workspace": {"id": workspace.pk, "slug": workspace.slug, "name": workspace.name},
                "admin": {
                    "username": admin.get_username() if admin else None,
                    "email": admin.email if admin else None,
                },
                "setup_url": url,
                "created": result.created,
            },
        )
