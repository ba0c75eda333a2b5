"""Composer attachments as real uploads: size and type limits with clear 422s (nothing
stored, nothing queued), the stable URL the outbound content carries, the file served to
members only, and the link in the text of a channel that cannot send files."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from inbox.models import Direction, Message
from inbox.services import attachments
from tests.support.media import PNG, use_temporary_storage

from .fakes import inbound
from .test_composer import CUSTOMER, HTMX, one, sms_channel, text_of  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    return use_temporary_storage(settings, tmp_path)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def upload(client, conversation, name: str, body: bytes, mime: str = "image/png"):
    data = {"attachment_file": SimpleUploadedFile(name, body, content_type=mime)}
    return client.post(f"/w/acme/c/{conversation.pk}/attachments/", data, **HTMX)


def test_upload_fills_the_attachment_with_its_public_url(
    agent_client, conversation, workspace, media_root
):
    response = upload(agent_client, conversation, "My Photo.PNG", PNG)
    assert response.status_code == 200
    url = one(response.text, "attachment-url")["attrs"]["value"]
    prefix = f"https://inbox.example.com/media/outbound/{workspace.pk}/"
    assert url.startswith(prefix) and url.endswith("/My-Photo.png")
    assert "Attached My-Photo.png" in text_of(response.text, "attachment-uploaded")
    (path,) = stored_files(media_root)
    assert path.read_bytes() == PNG
    # Served to the workspace's members as the type its name says, sandboxed, private;
    # without a login only through a signed URL (tests/web/test_media_access.py).
    served = agent_client.get(url.removeprefix("https://inbox.example.com"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "sandbox"
    assert "private" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == PNG
    agent_client.logout()
    assert agent_client.get(url.removeprefix("https://inbox.example.com")).status_code == 404


def test_reply_with_the_upload_sends_media_content_with_the_absolute_url(
    agent_client, conversation
):
    url = one(
        upload(agent_client, conversation, "invoice.pdf", b"%PDF-1.4 x").text, "attachment-url"
    )["attrs"]["value"]
    data = {"text": "Your invoice", "attachment_url": url}
    response = agent_client.post(f"/w/acme/c/{conversation.pk}/reply/", data, **HTMX)
    assert response.status_code == 200
    message = Message.objects.get(conversation=conversation, direction=Direction.OUTBOUND)
    assert message.content == {"type": "media", "url": url, "caption": "Your invoice"}


def test_too_large_is_a_clear_422_and_stores_nothing(
    agent_client, conversation, settings, media_root
):
    settings.MEDIA_MAX_BYTES = 32
    response = upload(agent_client, conversation, "big.png", PNG)
    assert response.status_code == 422
    assert "too large" in text_of(response.text, "attachment-error")
    assert "limit is 32 bytes" in text_of(response.text, "attachment-error")
    assert one(response.text, "attachment-url")["attrs"]["value"] == ""
    assert stored_files(media_root) == []
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


@pytest.mark.parametrize(
    ("name", "mime"),
    [("page.html", "image/png"), ("logo.svg", "image/svg+xml"), ("run.exe", "image/png")],
)
def test_refused_types_are_a_clear_422_and_store_nothing(
    agent_client, conversation, media_root, name, mime
):
    """The browser's claimed type is not trusted: the name decides what it is served as."""
    response = upload(agent_client, conversation, name, PNG, mime)
    assert response.status_code == 422
    assert "cannot be sent" in text_of(response.text, "attachment-error")
    assert stored_files(media_root) == []


def test_missing_and_empty_files_are_422(agent_client, conversation, media_root):
    url = f"/w/acme/c/{conversation.pk}/attachments/"
    response = agent_client.post(url, {}, **HTMX)
    assert response.status_code == 422
    assert "Choose a file" in text_of(response.text, "attachment-error")
    response = upload(agent_client, conversation, "empty.png", b"")
    assert response.status_code == 422
    assert stored_files(media_root) == []


def test_upload_is_404_for_another_workspace_and_outsiders(
    agent_client, client, outsider, conversation, other_conversation, media_root
):
    assert upload(agent_client, other_conversation, "a.png", PNG).status_code == 404
    client.force_login(outsider)
    assert upload(client, conversation, "a.png", PNG).status_code == 404
    assert stored_files(media_root) == []


def test_served_files_only_under_their_own_shape(agent_client, workspace, media_root):
    default_storage.save("secret.png", SimpleUploadedFile("s.png", PNG))
    ws = workspace.pk
    for name in (f"{ws}/../../secret.png", f"{ws}/abc/../../../secret.png", f"{ws}/x.png"):
        assert agent_client.get(f"/media/outbound/{name}").status_code == 404, name


def test_sms_without_mms_sends_the_link_in_the_text(agent_client, sms_channel):  # noqa: F811
    """No MMS on this number: the attachment is allowed and the text carries its link."""
    conversation = inbound(sms_channel, CUSTOMER, "Can you send the receipt?").conversation
    html = agent_client.get(f"/w/acme/c/{conversation.pk}/").text
    assert 'data-capability="media" disabled' not in html
    url = one(
        upload(agent_client, conversation, "receipt.jpg", PNG, "image/jpeg").text, "attachment-url"
    )["attrs"]["value"]
    preview = agent_client.post(
        f"/w/acme/c/{conversation.pk}/preview/",
        {"text": "Here it is", "attachment_url": url},
        **HTMX,
    ).text
    assert "the customer gets a link" in text_of(preview, "media-note")
    assert url in sms_channel.adapter.render_text(
        {"type": "media", "url": url, "caption": "Here it is"}
    )
    response = agent_client.post(
        f"/w/acme/c/{conversation.pk}/reply/",
        {"text": "Here it is", "attachment_url": url},
        **HTMX,
    )
    assert response.status_code == 200
    message = Message.objects.get(conversation=conversation, direction=Direction.OUTBOUND)
    assert message.content["url"] == url


def test_safe_name():
    assert attachments.safe_name("../../etc/pass wd.JPG") == "pass-wd.jpg"
    assert attachments.safe_name("") == "file"
