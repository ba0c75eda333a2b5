"""The Django side of the campaign benchmark: the workspace, the audience, the channels,
and what the run reads back. run.py imports it after django.setup()."""

from __future__ import annotations

import json
import time

from django.db import transaction
from django.utils import timezone

CUSTOMER_BASE = 16_287_000_000  # +1 628 7xx xxxx; the RCS sandbox: even last digit = RCS
SENDER = "+14156000000"
WORKSPACE_SLUG = "bench-campaign"
LABEL = "bench"
MANAGER = "bench-manager"
CHUNK = 5000


def setup(*, recipients: int, mps: float, latency_ms: int, callbacks: bool) -> dict:
    """Workspace, an SMS sender (`mps`), an RCS line falling back to it, a manager, the
    attribute definitions and `recipients` labelled contacts, each with a unique `ref`
    (so every message body is unique at the provider) and the cached RCS capability the
    beat refresh would have stored (ContactReachability, and the adapter's own cache)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from channels_rcs import capability
    from channels_rcs.sandbox import accounts
    from channels_rcs.sandbox import store as rcs_store
    from channels_sms import sandbox
    from inbox import services
    from inbox.models import (
        Contact,
        ContactIdentity,
        ContactReachability,
        Label,
        Membership,
        Role,
        Workspace,
    )
    from workspace_settings.models import AttributeType, ContactAttributeDefinition

    workspace = Workspace.objects.create(slug=WORKSPACE_SLUG, name="Campaign bench")
    user = get_user_model().objects.create_user(username=MANAGER, password="pw-" + MANAGER)
    Membership.objects.create(workspace=workspace, user=user, role=Role.MANAGER)
    sms = services.create_channel(
        workspace,
        kind="sms",
        name="Bench SMS",
        config=sandbox.channel_config(SENDER, mps=mps, workspace_id=workspace.pk),
    )
    sandbox.set_controls(
        sms.config["account_sid"], latency_ms=latency_ms, callbacks="auto" if callbacks else "off"
    )
    rcs = services.create_channel(
        workspace,
        kind="rcs",
        name="Bench RCS",
        config=accounts.channel_config(workspace_id=workspace.pk),
        fallback=sms,
    )
    rcs_store.set_controls(
        rcs.config["agent_id"], latency_ms=latency_ms, events="auto" if callbacks else "off"
    )
    for key, kind in {"balance": AttributeType.NUMBER, "ref": AttributeType.TEXT}.items():
        ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=key.title(), type=kind
        )
    label = Label.objects.create(workspace=workspace, name=LABEL)
    now = timezone.now()
    for first in range(0, recipients, CHUNK):
        numbers = range(first, min(recipients, first + CHUNK))
        with transaction.atomic():
            contacts = Contact.objects.bulk_create(
                [
                    Contact(
                        workspace=workspace,
                        name=f"Ana Cliente{i}",
                        attributes={"balance": 100 + i % 900, "ref": f"R{i}"},
                    )
                    for i in numbers
                ]
            )
            ContactIdentity.objects.bulk_create(
                [
                    ContactIdentity(workspace=workspace, contact=c, kind="phone", value=_phone(i))
                    for i, c in zip(numbers, contacts, strict=True)
                ]
            )
            Contact.labels.through.objects.bulk_create(
                [Contact.labels.through(contact_id=c.pk, label_id=label.pk) for c in contacts]
            )
            ContactReachability.objects.bulk_create(
                [
                    ContactReachability(
                        contact=c, channel=rcs, reachable=_rcs_capable(i), checked_at=now
                    )
                    for i, c in zip(numbers, contacts, strict=True)
                ]
            )
        # The adapter's own capability cache, as a refresh through reachable_many leaves it.
        cache.set_many(
            {
                capability._key(rcs, _phone(i)): {
                    "reachable": _rcs_capable(i),
                    "features": ["RICHCARD_STANDALONE"] if _rcs_capable(i) else [],
                }
                for i in numbers
            },
            timeout=capability.POSITIVE_TTL,
        )
    # A contact book built over months has its planner statistics; one bulk-loaded a
    # moment ago has none until autovacuum comes by (a minute or more on a busy machine),
    # and the audience walk then reads every contact past the cursor for each chunk.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "workspace_id": workspace.pk,
        "sms_id": sms.pk,
        "rcs_id": rcs.pk,
        "account_sid": sms.config["account_sid"],
        "agent_id": rcs.config["agent_id"],
        "user_id": user.pk,
    }


def _phone(i: int) -> str:
    return f"+{CUSTOMER_BASE + i}"


def _rcs_capable(i: int) -> bool:
    return (CUSTOMER_BASE + i) % 2 == 0


def reminder_template(workspace, actor, *, second_chip: tuple[str, str], conversions=()):
    """The payment reminder both campaign benches send: a card, its balance and a ref
    unique per recipient, three chips (the second one the bench's own)."""
    from inbox.services.templates.save import save_template

    text, postback = second_chip
    extra = {"conversion_postbacks": list(conversions)} if conversions else {}
    return save_template(
        workspace=workspace,
        actor=actor,
        name="Reminder",
        use_case="payment_reminder",
        content={
            "type": "card",
            "card": {
                "title": "Hola {{first_name}}, your payment is due",
                "description": "Balance {{balance}} (ref {{ref}})",
                "suggestions": [
                    {"type": "open_url", "text": "Pay now", "url": "https://pay.example.com/"},
                    {"type": "reply", "text": text, "postback": postback},
                    {"type": "reply", "text": "Talk to an agent", "postback": "agent"},
                ],
            },
        },
        **extra,
    )


def create_campaign(info: dict, *, send_rate: int | None) -> int:
    from django.contrib.auth import get_user_model

    from inbox.models import Channel, Workspace
    from inbox.services.campaigns.plan import create_campaign as create

    workspace = Workspace.objects.get(pk=info["workspace_id"])
    actor = get_user_model().objects.get(pk=info["user_id"])
    template = reminder_template(workspace, actor, second_chip=("My balance", "balance"))
    campaign = create(
        workspace=workspace,
        actor=actor,
        name="Bench campaign",
        template=template,
        channel=Channel.objects.get(pk=info["rcs_id"]),
        audience={"label": LABEL},
        send_rate=send_rate,
    )
    return campaign.pk


def launch(campaign_id: int) -> float:
    from inbox.models import Campaign
    from inbox.services.campaigns.control import launch_campaign

    campaign = Campaign.objects.select_related("created_by").get(pk=campaign_id)
    started = time.time()
    launch_campaign(campaign=campaign, actor=campaign.created_by)
    return started


def progress(campaign_id: int) -> dict:
    from django.db.models import Count

    from inbox.models import Campaign, CampaignRecipient, Message

    counts = dict(
        Message.objects.filter(campaign_id=campaign_id)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    counts["rows"] = CampaignRecipient.objects.filter(campaign_id=campaign_id).count()
    counts["campaign"] = Campaign.objects.values_list("status", flat=True).get(pk=campaign_id)
    return counts


def left_for_sweep(campaign_id: int) -> dict[str, int]:
    """Sends whose answer never came (settle's "the provider will be asked" entry: the
    row stayed `sending` for the sweep's reconcile), by the status they ended in."""
    from django.db.models import Count

    from inbox.models import Message, MessageStatus

    return dict(
        Message.objects.filter(
            campaign_id=campaign_id,
            status_events__status=MessageStatus.SENDING,
            status_events__applied=False,
        )
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
    )


def rows(campaign_id: int) -> list[dict]:
    from inbox.models import Message

    return list(
        Message.objects.filter(campaign_id=campaign_id).values(
            "id",
            "status",
            "channel_id",
            "fallback_from_id",
            "attempts",
            "provider_message_id",
            "created_at",
            "sending_at",
            "sent_at",
            "error_message",
            "text",
        )
    )


def recipients_without_row(campaign_id: int, workspace_id: int) -> int:
    from inbox.models import CampaignRecipient, Contact

    audience = Contact.objects.filter(workspace_id=workspace_id, labels__name=LABEL).count()
    return audience - CampaignRecipient.objects.filter(campaign_id=campaign_id).count()


def sms_bodies(account_sid: str) -> list[str]:
    """Every body the SMS sandbox accepted for the account (its own store)."""
    from channels_sms.sandbox import store

    client = store.r()
    bodies = []
    keys = list(client.scan_iter(match=f"{store.PREFIX}msg:*", count=5000))
    for start in range(0, len(keys), 2000):
        for raw in client.mget(keys[start : start + 2000]):
            if raw:
                message = json.loads(raw)
                if message.get("account_sid") == account_sid:
                    bodies.append(str(message.get("body", "")))
    return bodies


def rcs_deliveries(phones: list[str]) -> dict[str, int]:
    """How many agent messages each phone's sandbox handset log holds."""
    from channels_rcs.sandbox import store

    client = store.r()
    counts: dict[str, int] = {}
    for start in range(0, len(phones), 2000):
        batch = phones[start : start + 2000]
        pipe = client.pipeline()
        for phone in batch:
            pipe.lrange(f"{store.PREFIX}handset:{phone}", 0, -1)
        for phone, entries in zip(batch, pipe.execute(), strict=True):
            counts[phone] = sum(1 for e in entries if json.loads(e)["direction"] == "outbound")
    return counts
