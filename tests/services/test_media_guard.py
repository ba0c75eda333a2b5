"""Inbound media URLs are outside input: fetched through the address guard, with the
channel's credentials only on the provider's own origins, redirects followed hop by hop."""

from __future__ import annotations

import pytest

from channels_sms.adapter import SmsAdapter
from inbox.adapters import InboundMessage
from inbox.http import basic_auth
from inbox.models import Channel
from inbox.services import create_channel, ingest
from inbox.services.media import fetch_inbound_media
from tests.support import fake_dns
from tests.support.http_recorder import Recorder, serving

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PHOTO = (200, {"Content-Type": "image/png"}, PNG)
SID, TOKEN = "AC" + "5" * 32, "t" * 32
CREDENTIALS = basic_auth(SID, TOKEN)


@pytest.fixture(autouse=True)
def media_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def provider():
    """The channel's provider API, which also serves media."""
    with serving(Recorder({"/photo.png": PHOTO})) as r:
        yield r


@pytest.fixture
def elsewhere():
    """Another host: a CDN, or whatever a webhook names."""
    with serving(Recorder({"/photo.png": PHOTO})) as r:
        yield r


@pytest.fixture
def sms_channel(workspace, provider):
    config = {
        "account_sid": SID,
        "auth_token": TOKEN,
        "from_number": "+14155550100",
        "api_base_url": provider.url,
    }
    return create_channel(workspace, kind="sms", name="SMS", config=config)


def fetch(channel, url: str, pid: str = "MM1") -> tuple[str, dict]:
    (message,) = ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=pid,
                sender="+14155550123",
                recipient="+14155550100",
                content={"type": "media", "url": url},
                text="",
            )
        ],
    )
    result = fetch_inbound_media(str(message.pk))
    message.refresh_from_db()
    return result, message.content


def test_credentials_go_to_the_providers_own_origin(sms_channel, provider):
    result, _ = fetch(sms_channel, provider.url + "/photo.png")
    assert result == "stored"
    assert provider.authorizations() == [CREDENTIALS]


def test_credentials_are_not_sent_to_another_host(sms_channel, elsewhere):
    result, _ = fetch(sms_channel, elsewhere.url + "/photo.png")
    assert result == "stored"
    assert elsewhere.authorizations() == [None]


def test_a_redirect_to_another_host_does_not_carry_the_credentials(
    sms_channel, provider, elsewhere
):
    provider.routes["/media/ME1"] = (302, {"Location": elsewhere.url + "/photo.png"}, b"")
    # ... nor does a redirect back to the provider once the chain has left it.
    elsewhere.routes["/bounce"] = (302, {"Location": provider.url + "/photo.png"}, b"")
    result, content = fetch(sms_channel, provider.url + "/media/ME1")
    assert result == "stored" and content["mime_type"] == "image/png"
    assert provider.authorizations() == [CREDENTIALS]
    assert elsewhere.authorizations() == [None]

    provider.seen.clear()
    result, _ = fetch(sms_channel, elsewhere.url + "/bounce", pid="MM2")
    assert result == "stored"
    assert provider.authorizations() == [None]


def test_a_media_url_on_loopback_is_refused_without_a_request(settings, sms_channel, elsewhere):
    settings.ADDRESS_GUARD_ALLOW = []
    result, content = fetch(sms_channel, elsewhere.url + "/photo.png")
    assert result == "rejected"
    assert content["media_error"].startswith("refused:")
    assert "internal address" in content["media_error"]
    assert "stored_path" not in content
    assert elsewhere.seen == []


def test_a_redirect_hop_into_the_internal_network_is_refused(
    settings, monkeypatch, sms_channel, elsewhere
):
    """The first host is allowed (by name); where it redirects is checked again."""
    dns = fake_dns.install(monkeypatch)
    dns["cdn.example"] = ["127.0.0.1"]
    settings.ADDRESS_GUARD_ALLOW = ["cdn.example"]
    with serving(Recorder()) as cdn:
        cdn.routes["/photo.png"] = (302, {"Location": elsewhere.url + "/photo.png"}, b"")
        result, content = fetch(sms_channel, f"http://cdn.example:{cdn.port}/photo.png")
    assert result == "rejected" and "internal address" in content["media_error"]
    assert len(cdn.seen) == 1
    assert elsewhere.seen == []


def test_a_redirect_loop_ends_with_a_reason(sms_channel, provider):
    provider.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    result, content = fetch(sms_channel, provider.url + "/loop")
    assert result == "rejected" and "redirects" in content["media_error"]


def test_twilio_media_credentials_belong_to_twilio_hosts_only():
    adapter = SmsAdapter()
    assert adapter.credential_origins(Channel(kind="sms", api_base_url="")) == {
        "https://api.twilio.com"
    }
    regional = Channel(kind="sms", api_base_url="https://api.dublin.ie1.twilio.com")
    assert adapter.credential_origins(regional) == {
        "https://api.dublin.ie1.twilio.com",
        "https://api.twilio.com",
    }
    gateway = Channel(kind="sms", api_base_url="https://sms.corp.example")
    assert adapter.credential_origins(gateway) == {"https://sms.corp.example"}
