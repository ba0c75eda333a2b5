"""A customer's message costs few statements: the lookups that can match nothing are skipped.

A brand-new customer has no thread, no outbound message and no campaign message, so
ingest neither re-reads the thread it creates nor looks for options or a campaign; a
known customer's thread without a campaign message in reach skips the campaign lookup.
What these lookups decide when they can match is covered by test_ingest,
tests/campaigns/test_attribution.py and the suggestion-reply tests.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.adapters import InboundMessage
from inbox.models import Conversation, ConversationStatus
from inbox.services import ingest


def inbound(pid: str, sender: str = "+14155550100", text: str = "hello") -> InboundMessage:
    return InboundMessage(
        provider_message_id=pid,
        sender=sender,
        recipient="+15550001",
        content={"type": "text", "text": text},
        text=text,
    )


def statements(channel, event) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        ingest(channel, [event])
    return [q["sql"] for q in ctx.captured_queries]


def test_new_customer_thread_is_inserted_touched_without_lookups(channel):
    sql = statements(channel, inbound("P1"))
    assert not any("inbox_campaignrecipient" in s for s in sql)
    assert not any(s.startswith("UPDATE") and "inbox_conversation" in s for s in sql)
    # No SELECT of the thread (the FOR UPDATE read back is skipped) and no options lookup.
    assert not any(s.startswith("SELECT") and 'FROM "inbox_conversation"' in s for s in sql)
    assert len(sql) <= 14, sql
    conversation = Conversation.objects.get()
    message = conversation.messages.get()
    assert conversation.status == ConversationStatus.OPEN
    assert conversation.last_message_at == message.created_at
    assert conversation.last_inbound_at == message.created_at
    assert conversation.waiting_since == message.created_at
    assert conversation.last_message_preview == "hello"
    assert conversation.channel_id == channel.pk


def test_known_customer_without_campaign_message_skips_the_campaign_lookup(channel):
    ingest(channel, [inbound("P1")])
    sql = statements(channel, inbound("P2", text="again"))
    assert not any("inbox_campaignrecipient" in s for s in sql)
    assert len(sql) <= 14, sql
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 2
    assert conversation.last_message_preview == "again"
