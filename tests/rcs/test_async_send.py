"""RcsAdapter.asend, the batch path's send on the send loop (aiohttp), against the RBM
sandbox over real HTTP: the same outcomes as `send` for the same answers."""

from __future__ import annotations

import uuid

import pytest

from channels_rcs import auth, capability, render
from channels_rcs.adapter import RcsAdapter
from channels_rcs.sandbox import store
from inbox import send_loop
from inbox.adapters import ContentNotSupported, NotReachable, TransientSendError

RCS_PHONE = "+14155550140"
SMS_ONLY_PHONE = "+14155550141"
TEXT = {"type": "text", "text": "Hello from the loop"}
CARD = {
    "type": "card",
    "card": {"title": "Roses", "suggestions": [{"type": "reply", "text": "Buy"}]},
}

adapter = RcsAdapter()


@pytest.fixture
def channel(live_rcs_channel):
    return live_rcs_channel


def asend(channel, to=RCS_PHONE, content=None, message_id=None):
    coroutine = adapter.asend(
        channel, to=to, content=content or TEXT, message_id=message_id or str(uuid.uuid4())
    )
    return send_loop.submit(coroutine).result(timeout=30)


def test_asend_posts_what_send_posts_and_a_repeat_is_absorbed(channel):
    agent_id = channel.config["agent_id"]
    message_id = str(uuid.uuid4())
    capability.forget(channel, RCS_PHONE)
    first = asend(channel, content=CARD, message_id=message_id)
    assert first.provider_message_id == message_id and first.status == "sent"
    assert first.details == {"name": f"phones/{RCS_PHONE}/agentMessages/{message_id}"}
    assert store.get_message(agent_id, message_id)["body"] == adapter.wire_message(channel, CARD)
    # An accepted send leaves the number known reachable (features unknown).
    assert capability.cached(channel, RCS_PHONE) == {"reachable": True, "features": []}
    again = asend(channel, content=CARD, message_id=message_id)
    assert again.details["already_existed"] is True
    outbound = [e for e in store.handset_log(RCS_PHONE) if e.get("message_id") == message_id]
    assert len(outbound) == 1


def test_a_send_skips_the_capability_write_only_while_the_claim_just_read_it(channel, monkeypatch):
    """The claim's `known` read marks the number cached-reachable for this process: the
    send then skips its SET NX (it would change nothing). A forgotten number is written
    again by its next accepted send."""
    capability.remember(channel, RCS_PHONE, ["RICHCARD_STANDALONE"])
    assert capability.known(channel, [RCS_PHONE]) == {RCS_PHONE: True}
    writes = []
    note = capability.note_reachable
    monkeypatch.setattr(capability, "note_reachable", lambda *a: writes.append(a) or note(*a))
    asend(channel)
    assert writes == []  # the lookup's answer (with its features) stays as it was
    assert capability.cached(channel, RCS_PHONE)["features"] == ["RICHCARD_STANDALONE"]
    capability.forget(channel, RCS_PHONE)
    asend(channel)
    assert len(writes) == 1
    assert capability.cached(channel, RCS_PHONE) == {"reachable": True, "features": []}


def test_asend_errors_are_sends(channel):
    agent_id = channel.config["agent_id"]
    with pytest.raises(NotReachable):
        asend(channel, to=SMS_ONLY_PHONE)
    assert capability.cached(channel, SMS_ONLY_PHONE)["reachable"] is False
    store.set_controls(agent_id, retry_after=3)
    store.push_errors(agent_id, [{"status": 429}])
    with pytest.raises(TransientSendError) as limited:
        asend(channel)
    assert limited.value.code == "RESOURCE_EXHAUSTED" and limited.value.retry_after == 3.0
    store.set_controls(agent_id, rich_unsupported=[RCS_PHONE])
    with pytest.raises(ContentNotSupported) as refused:
        asend(channel, content=CARD)
    assert refused.value.simpler == render.simpler(CARD) and refused.value.simpler


def test_asend_fetches_a_token_off_the_loop_and_retries_a_401_once(channel):
    key = channel.secrets["service_account_key"]
    auth.forget(key)
    assert auth.cached_token(key) is None
    assert asend(channel).status == "sent"  # fetched on the executor
    token = auth.cached_token(key)
    assert token
    store.r().delete(f"{store.PREFIX}token:{token}")  # RBM no longer knows it: 401
    assert asend(channel).status == "sent"
    assert auth.cached_token(key) not in (None, token)
