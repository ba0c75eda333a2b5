"""What a send carries besides its content, and the batch reachability lookup.

Sources (developers.google.com/business-communications/rcs-business-messaging/...):
reference/rest/v1/phones.agentMessages (messageTrafficType, ttl), reference/rest/v1/
users/batchGet (users:batchGet), reference/rest (regional service endpoints), and every
method's `agentId` query parameter.
"""

from __future__ import annotations

import uuid

from channels_rcs import capability
from channels_rcs.agent import agent_for
from channels_rcs.sandbox import store

from .conftest import PHONE

TEXT = {"type": "text", "text": "Your code is 123456"}


def test_traffic_type_per_message_over_the_channel_default(live_rcs):
    """reference/rest/v1/phones.agentMessages#MessageTrafficType: set per message; a
    template or campaign names it in the content (content.md `traffic_type`), the
    channel's `message_traffic_type` is the default."""
    adapter = live_rcs.adapter
    live_rcs.config = {**live_rcs.config, "message_traffic_type": "transaction"}
    assert adapter.wire_message(live_rcs, TEXT)["messageTrafficType"] == "TRANSACTION"
    otp = {**TEXT, "traffic_type": "authentication"}
    message_id = str(uuid.uuid4())
    adapter.send(live_rcs, to=PHONE, content=otp, message_id=message_id)
    body = store.get_message(live_rcs.config["agent_id"], message_id)["body"]
    assert body["messageTrafficType"] == "AUTHENTICATION"
    request = {**live_rcs.config, "message_traffic_type": "service_request"}
    assert adapter.validate_config(request, {}) == [
        "service_account_key: required (the service account's JSON key)",
        "client_token: required (shown when the webhook is configured)",
    ]
    assert (
        "message_traffic_type: must be one of"
        in adapter.validate_config({**request, "message_traffic_type": "marketing"}, {})[-1]
    )


def test_reachable_many_is_one_batch_call_and_is_cached(live_rcs):
    """reference/rest/v1/users/batchGet: POST /v1/users:batchGet with `users` and
    `agentId`; `reachableUsers` lists the numbers the agent can reach."""
    odd, even = "+14155550123", "+14155550124"
    answers = live_rcs.adapter.reachable_many(live_rcs, [PHONE, odd, even, PHONE])
    assert answers == {PHONE: True, odd: False, even: True}
    # One call: a second lookup is answered from the cache whatever the sandbox says.
    store.set_controls(live_rcs.config["agent_id"], unreachable=[PHONE], reachable=[odd])
    assert live_rcs.adapter.reachable_many(live_rcs, [PHONE, odd]) == {PHONE: True, odd: False}
    assert capability.cached(live_rcs, even) == {"reachable": True, "features": []}
    # RBM gave no answer: unknown (None), and nothing cached.
    fresh = "+14155550126"
    store.push_errors(live_rcs.config["agent_id"], [{"status": 503}])
    assert live_rcs.adapter.reachable_many(live_rcs, [fresh]) == {fresh: None}
    assert capability.cached(live_rcs, fresh) is None


def test_regional_endpoint_per_channel(live_rcs):
    """reference/rest ("Service endpoint"): europe-, us- and asia-
    rcsbusinessmessaging.googleapis.com beside the global host; an explicit endpoint (the
    sandbox here) is kept."""
    live_rcs.api_base_url = "https://rcsbusinessmessaging.googleapis.com"
    live_rcs.config = {**live_rcs.config, "region": "europe"}
    assert agent_for(live_rcs).api_base_url == "https://europe-rcsbusinessmessaging.googleapis.com"
    assert live_rcs.adapter.validate_config({**live_rcs.config, "region": "mars"}, {})[-1] == (
        "region: must be one of europe, us, asia"
    )
    live_rcs.refresh_from_db()
    live_rcs.config = {**live_rcs.config, "region": "us"}
    assert agent_for(live_rcs).api_base_url.endswith("/sandbox/rbm")
