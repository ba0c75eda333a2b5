"""A message a dead worker left `sending` is settled with the provider, not guessed
(inbox/services/outbox/reconcile.py): RBM by repeating the send with the same messageId,
SMS by looking it up in the Messages list; only what cannot be settled fails.

The worker's death is reproduced exactly: the claim is taken (queued -> sending) and the
provider call is made or not, but nothing records its answer, as after a SIGKILL.
Providers are the sandboxes over real HTTP (live_server)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from channels_rcs.sandbox import store as rbm_store
from channels_sms import sandbox
from inbox import media_links, services
from inbox.models import Conversation, Message
from inbox.services.outbox import enqueue, reconcile
from inbox.services.outbox.claim import claim_one
from inbox.services.outbox.send import idempotency_key
from tests.rcs.conftest import conversation_with, make_rcs_channel
from tests.support.waiting import deliver_until_settled, eventually

OUR_NUMBER = "+14155550180"


@pytest.fixture(autouse=True)
def no_drain_kicks(monkeypatch):
    """The test plays the worker: a reply it queues must not wake the session's Celery
    worker, which could claim and send it before the test's own claim (the test then
    found claim_one False, one run in a few under load)."""
    monkeypatch.setattr(enqueue, "kick", lambda: None)


@pytest.fixture
def live(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    return live_server


@pytest.fixture
def sms_conversation(live, workspace, transactional_db):
    customer = f"+1415555{uuid.uuid4().int % 10000:04d}"
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    sandbox.set_controls(channel.config["account_sid"], callbacks="off")
    assert sandbox.simulate_inbound(channel, customer, "hello?").status_code == 200

    def applied():
        services.apply_pending()
        return Conversation.objects.filter(contact__identities__value=customer).first()

    yield eventually(applied, what="the inbound SMS applied")
    sandbox.reset(channel.config["account_sid"])


def queue_reply(conversation, text: str) -> Message:
    return services.send_message(conversation, {"type": "text", "text": text})


def die_mid_send(message: Message, *, call_provider: bool) -> None:
    """Claim the message as a worker does; call the provider or not; record nothing.
    Then age the claim past OUTBOX_RECONCILE_AFTER_SECONDS."""
    assert claim_one(str(message.pk))
    message.refresh_from_db()
    if call_provider:
        channel = message.channel
        to = message.conversation.contact.identities.first().value
        channel.adapter.send(
            channel,
            to=to,
            content=media_links.for_provider(message.content, message.workspace_id),
            message_id=idempotency_key(message),
        )
    aged = timezone.now() - timedelta(minutes=2)
    Message.objects.filter(pk=message.pk).update(sending_at=aged)


def handset_bodies(number: str) -> list[str]:
    return [m["body"] for m in sandbox.handset_messages(number)]


def customer_of(conversation) -> str:
    return conversation.contact.identities.first().value


def test_sms_the_provider_has_is_recorded_as_sent_not_sent_again(sms_conversation):
    text = f"Your order shipped ({uuid.uuid4().hex[:6]})"
    reply = queue_reply(sms_conversation, text)
    die_mid_send(reply, call_provider=True)

    counts = reconcile.reconcile_stuck()

    assert counts == {"found": 1}
    reply.refresh_from_db()
    assert reply.status == "sent" and reply.provider_message_id.startswith("SM")
    assert handset_bodies(customer_of(sms_conversation)).count(text) == 1


def test_sms_the_provider_never_got_is_sent_again_once(sms_conversation):
    text = f"Back in stock ({uuid.uuid4().hex[:6]})"
    reply = queue_reply(sms_conversation, text)
    die_mid_send(reply, call_provider=False)

    assert reconcile.reconcile_stuck() == {"requeued": 1}
    reply.refresh_from_db()
    assert reply.status == "queued"
    assert "sending again" in reply.status_events.get(source="sweep").error_message
    assert deliver_until_settled(reply.pk).status == "sent"
    assert handset_bodies(customer_of(sms_conversation)).count(text) == 1


def test_sms_same_text_twice_is_two_messages_not_one_found_twice(sms_conversation):
    """The provider has one "OK" (the first reply's, recorded); the second "OK" never
    left, so the lookup must not take the first one's sid for it."""
    text = f"OK {uuid.uuid4().hex[:4]}"
    first = queue_reply(sms_conversation, text)
    assert deliver_until_settled(first.pk).status == "sent"
    second = queue_reply(sms_conversation, text)
    die_mid_send(second, call_provider=False)

    assert reconcile.reconcile_stuck() == {"requeued": 1}
    assert deliver_until_settled(second.pk).status == "sent"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.provider_message_id != second.provider_message_id
    assert handset_bodies(customer_of(sms_conversation)).count(text) == 2


def test_a_fresh_claim_is_left_alone(sms_conversation):
    """A claim younger than OUTBOX_RECONCILE_AFTER_SECONDS may still be in flight."""
    reply = queue_reply(sms_conversation, "still in flight")
    assert claim_one(str(reply.pk))
    assert reconcile.reconcile_stuck() == {}
    reply.refresh_from_db()
    assert reply.status == "sending"


def test_sweep_reports_what_reconciliation_did(sms_conversation):
    reply = queue_reply(sms_conversation, f"swept {uuid.uuid4().hex[:6]}")
    die_mid_send(reply, call_provider=True)
    result = services.requeue_stuck()
    assert result["unknown_outcome"] == 0 and result["reconciled"] == {"found": 1}


@pytest.fixture
def rcs_conversation(live, workspace, transactional_db):
    channel = make_rcs_channel(workspace)
    rbm_store.set_controls(channel.config["agent_id"], events="manual")
    yield conversation_with(channel)
    rbm_store.reset(channel.config["agent_id"])


def rbm_deliveries(conversation, message: Message) -> int:
    agent_id = conversation.channel.config["agent_id"]
    phone = customer_of(conversation)
    return sum(
        1
        for entry in rbm_store.handset_log(phone)
        if entry.get("direction") == "outbound"
        and entry.get("agent_id") == agent_id
        and entry.get("message_id") == idempotency_key(message)
    )


@pytest.mark.parametrize("call_provider", [True, False], ids=["after-the-call", "before-it"])
def test_rbm_is_resent_with_the_same_message_id_exactly_once(rcs_conversation, call_provider):
    reply = queue_reply(rcs_conversation, f"RCS reply {uuid.uuid4().hex[:6]}")
    die_mid_send(reply, call_provider=call_provider)

    assert reconcile.reconcile_stuck() == {"sent": 1}
    reply.refresh_from_db()
    assert reply.status == "sent" and reply.provider_message_id == str(reply.pk)
    assert rbm_deliveries(rcs_conversation, reply) == 1
    # The sandbox, like RBM, refuses the id a second time (409), so a third try is safe.
    assert reply.status_events.filter(source="worker", status="sent").count() == 1


def test_a_provider_that_cannot_tell_fails_as_outcome_unknown(sms_conversation, monkeypatch):
    from channels_sms.adapter import SmsAdapter
    from inbox.adapters import ChannelAdapter

    monkeypatch.setattr(SmsAdapter, "reconcile", ChannelAdapter.reconcile)  # WhatsApp's case
    reply = queue_reply(sms_conversation, "who knows")
    die_mid_send(reply, call_provider=True)
    assert reconcile.reconcile_stuck() == {"unknown_outcome": 1}
    reply.refresh_from_db()
    assert reply.status == "failed" and reply.error_message.startswith("Outcome unknown")


def test_sms_without_an_answer_is_left_for_the_lookup_not_failed(sms_conversation):
    """A read timeout after the request left: the message stays `sending` and the sweep
    finds it at the provider, instead of failing it as "outcome unknown" at once."""
    from inbox.adapters import OutcomeUnknown
    from inbox.services.outbox.settle import settle

    text = f"Slow provider ({uuid.uuid4().hex[:6]})"
    reply = queue_reply(sms_conversation, text)
    die_mid_send(reply, call_provider=True)  # the provider got it; our answer was lost
    channel = reply.channel
    no_answer = OutcomeUnknown("outcome unknown: no answer (ReadTimeout)", code="timeout")
    assert settle(str(reply.pk), no_answer, channel=channel, to=customer_of(sms_conversation)) == (
        "unknown"
    )
    reply.refresh_from_db()
    assert reply.status == "sending"
    assert reconcile.reconcile_stuck() == {"found": 1}
    reply.refresh_from_db()
    assert reply.status == "sent"
    assert handset_bodies(customer_of(sms_conversation)).count(text) == 1


def test_a_retry_is_claimed_with_its_own_time_so_its_call_is_left_alone(sms_conversation):
    """A retry's claim must not keep the first attempt's time: the sweep would take the
    live call for a dead worker's (and, over SMS, maybe send it twice)."""
    from inbox.adapters import TransientSendError
    from inbox.services.outbox.settle import settle

    reply = queue_reply(sms_conversation, f"retried {uuid.uuid4().hex[:6]}")
    die_mid_send(reply, call_provider=False)  # first attempt claimed 2 minutes ago ...
    busy = TransientSendError("provider busy", code="500")
    to = customer_of(sms_conversation)
    assert settle(str(reply.pk), busy, channel=reply.channel, to=to) == "queued"
    assert claim_one(str(reply.pk))  # ... the retry is claimed now, its call in flight
    assert reconcile.reconcile_stuck() == {}
    reply.refresh_from_db()
    assert reply.status == "sending" and reply.attempts == 2
