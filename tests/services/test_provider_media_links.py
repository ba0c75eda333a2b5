"""Both send paths (outbox.deliver and the batched drain) hand the provider a signed URL
for the workspace's own stored files and leave the message's content as it was."""

from __future__ import annotations

import pytest

from inbox import media_links
from inbox.models import Message
from inbox.services import deliver, send_message
from inbox.services.outbox import enqueue
from inbox.services.outbox.drain import drain

from .outbox.test_drain import conversations

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_base(settings):
    settings.PUBLIC_BASE_URL = "https://inbox.example.com"


@pytest.fixture(autouse=True)
def no_kicks(monkeypatch):
    monkeypatch.setattr(enqueue, "kick", lambda: None)


def photo_url(workspace) -> str:
    return media_links.stable_url(f"outbound/{workspace.pk}/{'b' * 32}/photo.png")


def test_a_single_send_signs_the_url(channel, adapter, workspace):
    (conversation,) = conversations(channel, 1)
    url = photo_url(workspace)
    message = send_message(conversation, {"type": "media", "url": url})
    assert deliver(str(message.pk)) == "sent"
    (sent,) = adapter.sent
    assert sent["content"]["url"].startswith(url + "?sig=")
    assert Message.objects.get(pk=message.pk).content["url"] == url


def test_a_batched_send_signs_the_url(channel, adapter, workspace):
    (conversation,) = conversations(channel, 1)
    url = photo_url(workspace)
    send_message(conversation, {"type": "media", "url": url})
    assert drain() == 1
    (sent,) = adapter.sent
    assert sent["content"]["url"].startswith(url + "?sig=")


def test_content_without_a_stored_file_is_handed_over_as_is_and_encoded_links_still_sign(
    workspace,
):
    card = {"type": "card", "card": {"title": "Hi", "suggestions": [{"url": "https://x.io/"}]}}
    assert media_links.for_provider(card, workspace.pk) is card  # nothing to sign: no copy
    url = photo_url(workspace)
    assert "/media/" in url
    encoded = url.replace("/media/", "/%6Dedia/")  # unquoted, it is the same address
    for content in ({"type": "media", "url": url}, {"type": "media", "url": encoded}):
        assert media_links.for_provider(content, workspace.pk)["url"].startswith(url + "?sig=")
