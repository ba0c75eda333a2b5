"""Recompute a workspace's dashboards from the whole message history."""

from django.core.management.base import BaseCommand, CommandError

from dashboards import rollup
from inbox.models import Workspace


class Command(BaseCommand):
    help = "Rebuild dashboard roll-ups from the message and status history."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", help="workspace slugs (default: all)")

    def handle(self, *args, **options) -> None:
        workspaces = Workspace.objects.order_by("pk")
        if options["slugs"]:
            workspaces = workspaces.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(workspaces.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no such workspace: {', '.join(sorted(missing))}")
        for workspace in workspaces:
            days = rollup.rebuild(workspace)
            self.stdout.write(f"{workspace.slug}: {days} days recomputed")
