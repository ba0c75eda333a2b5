"""The Django side of the benchmark: build the workspace, queue the replies, read results.

Run as `python -m bench.sms_outbound.fixture enqueue --part K --parts N` by run.py's
enqueuer processes; run.py imports the rest after django.setup().
"""

from __future__ import annotations

import argparse
import json
import time

from django.db import transaction

CUSTOMER_BASE = 16_287_000_000  # +1 628 7xx xxxx: ordinary numbers, none of the magic ones
SENDER_BASE = 14_156_000_000
MARKER = "bench-sms #"
WARMUP_MARKER = "bench-warmup #"
WORKSPACE_SLUG = "bench-sms"


def setup(*, senders: int, mps: float, conversations: int, latency_ms: int, callbacks: str) -> dict:
    """Workspace, `senders` sandbox SMS channels and one conversation per message.

    Contacts and conversations are bulk-created (setup, not what is measured); every
    channel has its own sandbox account so the provider's record names the sender.
    """
    from channels_sms import sandbox
    from inbox import services
    from inbox.models import Contact, ContactIdentity, Conversation, Workspace

    workspace = Workspace.objects.create(slug=WORKSPACE_SLUG, name="Outbound SMS bench")
    channels = []
    for i in range(senders):
        config = sandbox.channel_config(f"+{SENDER_BASE + i}", mps=mps)
        channel = services.create_channel(workspace, kind="sms", name=f"Sender {i}", config=config)
        sandbox.set_controls(
            channel.config["account_sid"], latency_ms=latency_ms, callbacks=callbacks
        )
        channels.append(channel)
    with transaction.atomic():
        contacts = Contact.objects.bulk_create(
            [Contact(workspace=workspace, name=f"Customer {i}") for i in range(conversations)],
            batch_size=2000,
        )
        ContactIdentity.objects.bulk_create(
            [
                ContactIdentity(
                    workspace=workspace, contact=c, kind="phone", value=f"+{CUSTOMER_BASE + i}"
                )
                for i, c in enumerate(contacts)
            ],
            batch_size=2000,
        )
        Conversation.objects.bulk_create(
            [
                Conversation(workspace=workspace, contact=c, channel=channels[i % senders])
                for i, c in enumerate(contacts)
            ],
            batch_size=2000,
        )
    return {
        "workspace_id": workspace.pk,
        "accounts": {c.config["account_sid"]: c.pk for c in channels},
        "mps": {c.pk: float(c.config["mps"]) for c in channels},
    }


def conversation_ids(workspace_id: int) -> list[int]:
    from inbox.models import Conversation

    return list(
        Conversation.objects.filter(workspace_id=workspace_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def enqueue(workspace_id: int, indexes: list[int], marker: str = MARKER) -> dict:
    """Queue one reply per conversation exactly as an agent's reply is queued."""
    from inbox import services
    from inbox.models import Conversation

    ids = conversation_ids(workspace_id)
    cpu = time.process_time()
    started = time.time()
    for i in indexes:
        conversation = Conversation.objects.select_related("channel").get(pk=ids[i])
        services.send_message(conversation, {"type": "text", "text": f"{marker}{i}"})
    finished = time.time()
    return {
        "queued": len(indexes),
        "started": started,
        "finished": finished,
        "cpu_seconds": time.process_time() - cpu,
    }


def progress(workspace_id: int, marker_prefix: str = MARKER) -> dict[str, int]:
    from django.db.models import Count

    from inbox.models import Message

    rows = (
        Message.objects.filter(workspace_id=workspace_id, text__startswith=marker_prefix)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows}


def outbound(workspace_id: int, marker_prefix: str = MARKER) -> list[dict]:
    from inbox.models import Message

    return list(
        Message.objects.filter(workspace_id=workspace_id, text__startswith=marker_prefix).values(
            "id",
            "text",
            "status",
            "channel_id",
            "attempts",
            "provider_message_id",
            "queued_at",
            "sending_at",
            "sent_at",
            "error_code",
            "error_message",
        )
    )


def sandbox_messages(account_sids: set[str]) -> list[dict]:
    """Everything the sandbox accepted for these accounts (its own store, in Redis)."""
    from channels_sms.sandbox import store

    client = store.r()
    found = []
    keys = list(client.scan_iter(match=f"{store.PREFIX}msg:*", count=2000))
    for start in range(0, len(keys), 1000):
        for raw in client.mget(keys[start : start + 1000]):
            if raw:
                message = json.loads(raw)
                if message.get("account_sid") in account_sids:
                    found.append(message)
    return found


def accepted_log() -> list[tuple[str, float, float]]:
    """(account_sid, arrival, answered) per 201 the sandbox gave, from bench asgi.py."""
    from channels_sms.sandbox import store

    from .asgi import ACCEPTED_KEY

    rows = store.r().lrange(ACCEPTED_KEY, 0, -1)
    out = []
    for row in rows:
        sid, arrived, answered = row.split()
        out.append((sid, float(arrived), float(answered)))
    return out


def clear_accepted_log() -> None:
    from channels_sms.sandbox import store

    from .asgi import ACCEPTED_KEY

    store.r().delete(ACCEPTED_KEY)


def main() -> None:
    import django

    django.setup()
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["enqueue"])
    p.add_argument("--workspace", type=int, required=True)
    p.add_argument("--first", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--part", type=int, default=0)
    p.add_argument("--parts", type=int, default=1)
    p.add_argument("--marker", default=MARKER)
    p.add_argument("--experiments", default="")
    args = p.parse_args()
    if args.experiments:
        from .experiments import apply

        apply([n for n in args.experiments.split(",") if n])
    indexes = [i for i in range(args.first, args.first + args.count) if i % args.parts == args.part]
    print(json.dumps(enqueue(args.workspace, indexes, args.marker)), flush=True)


if __name__ == "__main__":
    main()
