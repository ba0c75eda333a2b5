from __future__ import annotations

from django.core.management.base import BaseCommand

from inbox.services.demo import seed_demo

from ._output import print_json


class Command(BaseCommand):
    help = (
        "Create the demo workspace (users, a sandbox channel per channel kind that has one, "
        "sample conversations). "
        "Safe to run again: nothing is duplicated. Demo passwords are public: not for production."
    )

    def handle(self, *args, **options) -> None:
        print_json(self, seed_demo())
