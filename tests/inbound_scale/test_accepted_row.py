"""The row a webhook's events become (inbound_queue.accepted_row): text made storable
only when the encoded events show something to fix, and the same row either way."""

from __future__ import annotations

import json
from types import SimpleNamespace

from inbox.adapters import InboundMessage, StatusUpdate, TypingIndicator
from inbox.services.inbound_queue import accepted_row

CHANNEL = SimpleNamespace(pk=7)


def message(text: str, sid: str = "SM1") -> InboundMessage:
    return InboundMessage(
        provider_message_id=sid,
        sender="+14155550100",
        recipient="+15550009999",
        content={"type": "text", "text": text},
        text=text,
        raw={"Body": text, "MessageSid": sid},
    )


def stored(row) -> list:
    return json.loads(row.events_json)


def test_clean_events_are_encoded_as_they_are():
    row, typing = accepted_row(CHANNEL, [message("hi")])
    assert typing == []
    ((kind, data),) = stored(row)
    assert (row.channel_id, row.kind, row.dedupe_key) == (7, "InboundMessage", "message:SM1")
    assert kind == "InboundMessage"
    assert data["text"] == "hi" and data["raw"] == {"Body": "hi", "MessageSid": "SM1"}
    assert data["received_at"] == row.received_at.isoformat()


def test_a_nul_and_a_lone_surrogate_are_fixed_everywhere_in_the_row():
    row, _ = accepted_row(CHANNEL, [message("a\x00b\ud800c", sid="SM\x002")])
    ((_kind, data),) = stored(row)
    assert data["text"] == "ab\ufffdc"
    assert data["content"]["text"] == "ab\ufffdc"
    assert data["raw"] == {"Body": "ab\ufffdc", "MessageSid": "SM2"}
    assert row.dedupe_key == "message:SM2"
    assert "\\u0000" not in row.events_json and "\\ud800" not in row.events_json


def test_an_emoji_and_a_typed_backslash_u0000_are_kept():
    text = "ok \U0001f600 \\u0000"
    row, _ = accepted_row(CHANNEL, [message(text)])
    ((_kind, data),) = stored(row)
    assert data["text"] == text


def test_typing_is_returned_not_stored_and_statuses_keep_their_key():
    typing = TypingIndicator(sender="+1415\x005550100")
    status = StatusUpdate(provider_message_id="SM9", status="delivered")
    row, live = accepted_row(CHANNEL, [typing, status])
    assert live == [TypingIndicator(sender="+14155550100")]
    assert row.kind == "StatusUpdate" and row.dedupe_key == "status:SM9:delivered"
    assert [kind for kind, _data in stored(row)] == ["StatusUpdate"]


def test_only_typing_is_no_row():
    assert accepted_row(CHANNEL, [TypingIndicator(sender="+14155550100")]) == (
        None,
        [TypingIndicator(sender="+14155550100")],
    )
