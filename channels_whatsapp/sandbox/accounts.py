"""Sandbox phone numbers and their credentials, and which workspace each belongs to.

As in the other sandboxes, two sources, checked in order: an explicit registration in
Redis (`channel_config` registers one), then the WhatsApp channels of this installation
that point at the sandbox (zero setup: a channel made in the settings page works). A
phone number belongs to one workspace, the one it was made for or else the workspace of
the oldest channel naming it; only that workspace's channels lend it a token, an app
secret and a webhook, so another workspace typing the same phone_number_id cannot act
as it, read its messages or receive its customers'.
"""

from __future__ import annotations

import secrets

from django.conf import settings

from . import store

DEMO_PHONE_NUMBER_ID = "100000000000001"
DEMO_WABA_ID = "200000000000001"
DEMO_DISPLAY_NUMBER = "15550001234"
# Public on purpose (the demo's sandbox only), like the SMS sandbox's demo credentials.
DEMO_ACCESS_TOKEN = "EAAsandboxDemoToken0000000000000000"
DEMO_APP_SECRET = "5a4db0c5" * 4
DEMO_VERIFY_TOKEN = "sandbox-demo-verify"


def api_base_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}/sandbox/whatsapp"


def _digits(n: int) -> str:
    return str(secrets.randbelow(9 * 10 ** (n - 1)) + 10 ** (n - 1))


def channel_config(*, workspace_id: int | None = None, **extra) -> dict:
    """Config for services.create_channel(kind="whatsapp") on a fresh sandbox number."""
    phone_number_id = _digits(15)
    account = {
        "phone_number_id": phone_number_id,
        "waba_id": _digits(15),
        "display_phone_number": "1555" + _digits(7),
        "access_token": "EAAsandbox" + secrets.token_urlsafe(32),
        "app_secret": secrets.token_hex(16),
    }
    store.register_account(phone_number_id, account)
    if workspace_id is not None:
        store.bind_owner(phone_number_id, workspace_id)
    return {
        "phone_number_id": phone_number_id,
        "waba_id": account["waba_id"],
        "access_token": account["access_token"],
        "app_secret": account["app_secret"],
        "verify_token": secrets.token_urlsafe(12),
        "graph_version": "v21.0",
        "api_base_url": api_base_url(),
        **extra,
    }


def demo_channel_config(*, api_base_url: str) -> dict:
    store.register_account(
        DEMO_PHONE_NUMBER_ID,
        {
            "phone_number_id": DEMO_PHONE_NUMBER_ID,
            "waba_id": DEMO_WABA_ID,
            "display_phone_number": DEMO_DISPLAY_NUMBER,
            "access_token": DEMO_ACCESS_TOKEN,
            "app_secret": DEMO_APP_SECRET,
        },
    )
    return {
        "phone_number_id": DEMO_PHONE_NUMBER_ID,
        "waba_id": DEMO_WABA_ID,
        "access_token": DEMO_ACCESS_TOKEN,
        "app_secret": DEMO_APP_SECRET,
        "verify_token": DEMO_VERIFY_TOKEN,
        "graph_version": "v21.0",
        "api_base_url": api_base_url,
    }


def owner_workspace_id(phone_number_id: str) -> int | None:
    from inbox.models import Channel

    bound = store.owner(phone_number_id)
    if bound is not None:
        return bound
    return (
        Channel.objects.filter(kind="whatsapp", config__phone_number_id=phone_number_id)
        .order_by("pk")
        .values_list("workspace_id", flat=True)
        .first()
    )


def channels(phone_number_id: str) -> list:
    """The active channels of the number's own workspace that name it."""
    from inbox.models import Channel

    owner = owner_workspace_id(phone_number_id)
    if owner is None:
        return []
    return list(
        Channel.objects.filter(
            kind="whatsapp",
            config__phone_number_id=phone_number_id,
            is_active=True,
            workspace_id=owner,
        ).order_by("pk")
    )


def account(phone_number_id: str) -> dict | None:
    """{phone_number_id, waba_id, display_phone_number, access_token, app_secret}."""
    registered = store.registered_account(phone_number_id)
    if registered:
        return registered
    channel = next(iter(channels(phone_number_id)), None)
    if channel is None:
        return None
    return {
        "phone_number_id": phone_number_id,
        "waba_id": str(channel.config.get("waba_id") or ""),
        "display_phone_number": "1555" + phone_number_id[-7:],
        "access_token": str(channel.secrets.get("access_token") or ""),
        "app_secret": str(channel.secrets.get("app_secret") or ""),
    }


def account_for_waba(waba_id: str, token: str) -> dict | None:
    """The account of `waba_id` that `token` opens (templates live on the WABA)."""
    from inbox.models import Channel

    ids = set(
        Channel.objects.filter(kind="whatsapp", config__waba_id=waba_id).values_list(
            "config__phone_number_id", flat=True
        )
    )
    for phone_number_id in sorted(ids):
        found = account(str(phone_number_id))
        if found and found.get("waba_id") == waba_id and token_matches(found, token):
            return found
    return None


def token_matches(found: dict, token: str) -> bool:
    import hmac

    expected = str(found.get("access_token") or "")
    return bool(expected and token) and hmac.compare_digest(expected.encode(), token.encode())


def webhook_url_for(phone_number_id: str) -> str | None:
    override = store.controls(phone_number_id).get("webhook_url")
    if override:
        return override
    channel = next(iter(channels(phone_number_id)), None)
    return channel.adapter.webhook_urls(channel)["callback_url"] if channel else None
