"""A small history with known answers, in America/New_York (EDT from 2026-03-08).

Tuesday 2026-03-10, local times:
  conversation A (RCS, team Red, alice):
    10:00 customer "Hi"; 10:05 alice sends a rich card (read); 10:30 customer taps "Yes";
    10:40 alice sends text (delivered); resolved 11:00.
  conversation B (SMS, team Blue, bob):
    23:30 customer writes (03:30 UTC on the 11th: still the 10th locally);
    23:50 bob sends 200 GSM characters (2 segments, delivered);
    23:55 a bot message fails (30007 Carrier violation);
    23:56 bob's message falls back from RCS to SMS (sent, 1 segment).
  one opt-out on SMS at 12:00; alice online 09:00-12:00.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from dashboards.events import record_consent_change
from inbox.models import (
    Channel,
    Consent,
    Contact,
    Conversation,
    Membership,
    Message,
    PresenceSpan,
    Team,
)

NY = ZoneInfo("America/New_York")
DAY = dt.date(2026, 3, 10)


def local(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), NY)


def _msg(conv, channel, direction, author, at, content, status, user=None, **extra):
    text = content.get("text", "") if isinstance(content, dict) else ""
    return Message.objects.create(
        workspace_id=conv.workspace_id,
        conversation=conv,
        channel=channel,
        direction=direction,
        author=author,
        author_user=user,
        content=content,
        text=extra.pop("text", text),
        status=status,
        created_at=at,
        **extra,
    )


def build(workspace, agent) -> dict:
    workspace.timezone = "America/New_York"
    workspace.save(update_fields=["timezone"])
    bob = get_user_model().objects.create_user(username="bob", password="pw-bob")
    Membership.objects.create(workspace=workspace, user=bob, role="agent")
    red = Team.objects.create(workspace=workspace, name="Red")
    blue = Team.objects.create(workspace=workspace, name="Blue")
    red.members.add(agent)
    blue.members.add(bob)
    sms = Channel.objects.create(
        workspace=workspace,
        kind="sms",
        name="SMS",
        config={"account_sid": "AC" + "0" * 32, "from_number": "+15005550006"},
    )
    rcs = Channel.objects.create(workspace=workspace, kind="rcs", name="RCS", fallback=sms)
    conv_a = Conversation.objects.create(
        workspace=workspace,
        contact=Contact.objects.create(workspace=workspace, name="Ann"),
        channel=rcs,
        team=red,
        assignee=agent,
        status="resolved",
        resolved_at=local(11),
    )
    conv_b = Conversation.objects.create(
        workspace=workspace,
        contact=Contact.objects.create(workspace=workspace, name="Ben"),
        channel=sms,
        team=blue,
        assignee=bob,
        status="open",
        waiting_since=None,
    )
    Conversation.objects.filter(pk=conv_a.pk).update(created_at=local(10))
    Conversation.objects.filter(pk=conv_b.pk).update(created_at=local(23, 30))

    card = {
        "type": "card",
        "card": {"title": "Roses", "suggestions": [{"type": "reply", "text": "Yes"}]},
    }
    _msg(conv_a, rcs, "inbound", "contact", local(10), {"type": "text", "text": "Hi"}, "received")
    _msg(
        conv_a, rcs, "outbound", "agent", local(10, 5), card, "read", user=agent,
        sent_at=local(10, 5), delivered_at=local(10, 6), read_at=local(10, 7),
    )  # fmt: skip
    _msg(
        conv_a, rcs, "inbound", "contact", local(10, 30),
        {"type": "suggestion_response", "text": "Yes", "postback": "yes"}, "received",
    )  # fmt: skip
    _msg(
        conv_a, rcs, "outbound", "agent", local(10, 40), {"type": "text", "text": "Great"},
        "delivered", user=agent, sent_at=local(10, 40), delivered_at=local(10, 41),
    )  # fmt: skip
    _msg(
        conv_b, sms, "inbound", "contact", local(23, 30), {"type": "text", "text": "?"}, "received"
    )
    _msg(
        conv_b, sms, "outbound", "agent", local(23, 50), {"type": "text", "text": "x" * 200},
        "delivered", user=bob, sent_at=local(23, 50), delivered_at=local(23, 51),
    )  # fmt: skip
    _msg(
        conv_b, sms, "outbound", "bot", local(23, 55), {"type": "text", "text": "Survey"},
        "failed", error_code="30007", error_message="Carrier violation",
    )  # fmt: skip
    _msg(
        conv_b, sms, "outbound", "agent", local(23, 56), {"type": "text", "text": "Thanks"},
        "sent", user=bob, sent_at=local(23, 57), fallback_from=rcs,
        fallback_reason="not RCS capable",
    )  # fmt: skip
    # An internal note never counts anywhere.
    _msg(conv_b, sms, "internal", "agent", local(23, 58), {"type": "text", "text": "n"}, "received")
    consent = Consent.objects.create(
        workspace=workspace, channel=sms, address="+15551112222", opted_out=True,
        keyword="STOP", source="keyword", changed_at=local(12),
    )  # fmt: skip
    record_consent_change(consent)  # what the consent_changed receiver does
    PresenceSpan.objects.create(
        workspace=workspace, user=agent, status="online", started_at=local(9), ended_at=local(12)
    )
    return {"sms": sms, "rcs": rcs, "red": red, "blue": blue, "bob": bob, "a": conv_a, "b": conv_b}
