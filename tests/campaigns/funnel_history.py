"""A campaign with a known history, for the funnel tests: ten contacts, an RCS channel
falling back to SMS, a 50% control arm, and every step of the funnel written through
the real paths (expansion, ingest, /r/<code>, record_conversion) except the provider's
status receipts, which are set on the rows as the outbox would have left them.

Who is who (T = the campaign's send time):
  c1 treatment  RCS  read       text reply T+1h, taps "I paid" T+2h (postback conversion)
  c2 treatment  RCS  read       taps "My balance" T+30min
  c3 treatment  RCS  delivered  wrote T-1h (before the campaign: not a reply); API conversion
  c4 treatment  RCS  failed     (never sent)
  c5 control    SMS  delivered  reply T+3h, follows its tracked link
  c6 control    SMS  delivered  opts out T+1h (STOP), writes T+80h (outside 72 h)
  c7 unknown    RCS  read       reply T+2h
  c8 unknown    SMS  delivered  fell back from RCS; follows its tracked link
  c9 excluded   opted out before the campaign
  c10 excluded  no value for {{balance}}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

from django.test import Client
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.models import (
    Campaign,
    CampaignRecipient,
    Channel,
    Consent,
    ContactReachability,
    Message,
    MessageStatus,
    TrackedLink,
)
from inbox.services import ingest
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.conversions import record_conversion
from inbox.services.campaigns.experiment import draw_arm
from inbox.services.consent import record_consent
from inbox.services.templates.save import save_template

from .conftest import make_contact, new_campaign

WANTED_ARMS = ["treatment"] * 4 + ["control"] * 2  # c1..c6, the RCS-capable ones
_ids = count(1)


@dataclass
class History:
    campaign: Campaign
    contacts: list  # c1..c10 as contacts[0..9]
    sent_at: datetime
    rcs: Channel
    sms: Channel


def payment_template(workspace, actor):
    return save_template(
        workspace=workspace,
        actor=actor,
        name="Payment reminder",
        use_case="payment_reminder",
        content={
            "type": "text",
            "text": "Hola {{first_name}}, you owe {{balance}}.",
            "suggestions": [
                {"type": "open_url", "text": "Pay now", "url": "https://pay.example.com/"},
                {"type": "reply", "text": "I paid", "postback": "paid"},
                {"type": "reply", "text": "My balance", "postback": "balance"},
            ],
        },
        conversion_postbacks=["paid"],
    )


def _seed_for(contacts) -> int:
    """A seed that draws exactly WANTED_ARMS for these contacts (their ids vary by run)."""
    for seed in range(100_000):
        arms = [draw_arm(seed=seed, contact_id=c.pk, control_share=0.5) for c in contacts]
        if arms == WANTED_ARMS:
            return seed
    raise AssertionError("no seed found")


def _say(channel, phone, at, content, text):
    ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"in-{next(_ids)}-{phone}",
                sender=phone,
                recipient="+14155550100",
                content=content,
                text=text,
                received_at=at,
            )
        ],
    )


def _phone(contact) -> str:
    return contact.identities.get(kind="phone").value


def build(workspace, admin_user, rcs_channel, sms_channel) -> History:
    template = payment_template(workspace, admin_user)
    contacts = [make_contact(workspace, n) for n in range(1, 10)]
    contacts.append(make_contact(workspace, 10, due_date="2027-01-15"))  # no balance
    now = timezone.now()
    for contact in contacts[:6]:
        ContactReachability.objects.create(
            contact=contact, channel=rcs_channel, reachable=True, checked_at=now
        )
    record_consent(rcs_channel, _phone(contacts[8]), opted_out=True, source="agent")
    campaign = new_campaign(
        workspace, admin_user, template, rcs_channel, contacts, control_share=0.5
    )
    campaign.experiment_seed = _seed_for(contacts[:6])
    campaign.save(update_fields=["experiment_seed"])
    launch_campaign(campaign=campaign, actor=admin_user)
    while expansion.expand_chunk(campaign.pk) == expansion.MORE:
        pass

    rows = {
        r.contact_id: r
        for r in CampaignRecipient.objects.filter(campaign=campaign).select_related("message")
    }
    msg = {i: rows[c.pk].message for i, c in enumerate(contacts, start=1) if rows[c.pk].message}
    t = now - timedelta(days=5)
    # As if created a day before it went out (the history is set in the past).
    Campaign.objects.filter(pk=campaign.pk).update(created_at=t - timedelta(days=1))

    def receipts(n, status, *, read=False, delivered=True, **extra):
        Message.objects.filter(pk=msg[n].pk).update(
            status=status,
            sent_at=t if status != MessageStatus.FAILED else None,
            delivered_at=t + timedelta(minutes=1) if delivered else None,
            read_at=t + timedelta(minutes=2) if read else None,
            **extra,
        )

    for n in (1, 2, 7):
        receipts(n, MessageStatus.READ, read=True)
    for n in (3, 5, 6):
        receipts(n, MessageStatus.DELIVERED)
    receipts(4, MessageStatus.FAILED, delivered=False)
    receipts(8, MessageStatus.DELIVERED, channel=sms_channel, fallback_from=rcs_channel)

    phone = {n: _phone(contacts[n - 1]) for n in range(1, 11)}
    text = {"type": "text", "text": "ok"}
    _say(rcs_channel, phone[1], t + timedelta(hours=1), text, "ok")
    _say(
        rcs_channel,
        phone[1],
        t + timedelta(hours=2),
        {"type": "suggestion_response", "text": "I paid", "postback": "paid"},
        "I paid",
    )
    _say(
        rcs_channel,
        phone[2],
        t + timedelta(minutes=30),
        {"type": "suggestion_response", "text": "My balance", "postback": "balance"},
        "My balance",
    )
    _say(rcs_channel, phone[3], t - timedelta(hours=1), text, "ok")
    _say(sms_channel, phone[5], t + timedelta(hours=3), text, "ok")
    _say(sms_channel, phone[6], t + timedelta(hours=80), text, "ok")
    _say(rcs_channel, phone[7], t + timedelta(hours=2), text, "ok")
    record_consent(sms_channel, phone[6], opted_out=True, source="keyword", keyword="STOP")
    Consent.objects.filter(channel=sms_channel, address=phone[6]).update(
        changed_at=t + timedelta(hours=1)
    )
    record_conversion(campaign, contacts[2], value=120)
    client = Client()
    for n in (5, 8):
        link = TrackedLink.objects.get(recipient=rows[contacts[n - 1].pk])
        assert client.get(f"/r/{link.code}").status_code == 302
    campaign.refresh_from_db()
    return History(campaign, contacts, t, rcs_channel, sms_channel)
