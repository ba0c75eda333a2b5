import pytest
from django.core.cache import cache

from inbox.adapters import Capabilities
from inbox.services import agent_typing


@pytest.fixture
def typing_adapter(adapter, monkeypatch):
    """The recording adapter on a channel that shows typing to the customer."""
    monkeypatch.setattr(
        type(adapter), "capabilities", lambda self, channel: Capabilities(typing=True)
    )
    return adapter


def test_burst_of_keystrokes_tells_the_customer_once(
    rich_conversation, agent, typing_adapter, settings
):
    settings.TYPING_SIGNAL_INTERVAL_SECONDS = 30
    cache.delete(f"typing-to-customer:{rich_conversation.pk}")
    told = [agent_typing(rich_conversation, agent) for _ in range(20)]
    assert told.count(True) == 1
    assert told[0] is True


def test_channels_without_typing_never_call_the_provider(rich_conversation, agent, adapter):
    cache.delete(f"typing-to-customer:{rich_conversation.pk}")
    assert agent_typing(rich_conversation, agent) is False
