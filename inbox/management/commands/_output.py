"""Commands print exactly one JSON object, so scripts and CI can parse what they made."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


def print_json(command: BaseCommand, payload: dict) -> None:
    command.stdout.write(json.dumps(payload, indent=2, default=str))
