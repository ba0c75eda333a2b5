from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from inbox.models import Membership
from inbox.services.tokens import create_api_token

from ._output import print_json


class Command(BaseCommand):
    help = "Create a REST API token for a user; the raw token is printed once and never stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument(
            "--workspace", help="workspace slug (optional when the user has only one)"
        )
        parser.add_argument("--name", default="default", help="a label to recognise the token")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        memberships = Membership.objects.filter(user=user).select_related("workspace")
        if options["workspace"]:
            memberships = memberships.filter(workspace__slug=options["workspace"])
        memberships = list(memberships[:2])
        if not memberships:
            where = f" of workspace {options['workspace']!r}" if options["workspace"] else ""
            raise CommandError(f"user {user.username!r} is not a member{where}")
        if len(memberships) > 1:
            raise CommandError(
                f"user {user.username!r} belongs to several workspaces; pass --workspace"
            )
        workspace = memberships[0].workspace
        token, raw = create_api_token(user, workspace, options["name"])
        print_json(
            self,
            {
                "token": raw,
                "id": token.pk,
                "prefix": token.prefix,
                "name": token.name,
                "user": user.username,
                "workspace": workspace.slug,
            },
        )
