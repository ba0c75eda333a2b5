"""Bench database fixture, run under bench.settings: `setup` makes the channel, `count`
reports what was committed (so throughput is only claimed for durable rows): webhook
events accepted, how many still wait for a worker, and messages applied to the domain."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from bench.floor.models import FloorRow  # noqa: E402
from inbox import services  # noqa: E402
from inbox.models import Channel, InboundEvent, Message, Workspace  # noqa: E402

ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
FROM_NUMBER = "+15005550006"


def setup() -> dict:
    workspace, _ = Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    channel = Channel.objects.filter(workspace=workspace, kind="sms").first()
    if channel is None:
        channel = services.create_channel(
            workspace,
            kind="sms",
            name="Bench SMS",
            config={
                "account_sid": ACCOUNT_SID,
                "auth_token": AUTH_TOKEN,
                "from_number": FROM_NUMBER,
            },
        )
    return {
        "token": channel.webhook_token,
        "auth_token": AUTH_TOKEN,
        "account_sid": ACCOUNT_SID,
        "to": FROM_NUMBER,
    }


def count() -> dict:
    return {
        "events": InboundEvent.objects.filter(channel__workspace__slug="bench").count(),
        "pending": InboundEvent.objects.filter(
            channel__workspace__slug="bench", applied_at__isnull=True
        ).count(),
        "messages": Message.objects.filter(channel__workspace__slug="bench").count(),
        "floor_rows": FloorRow.objects.count(),
    }


if __name__ == "__main__":
    print(json.dumps({"setup": setup, "count": count}[sys.argv[1]]()))
