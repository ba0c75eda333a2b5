"""`manage.py seed_demo`: the demo workspace, then its dashboards rebuilt over the history."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dashboards import rollup
from demo.workspace import seed_demo
from inbox.management.commands._output import print_json
from inbox.models import Workspace


class Command(BaseCommand):
    help = (
        "Create the demo workspace (users, a team, labels, canned responses, business hours, "
        "a sandbox channel per channel kind that has one, sample conversations and two weeks "
        "of history), then refresh its dashboards. "
        "Safe to run again: nothing is duplicated. Demo passwords are public: not for production."
    )

    def handle(self, *args, **options) -> None:
        out = seed_demo()
        # The history was written with past timestamps, which the periodic roll-up (today,
        # yesterday, days reported by signals) would not look at: recompute it all once.
        rollup.rebuild(Workspace.objects.get(slug=out["workspace"]))
        print_json(self, out)
