"""`manage.py seed_demo_spanish`: the Spanish-speaking demo (demo/spanish_workspace.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dashboards import rollup
from demo.spanish_workspace import seed_spanish_demo
from inbox.management.commands._output import print_json
from inbox.models import Workspace


class Command(BaseCommand):
    help = (
        "Create the Spanish-speaking demo workspace (demo-mx: a Mexico City flower shop, "
        "members who read the product in Spanish, Mexican customers writing in Spanish, "
        "Spanish consent keywords and automatic replies). Safe to run again. Demo "
        "passwords are public: not for production."
    )

    def handle(self, *args, **options) -> None:
        out = seed_spanish_demo()
        rollup.rebuild(Workspace.objects.get(slug=out["workspace"]))
        print_json(self, out)
