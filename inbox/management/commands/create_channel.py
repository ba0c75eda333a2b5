from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from inbox.adapters import all_adapters
from inbox.models import Workspace
from inbox.services import create_channel

from ._output import print_json


class Command(BaseCommand):
    help = "Connect a channel to a workspace; prints its id and the webhook URLs to configure."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", required=True, help="workspace slug")
        parser.add_argument("--kind", required=True, help="channel kind, e.g. sms or rcs")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--config", default="{}", help='JSON object, e.g. \'{"from_number": "+1..."}\''
        )

    def handle(self, *args, **options) -> None:
        try:
            config = json.loads(options["config"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--config is not valid JSON: {exc}") from exc
        if not isinstance(config, dict):
            raise CommandError("--config must be a JSON object")
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"no workspace with slug {options['workspace']!r}")
        kinds = sorted(all_adapters())
        if options["kind"] not in kinds:
            raise CommandError(
                f"unknown channel kind {options['kind']!r} (known: {', '.join(kinds)})"
            )
        try:
            channel = create_channel(
                workspace, kind=options["kind"], name=options["name"], config=config
            )
        except ValueError as exc:
            raise CommandError(f"invalid channel config: {exc}") from exc
        print_json(
            self,
            {
                "id": channel.pk,
                "workspace": workspace.slug,
                "kind": channel.kind,
                "name": channel.name,
                "api_base_url": channel.api_base_url,
                "webhook_urls": channel.adapter.webhook_urls(channel),
            },
        )
