"""The cases every channel adapter passes, run against each registered adapter.

A third channel proves itself here with no edit to this file: its app registers the
adapter, and `tests/<kind>/contract_harness.py` says how its provider signs a message and
a delivery report (see contract.py). The cases go through the real webhook view, so the
signature check, the parser and the inbox's idempotent ingest are all the production ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from django.test import Client, RequestFactory

from inbox.adapters import ReadReceipt, StatusUpdate
from inbox.adapters.events import dedupe_key, from_record, to_record
from inbox.models import Contact, Message
from inbox.webhooks import webhook_request

from .contract import SignedPost, channel_adapters, harness_for

ADAPTERS = channel_adapters()
FIELD_REASON = re.compile(r"^[\w.\[\]]+: \S")  # "content.card.title: required"

SAMPLES = {
    "text with replies": {
        "type": "text",
        "text": "Which day suits you?",
        "suggestions": [{"type": "reply", "text": "Monday"}, {"type": "reply", "text": "Friday"}],
    },
    "card": {
        "type": "card",
        "card": {"title": "Order 1042", "description": "Shipped today"},
    },
    "carousel": {
        "type": "carousel",
        "card_width": "medium",
        "cards": [{"title": "Blue kettle"}, {"title": "Red kettle"}],
    },
    "location": {"type": "location", "latitude": 40.4168, "longitude": -3.7038, "label": "Shop"},
    "media": {"type": "media", "url": "https://example.com/a.jpg", "mime_type": "image/jpeg"},
}
# What the customer must see of each sample, whatever else the channel's rendering adds.
MUST_READ = {
    "text with replies": ("Which day suits you?", "Monday", "Friday"),
    "card": ("Order 1042",),
    "carousel": ("Blue kettle", "Red kettle"),
    "location": ("Shop",),
    "media": ("https://example.com/a.jpg",),
}

pytestmark = pytest.mark.django_db


@pytest.fixture(params=ADAPTERS, ids=lambda adapter: adapter.kind)
def adapter(request):
    return request.param


@pytest.fixture
def harness(adapter):
    return harness_for(adapter)


@pytest.fixture
def channel(harness, workspace):
    channel = harness.make_channel(workspace)
    yield channel
    harness.cleanup(channel)


def _post(post: SignedPost, *, headers: dict[str, str] | None = None):
    return Client().generic(
        "POST",
        post.path,
        data=post.body,
        content_type=post.content_type,
        headers=post.headers if headers is None else headers,
    )


def _parsed(channel, post: SignedPost):
    request = RequestFactory().generic(
        "POST", post.path, data=post.body, content_type=post.content_type, headers=post.headers
    )
    return channel.adapter.parse_webhook(channel, webhook_request(request))


def _no_message_written():
    return not Message.objects.exists() and not Contact.objects.exists()


def test_every_installed_channel_is_in_the_contract():
    assert {"sms", "rcs"} <= {adapter.kind for adapter in ADAPTERS}


# --- signatures ---------------------------------------------------------------------------


def test_a_signed_inbound_message_is_stored_and_acknowledged(harness, channel):
    post = harness.inbound(channel, provider_message_id="contract-1", text="Hello there")
    response = _post(post)
    status, content_type, body = channel.adapter.webhook_ack()
    assert response.status_code == status
    assert response["Content-Type"].startswith(content_type)
    assert response.content == body.encode()
    message = Message.objects.get()
    assert (message.provider_message_id, message.direction) == ("contract-1", "inbound")
    assert message.content == {"type": "text", "text": "Hello there"}
    assert message.channel == channel


def test_an_unsigned_webhook_is_refused(harness, channel):
    post = harness.inbound(channel, provider_message_id="contract-2", text="Hello")
    unsigned = {
        k: v for k, v in post.headers.items() if k.lower() != harness.signature_header.lower()
    }
    assert len(unsigned) < len(post.headers), "the harness must sign with its header"
    assert _post(post, headers=unsigned).status_code == 403
    assert _no_message_written()


def test_a_signature_with_another_secret_is_refused(harness, channel):
    post = harness.inbound(
        channel, provider_message_id="contract-3", text="Hello", secret="not-the-secret-0000"
    )
    assert _post(post).status_code == 403
    assert _no_message_written()


def test_a_signature_for_another_body_is_refused(harness, channel):
    signed = harness.inbound(channel, provider_message_id="contract-4", text="Pay 10 euros")
    forged = harness.inbound(channel, provider_message_id="contract-4", text="Pay 99 euros")
    assert _post(forged, headers=signed.headers).status_code == 403
    assert _no_message_written()


def test_the_signature_header_is_read_in_any_case(harness, channel):
    post = harness.inbound(channel, provider_message_id="contract-5", text="Hello")
    request = RequestFactory().generic(
        "POST", post.path, data=post.body, content_type=post.content_type, headers=post.headers
    )
    wreq = webhook_request(request)
    shouted = replace(wreq, headers={k.upper(): v for k, v in wreq.headers.items()})
    assert channel.adapter.verify_webhook(channel, wreq)
    assert channel.adapter.verify_webhook(channel, shouted)


# --- idempotency --------------------------------------------------------------------------


def test_a_providers_retry_is_absorbed(harness, channel):
    post = harness.inbound(channel, provider_message_id="contract-6", text="Only once")
    assert _post(post).status_code < 300
    assert _post(post).status_code < 300
    assert Message.objects.filter(provider_message_id="contract-6").count() == 1


def test_parsed_events_survive_the_wait_in_the_database(harness, channel):
    """Accepted events are stored as JSON before they are applied (inbox.services.accept)."""
    post = harness.inbound(channel, provider_message_id="contract-7", text="Stored first")
    events = _parsed(channel, post)
    assert events
    for event in events:
        kind, data = to_record(event)
        assert from_record(kind, json.loads(json.dumps(data))) == event
    assert dedupe_key(events[0]) == "message:contract-7"


# --- statuses -----------------------------------------------------------------------------


def test_statuses_map_to_the_inbox_vocabulary(harness, channel):
    assert harness.status_cases, "the harness must list its provider's statuses"
    for wire_status, expected in harness.status_cases:
        post = harness.status(channel, provider_message_id="contract-8", wire_status=wire_status)
        events = _parsed(channel, post)
        seen = [
            "read" if isinstance(e, ReadReceipt) else e.status
            for e in events
            if isinstance(e, StatusUpdate | ReadReceipt)
        ]
        assert seen == ([expected] if expected else []), wire_status
        assert all(
            e.provider_message_id == "contract-8"
            for e in events
            if isinstance(e, StatusUpdate | ReadReceipt)
        )


def test_a_signed_status_is_accepted_and_an_unsigned_one_refused(harness, channel):
    wire_status = next(wire for wire, ours in harness.status_cases if ours)
    post = harness.status(channel, provider_message_id="contract-9", wire_status=wire_status)
    assert _post(post).status_code < 300
    unsigned = {
        k: v for k, v in post.headers.items() if k.lower() != harness.signature_header.lower()
    }
    assert _post(post, headers=unsigned).status_code == 403


# --- content ------------------------------------------------------------------------------


def test_plain_text_is_valid(channel):
    assert channel.adapter.validate(channel, {"type": "text", "text": "Hello"}) == []


def test_invalid_content_is_refused_with_field_and_reason(channel):
    for content in ({"type": "card", "card": {}}, {"type": "nonsense"}, {"type": "text"}):
        errors = channel.adapter.validate(channel, content)
        assert errors, content
        assert all(FIELD_REASON.match(error) for error in errors), errors


def test_text_over_the_declared_length_is_refused(channel):
    longest = channel.adapter.capabilities(channel).max_text_length
    content = {"type": "text", "text": "a" * (longest + 1)}
    assert channel.adapter.validate(channel, content)


# --- text rendering -----------------------------------------------------------------------


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_every_content_type_renders_as_readable_text(adapter, sample):
    text = adapter.render_text(SAMPLES[sample])
    assert isinstance(text, str) and text.strip()
    for part in MUST_READ[sample]:
        assert part in text, (sample, text)
