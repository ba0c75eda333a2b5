"""Stored media (inbox/views/media.py, inbox/media_links.py): members of the file's
workspace and holders of an unexpired signed URL read it; nobody else learns it exists;
no response may be kept by a shared cache; every send signs the provider's copy."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from inbox import media_links
from inbox.adapters import SendResult
from inbox.models import Message
from inbox.services.outbox.deliver import deliver
from inbox.services.sending import send_message
from tests.support.media import PNG, use_temporary_storage

from .fakes import PageAdapter, inbound, make_channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    return use_temporary_storage(settings, tmp_path)


def stored(workspace, kind: str = "outbound", name: str = "photo.png", body: bytes = PNG) -> str:
    return default_storage.save(f"{kind}/{workspace.pk}/{'a' * 32}/{name}", ContentFile(body))


def site_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def not_publicly_cacheable(response) -> bool:
    cache = response.get("Cache-Control", "")
    return "private" in cache and "public" not in cache


def test_a_member_gets_the_file_privately_with_its_type(agent_client, workspace):
    path = stored(workspace)
    response = agent_client.get(media_links.member_url(path))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("inline")
    assert not_publicly_cacheable(response)


def test_without_a_login_the_file_is_refused_and_not_publicly_cacheable(client, workspace):
    """The old route answered 200 to anyone, "public, max-age=31536000, immutable"."""
    path = stored(workspace)
    response = client.get(media_links.member_url(path))
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
    assert client.get(media_links.member_url(stored(workspace, "inbound"))).status_code == 404


def test_a_member_of_another_workspace_gets_404(client, outsider, workspace):
    path = stored(workspace)
    client.force_login(outsider)
    assert client.get(media_links.member_url(path)).status_code == 404


def test_a_deactivated_member_gets_404(agent_client, agent, workspace):
    path = stored(workspace)
    agent.memberships.update(is_active=False)
    assert agent_client.get(media_links.member_url(path)).status_code == 404


def test_a_signed_url_serves_without_login_until_it_expires(client, workspace, monkeypatch):
    path = stored(workspace)
    url = media_links.signed_url(path)
    assert url.startswith("https://inbox.example.com/media/outbound/")
    response = client.get(site_path(url))
    assert response.status_code == 200
    assert not_publicly_cacheable(response)
    assert response["Referrer-Policy"] == "no-referrer"

    two_days_ago = time.time() - 48 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: two_days_ago)
    old = media_links.signed_url(path)
    monkeypatch.undo()
    assert client.get(site_path(old)).status_code == 403


def test_a_signature_only_opens_its_own_path(client, workspace):
    mine = stored(workspace, name="mine.png")
    other = stored(workspace, name="other.png")
    token = urlsplit(media_links.signed_url(mine)).query
    assert client.get(f"{media_links.member_url(other)}?{token}").status_code == 404
    forged = media_links.member_url(mine) + "?sig=1abc:forged"
    assert client.get(forged).status_code == 404


def test_only_inbound_and_outbound_paths_of_a_workspace_are_served(agent_client, workspace):
    default_storage.save("secret.txt", ContentFile(b"x"))
    for name in ("secret.txt", f"outbound/{workspace.pk}/../../secret.txt", "outbound/x/y/z"):
        assert agent_client.get(f"/media/{name}").status_code == 404, name


def test_a_providers_file_name_with_spaces_is_served(agent_client, workspace):
    path = stored(workspace, "inbound", name="my photo (1).png")
    assert agent_client.get(media_links.member_url(path)).status_code == 200


def test_documents_and_svg_are_downloads_not_pages(agent_client, workspace):
    response = agent_client.get(media_links.member_url(stored(workspace, name="x.svg")))
    assert response["Content-Disposition"].startswith("attachment")
    response = agent_client.get(media_links.member_url(stored(workspace, name="a.pdf")))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_thread_shows_stored_media_through_the_member_route(
    agent_client, conversation, workspace
):
    """An inbound copy is shown from our storage, an upload by its site-relative route."""
    inbound_path = stored(workspace, "inbound", name="in.png")
    upload_path = stored(workspace, name="out.png")
    for content in (
        {
            "type": "media",
            "url": "https://provider.example/m/1",
            "stored_path": inbound_path,
            "mime_type": "image/png",
        },
        {"type": "media", "url": media_links.stable_url(upload_path)},
    ):
        Message.objects.create(
            workspace=workspace,
            conversation=conversation,
            channel=conversation.channel,
            direction="inbound",
            author="contact",
            status="received",
            content=content,
        )
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/thread/").text
    assert f'src="{media_links.member_url(inbound_path)}"' in html
    assert f'src="{media_links.member_url(upload_path)}"' in html
    assert "provider.example" not in html


class RecordingAdapter(PageAdapter):
    kind = "mediarecord"
    sent: list[dict] = []

    def send(self, channel, *, to, content, message_id):
        type(self).sent.append(content)
        return SendResult(provider_message_id=f"R-{message_id}")


def test_a_send_hands_the_provider_a_signed_url_and_keeps_the_stable_one(
    client, workspace, other_workspace
):
    from inbox.adapters import register

    register(RecordingAdapter())
    RecordingAdapter.sent = []
    channel = make_channel(workspace)
    channel.kind = "mediarecord"
    channel.save(update_fields=["kind"])
    conversation = inbound(channel, "+15551230009", "send me the photo").conversation
    mine = media_links.stable_url(stored(workspace))
    theirs = media_links.stable_url(stored(other_workspace, name="theirs.png"))
    content = {
        "type": "card",
        "card": {"title": "Photo", "media": {"url": mine}},
        "suggestions": [{"type": "open_url", "text": "Other", "url": theirs}],
    }
    message = send_message(conversation, content=content, author="agent")
    assert deliver(str(message.pk)) == "sent"

    (sent,) = RecordingAdapter.sent
    signed = sent["card"]["media"]["url"]
    assert signed.startswith(mine + "?sig=")
    assert client.get(site_path(signed)).status_code == 200  # the provider's fetch
    assert sent["suggestions"][0]["url"] == theirs  # another workspace's file: not signed
    message.refresh_from_db()
    assert message.content["card"]["media"]["url"] == mine  # content keeps the stable one
    assert Client().get(site_path(mine)).status_code == 404
