"""The SMS adapter's configuration, capabilities, rendering, limits and mappings."""

from __future__ import annotations

import pytest
from django.conf import settings

from channels_sms.adapter import TWIML_EMPTY, SmsAdapter
from channels_sms.errors import is_retryable, reason_for
from channels_sms.statuses import to_inbox_status
from inbox import services
from inbox.adapters import get_adapter
from inbox.models import Channel

from .conftest import OUR_NUMBER


def test_registered_for_sms():
    adapter = get_adapter("sms")
    assert isinstance(adapter, SmsAdapter)
    assert adapter.secret_keys == ("auth_token",)
    assert adapter.default_api_base_url == "https://api.twilio.com"


def test_create_channel_encrypts_token_and_normalizes_number(workspace):
    channel = services.create_channel(
        workspace,
        kind="sms",
        name="SMS",
        config={
            "account_sid": "AC" + "1" * 32,
            "auth_token": "tok",
            "from_number": "+1 415-555-0100",
        },
    )
    channel = Channel.objects.get(pk=channel.pk)
    assert "auth_token" not in channel.config
    assert "tok" not in channel.secrets_encrypted
    assert channel.secrets == {"auth_token": "tok"}
    assert channel.config["from_number"] == OUR_NUMBER
    assert channel.api_base_url == "https://api.twilio.com"


def test_create_channel_rejects_bad_config(workspace):
    with pytest.raises(ValueError) as exc:
        services.create_channel(
            workspace,
            kind="sms",
            name="SMS",
            config={"account_sid": "XX1", "from_number": "not a number"},
        )
    message = str(exc.value)
    assert "account_sid: must start with AC" in message
    assert "auth_token: required" in message
    assert "from_number:" in message
    assert not Channel.objects.exists()


def test_capabilities_follow_mms_flag(sms_channel):
    adapter = sms_channel.adapter
    assert adapter.capabilities(sms_channel).media is False
    assert adapter.capabilities(sms_channel).typing is False
    assert adapter.capabilities(sms_channel).read_receipts is False
    sms_channel.config["mms"] = True
    assert adapter.capabilities(sms_channel).media is True


def test_render_text_is_the_content_rendering(sms_channel):
    content = {
        "type": "text",
        "text": "Confirm?",
        "suggestions": [{"type": "reply", "text": "Yes"}, {"type": "reply", "text": "No"}],
    }
    assert sms_channel.adapter.render_text(content) == "Confirm?\nReply 1 for Yes, 2 for No"


def test_validate_rejects_empty_and_too_long(sms_channel):
    adapter = sms_channel.adapter
    assert adapter.validate(sms_channel, {"type": "text", "text": "hello"}) == []
    assert adapter.validate(sms_channel, {"type": "text", "text": ""}) == [
        "content.text: must not be empty"
    ]
    errors = adapter.validate(sms_channel, {"type": "text", "text": "a" * 1601})
    assert errors == [
        "content.text: 1601 > 1600 characters (the longest body an SMS provider accepts)"
    ]


def test_validate_blocks_more_segments_than_configured(sms_channel):
    adapter = sms_channel.adapter
    text = "a" * 1600  # 11 GSM-7 segments
    assert adapter.validate(sms_channel, {"type": "text", "text": text}) == [
        "content.text: 11 > 10 SMS segments (shorten the message)"
    ]
    sms_channel.config["max_segments"] = 11
    assert adapter.validate(sms_channel, {"type": "text", "text": text}) == []


def test_validate_reports_schema_errors_first(sms_channel):
    errors = sms_channel.adapter.validate(sms_channel, {"type": "card", "card": {}})
    assert errors and errors[0].startswith("content.card.title: required")


def test_webhook_urls_and_ack(sms_channel):
    urls = sms_channel.adapter.webhook_urls(sms_channel)
    token = sms_channel.webhook_token
    assert urls == {
        "inbound": f"{settings.PUBLIC_BASE_URL}/webhooks/sms/{token}/",
        "status": f"{settings.PUBLIC_BASE_URL}/webhooks/sms/{token}/status/",
    }
    assert sms_channel.adapter.webhook_ack() == (200, "text/xml", TWIML_EMPTY)
    assert TWIML_EMPTY == '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@pytest.mark.parametrize(
    ("twilio", "ours"),
    [
        ("accepted", "queued"),
        ("scheduled", "queued"),
        ("queued", "queued"),
        ("sending", "sending"),
        ("sent", "sent"),
        ("delivered", "delivered"),
        ("read", "read"),
        ("undelivered", "failed"),
        ("failed", "failed"),
        ("canceled", "failed"),
        ("received", None),
        ("something-new", None),
    ],
)
def test_status_mapping(twilio, ours):
    assert to_inbox_status(twilio) == ours


def test_error_reasons_are_readable():
    assert reason_for(30003) == "unreachable handset (phone off or out of coverage)"
    assert reason_for("21610") == "unsubscribed (recipient replied STOP)"
    assert reason_for("30007").startswith("carrier filtered")
    assert reason_for("30006") == "landline or unreachable carrier"
    assert reason_for("99999") == "Twilio error 99999"
    assert reason_for("99999", "fallback") == "fallback"
    assert is_retryable("20429") and not is_retryable(21610)
