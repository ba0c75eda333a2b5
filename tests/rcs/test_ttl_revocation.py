"""RBM's own time-to-live: a message sent with `ttl` that is still undelivered when it
runs out is revoked by RBM, which says so with a server event.

Sources (developers.google.com/business-communications/rcs-business-messaging/...):
reference/rest/v1/phones.agentMessages (AgentMessage `ttl` / `expireTime`),
guides/build/events ("Server events": TTL_EXPIRATION_REVOKED, TTL_EXPIRATION_REVOKE_FAILED),
guides/build/messages/revoke. The sandbox signs its events with the production code.
"""

from __future__ import annotations

from channels_rcs.sandbox import events, store
from inbox.models import Direction, Message, MessageStatus, OrphanStatus
from inbox.services import send_message
from tests.support.waiting import deliver_until_settled

from .conftest import PHONE, conversation_with

TEXT = {"type": "text", "text": "Your table is ready until 8pm"}


def agent_id(channel) -> str:
    return channel.config["agent_id"]


def sent_with_ttl(channel, agent) -> Message:
    channel.config = {**channel.config, "message_ttl": 600}
    channel.save(update_fields=["config"])
    message = send_message(conversation_with(channel), TEXT, user=agent)
    message = deliver_until_settled(message.pk)
    assert message.status == MessageStatus.SENT and message.channel == channel
    wire = store.get_message(agent_id(channel), str(message.pk))
    assert wire["body"]["ttl"] == "600s" and wire["expires_in"] == 600
    return message


def test_revoked_goes_to_sms_once_and_shows_it_was_revoked(live_rcs, sms_line, agent):
    """guides/build/events: TTL_EXPIRATION_REVOKED means the undelivered message was
    withdrawn; the inbox sends it by SMS instead, exactly once, even when RBM retries
    the event (webhooks guide: retries until a 200)."""
    message = sent_with_ttl(live_rcs, agent)
    assert events.expire(agent_id(live_rcs), str(message.pk)) == 200
    message.refresh_from_db()
    assert message.channel == sms_line and message.fallback_from == live_rcs
    assert message.fallback_reason.startswith("revoked by RCS line")
    assert store.get_message(agent_id(live_rcs), str(message.pk))["revoked"] is True

    replay = events.server_event(
        agent_id(live_rcs), PHONE, "TTL_EXPIRATION_REVOKED", str(message.pk)
    )
    assert events.deliver(agent_id(live_rcs), replay) == 200
    message = deliver_until_settled(message.pk)
    assert message.channel == sms_line and message.status != MessageStatus.FAILED
    assert message.status_events.filter(source="fallback").count() == 1
    assert message.status_events.filter(error_code="revoked").count() == 1


def test_a_delivered_after_the_revoke_does_not_mark_both_delivered(live_rcs, sms_line, agent):
    """guides/build/events ("User events": DELIVERED) racing a server event
    (TTL_EXPIRATION_REVOKED): once the message went by SMS, RBM's late DELIVERED for the
    revoked RCS message is kept aside, and the one message is not shown delivered."""
    message = sent_with_ttl(live_rcs, agent)
    events.expire(agent_id(live_rcs), str(message.pk))
    deliver_until_settled(message.pk)
    late = events.user_event(agent_id(live_rcs), PHONE, "DELIVERED", str(message.pk))
    assert events.deliver(agent_id(live_rcs), late) == 200
    message.refresh_from_db()
    assert message.channel == sms_line
    # Only the SMS provider's own report may mark it delivered, never RBM's late one.
    from_rbm = message.status_events.filter(
        status=MessageStatus.DELIVERED, raw__agentId=agent_id(live_rcs)
    )
    assert not from_rbm.exists()
    assert OrphanStatus.objects.filter(channel=live_rcs, provider_message_id=str(message.pk))


def test_revoke_failed_keeps_the_message_with_a_note(live_rcs, sms_line, agent):
    """guides/build/events: TTL_EXPIRATION_REVOKE_FAILED means RBM could not withdraw the
    message (it had reached the phone): it stays, and the thread says so."""
    store.set_controls(agent_id(live_rcs), revoke_fails=[PHONE])
    message = sent_with_ttl(live_rcs, agent)
    assert events.expire(agent_id(live_rcs), str(message.pk)) == 200
    message.refresh_from_db()
    assert message.channel == live_rcs and message.status == MessageStatus.SENT
    assert message.fallback_from is None
    note = Message.objects.get(
        conversation=message.conversation,
        direction=Direction.INTERNAL,
        content__event="revoke_failed",
    )
    assert note.content["message_id"] == str(message.pk)
    assert "could not withdraw" in note.text


def test_without_a_fallback_a_revoked_message_fails_as_revoked(live_rcs, agent):
    """guides/build/events (TTL_EXPIRATION_REVOKED) with no SMS line: the message did
    not reach the customer, and the thread says why."""
    message = sent_with_ttl(live_rcs, agent)
    events.expire(agent_id(live_rcs), str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error_code == "revoked"
    assert "not delivered before its time-to-live ran out" in message.error_message


def test_ttl_over_15_days_is_refused(live_rcs):
    """reference/rest/v1/phones.agentMessages (`ttl` / `expireTime`): at most 15 days."""
    errors = live_rcs.adapter.validate_config(
        {**live_rcs.config, "message_ttl": 15 * 86400 + 1}, {}
    )
    assert "message_ttl: 1296001 > 1296000 seconds (15 days)" in errors
