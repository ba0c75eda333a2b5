"""The e2e bench's world, run under bench.settings: `setup` prints it as JSON, `count` and
`latencies` read what was committed (run with the stack stopped or running).

A workspace with one SMS channel; `--customers` customers who each wrote once (their
threads exist, as after a campaign's first replies) and got `--outbound` messages that
the provider accepted (status `sending`, a provider id each, so delivery reports find
them); `--agents` agents, each with a signed-in session for their websocket.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from inbox import services  # noqa: E402
from inbox.adapters import InboundMessage  # noqa: E402
from inbox.models import (  # noqa: E402
    Author,
    Channel,
    Direction,
    InboundEvent,
    Membership,
    Message,
    MessageStatus,
    Role,
    Workspace,
)

SLUG = "e2e"
ACCOUNT_SID = "AC" + "e" * 32
AUTH_TOKEN = "e2e-auth-token-0123456789abcdef"
FROM_NUMBER = "+15005550006"


def customer(n: int) -> str:
    return f"+1415{3_000_000 + n:07d}"


def setup(customers: int, outbound: int, agents: int) -> dict:
    workspace, _ = Workspace.objects.get_or_create(slug=SLUG, defaults={"name": "E2E"})
    channel = Channel.objects.filter(workspace=workspace, kind="sms").first() or (
        services.create_channel(
            workspace,
            kind="sms",
            name="E2E SMS",
            config={
                "account_sid": ACCOUNT_SID,
                "auth_token": AUTH_TOKEN,
                "from_number": FROM_NUMBER,
            },
        )
    )
    conversations = {}
    for n in range(customers):
        (message,) = services.ingest(
            channel,
            [
                InboundMessage(
                    provider_message_id=f"SMSEED{n:08d}",
                    sender=customer(n),
                    recipient=FROM_NUMBER,
                    content={"type": "text", "text": "hello"},
                    text="hello",
                )
            ],
        )
        conversations[customer(n)] = message.conversation_id
    rows = [
        Message(
            workspace=workspace,
            conversation_id=conversations[customer(n)],
            channel=channel,
            direction=Direction.OUTBOUND,
            author=Author.AGENT,
            content={"type": "text", "text": "Our offer"},
            text="Our offer",
            status=MessageStatus.SENDING,
            provider_message_id=f"SMOUT{n:06d}x{k}",
        )
        for n in range(customers)
        for k in range(outbound)
    ]
    Message.objects.bulk_create(rows, batch_size=2000)
    User = get_user_model()
    sessions = []
    for a in range(agents):
        user, _ = User.objects.get_or_create(username=f"e2e-agent{a}")
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Role.AGENT}
        )
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    outs = {
        m.provider_message_id: str(m.pk)
        for m in Message.objects.filter(channel=channel, direction=Direction.OUTBOUND)
    }
    return {
        "token": channel.webhook_token,
        "auth_token": AUTH_TOKEN,
        "account_sid": ACCOUNT_SID,
        "to": FROM_NUMBER,
        "workspace": SLUG,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "customers": [customer(n) for n in range(customers)],
        "conversations": conversations,
        "outbound": outs,
    }


def count() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(applied_at), count(gave_up_at) FROM inbox_inboundevent"
        )
        events, applied, set_aside = cursor.fetchone()
    return {
        "events": events,
        "applied": applied,
        "set_aside": set_aside,
        "inbound_messages": Message.objects.filter(direction=Direction.INBOUND).count(),
    }


def latencies() -> dict:
    """Accepted -> applied (received_at -> applied_at) of every applied event, ms, and
    which message each inbound provider id became (to match socket frames)."""
    rows = InboundEvent.objects.filter(applied_at__isnull=False).values_list(
        "received_at", "applied_at"
    )
    applied_ms = sorted((b - a).total_seconds() * 1000 for a, b in rows)
    ids = dict(
        Message.objects.filter(direction=Direction.INBOUND)
        .exclude(provider_message_id__startswith="SMSEED")
        .values_list("provider_message_id", "id")
    )
    return {"applied_ms": applied_ms, "inbound_ids": {k: str(v) for k, v in ids.items()}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "count", "latencies"])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--outbound", type=int, default=2)
    parser.add_argument("--agents", type=int, default=50)
    args = parser.parse_args()
    if args.command == "setup":
        result = setup(args.customers, args.outbound, args.agents)
    else:
        result = {"count": count, "latencies": latencies}[args.command]()
    print(json.dumps(result))
