"""An agent's upload reaches the phone through the sandboxes as a provider would fetch it:
a signed URL that opens without a login, while the stable address stays members-only."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inbox import services
from inbox.models import Message
from inbox.services import attachments
from tests.support.media import PNG, use_temporary_storage
from tests.support.waiting import deliver_until_settled

from .conftest import CUSTOMER, HTMX
from .test_rcs_conversation import RCS_PHONE, _say, rcs_business  # noqa: F401


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    return use_temporary_storage(settings, tmp_path)


def _phone_thread(client, channel, number) -> str:
    response = client.get(
        reverse("simulator-thread"), {"number": number, "channel": channel.pk}, **HTMX
    )
    assert response.status_code == 200
    return response.content.decode()


def _send_upload(channel, workspace) -> str:
    conversation = Message.objects.get(channel=channel, direction="inbound").conversation
    upload = attachments.store(workspace.pk, SimpleUploadedFile("parcel.png", PNG))
    message = services.send_message(conversation, {"type": "media", "url": upload.url})
    deliver_until_settled(message.id)
    return upload.url


def _fetch_as_provider(url: str):
    parts = urlsplit(url)
    return Client().get(f"{parts.path}?{parts.query}" if parts.query else parts.path)


def _assert_phone_shows_a_signed_copy(html: str, stable: str) -> None:
    (src,) = re.findall(rf'src="({re.escape(stable)}[^"]*)"', html)
    assert src.startswith(stable + "?sig=")
    response = _fetch_as_provider(src.replace("&amp;", "&"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert _fetch_as_provider(stable).status_code == 404


def test_an_mms_with_the_agents_upload_shows_on_the_phone(client, sandbox_business, workspace):
    data = {"number": CUSTOMER, "channel": sandbox_business.pk, "body": "Photo of it?"}
    assert client.post(reverse("simulator-send"), data, **HTMX).status_code == 200
    stable = _send_upload(sandbox_business, workspace)
    _assert_phone_shows_a_signed_copy(_phone_thread(client, sandbox_business, CUSTOMER), stable)


def test_an_rcs_file_from_the_agent_shows_on_the_phone(client, rcs_business, workspace):  # noqa: F811
    _say(client, rcs_business, "Photo of it?")
    stable = _send_upload(rcs_business, workspace)
    _assert_phone_shows_a_signed_copy(_phone_thread(client, rcs_business, RCS_PHONE), stable)
