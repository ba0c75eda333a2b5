"""SMS fixtures: a channel on the Twilio sandbox, and HTTP that stays in-process.

`django_http` is an httpx client whose transport is Django's test client: requests go
through the whole Django stack (middleware, URLs, views) inside the test's transaction,
so the sandbox, the adapter and the webhook view talk HTTP to each other without a
server thread. Tests that need a real socket use `live_server` or `asgi_server`.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from django.test import Client

from channels_sms import sandbox
from channels_sms.signature import sign
from inbox import services

OUR_NUMBER = "+14155550100"
CUSTOMER = "+14155550111"
FORM = "application/x-www-form-urlencoded"


class DjangoTransport(httpx.BaseTransport):
    def __init__(self) -> None:
        self.client = Client()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        skip = {"host", "content-length", "content-type"}
        headers = {k: v for k, v in request.headers.items() if k.lower() not in skip}
        response = self.client.generic(
            request.method,
            request.url.raw_path.decode("ascii"),
            data=request.content,
            content_type=request.headers.get("content-type", ""),
            headers=headers,
            HTTP_HOST=request.url.netloc.decode("ascii"),
        )
        return httpx.Response(
            response.status_code, headers=list(response.items()), content=response.content
        )


@pytest.fixture
def django_http() -> httpx.Client:
    with httpx.Client(transport=DjangoTransport()) as client:
        yield client


@pytest.fixture
def in_process_http(monkeypatch):
    """Route the adapter's API calls through Django in-process (see module docstring)."""
    from channels_sms import client as twilio_client

    monkeypatch.setattr(
        twilio_client, "http_client", lambda: httpx.Client(transport=DjangoTransport())
    )


@pytest.fixture
def sms_channel(workspace):
    """An SMS channel on the sandbox; callbacks are fired by the test, not by Celery."""
    channel = services.create_channel(
        workspace, kind="sms", name="Support SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    sandbox.set_controls(channel.config["account_sid"], callbacks="manual")
    yield channel
    sandbox.reset(channel.config["account_sid"])


def signed_post(client: Client, url: str, params: dict, token: str, **extra):
    """POST a form webhook signed as Twilio would sign it for `url` (absolute)."""
    return client.post(
        path_of(url),
        data=urlencode(params),
        content_type=FORM,
        HTTP_X_TWILIO_SIGNATURE=sign(token, url, params),
        **extra,
    )


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
