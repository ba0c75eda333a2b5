"""Registration, configuration checks and declared capabilities of the RCS adapter."""

from __future__ import annotations

import json

import pytest

from channels_rcs.adapter import RcsAdapter
from channels_rcs.sandbox import accounts
from inbox.adapters import get_adapter
from inbox.services import create_channel


def test_registered_with_full_capabilities():
    adapter = get_adapter("rcs")
    assert isinstance(adapter, RcsAdapter)
    caps = adapter.capabilities(None)
    assert (caps.rich_cards, caps.suggestions, caps.media, caps.typing, caps.read_receipts) == (
        True,
        True,
        True,
        True,
        True,
    )
    assert caps.max_text_length == 3072
    assert set(adapter.secret_keys) == {"service_account_key", "client_token"}


def test_config_errors_name_the_field():
    errors = RcsAdapter().validate_config({"message_ttl": 0}, {"service_account_key": "{}"})
    assert errors == [
        "agent_id: required (the agent's id in the RBM console)",
        "service_account_key: missing client_email, private_key, token_uri",
        "client_token: required (shown when the webhook is configured)",
        "message_ttl: must be a positive number of seconds",
    ]


@pytest.mark.django_db
def test_create_channel_encrypts_secrets_and_lists_the_webhook(workspace, settings):
    settings.PUBLIC_BASE_URL = "https://inbox.example"
    config = accounts.channel_config()
    config["service_account_key"] = json.loads(config["service_account_key"])  # a dict is fine
    channel = create_channel(workspace, kind="rcs", name="RCS", config=config)
    assert "service_account_key" not in channel.config
    assert "client_token" not in channel.config
    assert json.loads(channel.secrets["service_account_key"])["type"] == "service_account"
    assert channel.api_base_url == "https://inbox.example/sandbox/rbm"
    assert channel.adapter.webhook_urls(channel) == {
        "webhook": f"https://inbox.example/webhooks/rcs/{channel.webhook_token}/"
    }
