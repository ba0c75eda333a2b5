"""UNSUBSCRIBE / SUBSCRIBE user events: the customer turned the agent's messages off or
back on from the phone. The consent ledger of that RCS channel learns it (source "rbm"),
sends are refused as after an SMS STOP, and the contact panel and dashboards show it.

Source: https://developers.google.com/business-communications/rcs-business-messaging/
guides/build/events ("User events": UNSUBSCRIBE, SUBSCRIBE), posted by the sandbox
from the phone simulator's functions, signed with the production code.
"""

from __future__ import annotations

import pytest

from channels_rcs.sandbox import events
from dashboards.models import ConsentEvent
from inbox.models import Consent, Direction, Message
from inbox.selectors.contacts import identity_consents
from inbox.services import send_message
from inbox.services.errors import SendRejected
from simulator import rcs_sending

from .conftest import PHONE, conversation_with

TEXT = {"type": "text", "text": "A new collection is in"}


def test_unsubscribe_is_an_opt_out_of_that_rcs_channel(live_rcs, agent):
    """guides/build/events: UNSUBSCRIBE from the user; nothing more may be sent."""
    conversation = conversation_with(live_rcs)
    assert rcs_sending.set_subscription(live_rcs, PHONE, subscribed=False).ok
    consent = Consent.objects.get(channel=live_rcs, address=PHONE)
    assert consent.opted_out and consent.source == "rbm"
    note = Message.objects.get(conversation=conversation, direction=Direction.INTERNAL)
    assert note.text.startswith("Unsubscribed: the customer turned off messages from RCS line")

    with pytest.raises(SendRejected) as refused:
        send_message(conversation, TEXT, user=agent)
    assert "opted out of RCS line" in str(refused.value)
    assert "subscribe again" in str(refused.value)

    [row] = identity_consents(workspace=live_rcs.workspace, contact=conversation.contact)
    shown = {c["channel"].pk: c["consent"] for c in row["consents"]}
    assert shown[live_rcs.pk].opted_out
    assert (
        ConsentEvent.objects.filter(channel_id=live_rcs.pk, opted_out=True, source="rbm").count()
        == 1
    )


def test_a_retried_unsubscribe_is_recorded_once(live_rcs):
    """Webhooks guide: RBM retries an event until it gets a 200; its eventId makes the
    retry the same event (guides/build/events: every user event has an eventId)."""
    conversation = conversation_with(live_rcs)
    event = events.user_event(live_rcs.config["agent_id"], PHONE, "UNSUBSCRIBE")
    assert events.deliver(live_rcs.config["agent_id"], event) == 200
    assert events.deliver(live_rcs.config["agent_id"], event) == 200
    notes = Message.objects.filter(conversation=conversation, direction=Direction.INTERNAL)
    assert notes.count() == 1


def test_subscribe_lets_messages_through_again(live_rcs, agent):
    """guides/build/events: SUBSCRIBE, the user turned the agent's messages back on."""
    conversation = conversation_with(live_rcs)
    assert events.simulate_subscription(live_rcs, PHONE, subscribed=False) == 200
    assert events.simulate_subscription(live_rcs, PHONE, subscribed=True) == 200
    consent = Consent.objects.get(channel=live_rcs, address=PHONE)
    assert not consent.opted_out and consent.source == "rbm"
    assert send_message(conversation, TEXT, user=agent).status == "queued"
    notes = Message.objects.filter(conversation=conversation, direction=Direction.INTERNAL)
    assert notes.order_by("created_at").last().text.startswith("Subscribed again")
