"""What the sandbox posts to a number's webhook: customer messages and statuses, signed.

Shaped as Meta's webhook payload examples and signed with the app secret
(X-Hub-Signature-256) by channels_whatsapp.signature, the same code that verifies them,
so every sandbox run exercises the adapter's real check. The webhook URL may be pointed
anywhere by its owner (the "webhook_url" control), so every post goes through the
guarded shared client (inbox/http.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time

import httpx

from channels_whatsapp.signature import HEADER, sign
from inbox.address_guard import UnsafeTarget
from inbox.http import shared_client

from . import accounts, store
from .error_codes import ERROR_TITLES

log = logging.getLogger(__name__)

# A 1x1 PNG: what a simulated phone "photographs" when it sends an image without bytes.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def new_wamid() -> str:
    return "wamid." + base64.b64encode(secrets.token_bytes(24)).decode()


def envelope(account: dict, value: dict) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": account.get("waba_id", ""),
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": account.get("display_phone_number", ""),
                                "phone_number_id": account["phone_number_id"],
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def deliver(account: dict, payload: dict, *, url: str | None = None, client=None) -> int | None:
    """POST one signed payload to the number's webhook; its HTTP status (None if unreachable)."""
    url = url or accounts.webhook_url_for(account["phone_number_id"])
    if not url:
        log.warning("sandbox whatsapp: %s has no webhook", account["phone_number_id"])
        return None
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {
        HEADER: sign(account.get("app_secret", ""), body),
        "Content-Type": "application/json",
    }
    try:
        if client is not None:
            return client.post(url, content=body, headers=headers).status_code
        return shared_client().post(url, content=body, headers=headers, timeout=10.0).status_code
    except UnsafeTarget as exc:
        log.warning("sandbox whatsapp: webhook %s refused: %s", url, exc)
        return None
    except httpx.HTTPError as exc:
        log.warning("sandbox whatsapp: webhook %s failed: %s", url, exc)
        return None


def template_status_payload(account: dict, template: dict) -> dict:
    """Meta's message_template_status_update for a template's current review state."""
    reason = str(template.get("rejected_reason") or "NONE")
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": account.get("waba_id", ""),
                "time": int(time.time()),
                "changes": [
                    {
                        "value": {
                            "event": template["status"],
                            "message_template_id": int(template.get("id") or 0),
                            "message_template_name": template["name"],
                            "message_template_language": template["language"],
                            "reason": reason if template["status"] == "REJECTED" else "NONE",
                        },
                        "field": "message_template_status_update",
                    }
                ],
            }
        ],
    }


def post_template_status(account: dict, template: dict, *, client=None) -> int | None:
    """Tell the number's webhook that Meta's review moved a template (signed)."""
    account = accounts.account(account["phone_number_id"]) or account
    return deliver(account, template_status_payload(account, template), client=client)


def status_value(wamid: str, status: str, recipient: str, error_code: int | None = None) -> dict:
    item: dict = {
        "id": wamid,
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": recipient,
    }
    if status != "failed":
        item["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service"}
    else:
        title = ERROR_TITLES.get(error_code or 131000, "Generic error")
        item["errors"] = [
            {
                "code": error_code,
                "title": title,
                "message": title,
                "error_data": {"details": title},
            }
        ]
    return {"statuses": [item]}


def post_status(
    phone_number_id: str, wamid: str, status: str, error_code: int | None = None, *, client=None
) -> int | None:
    account = accounts.account(phone_number_id)
    message = store.get_message(phone_number_id, wamid)
    if account is None or message is None:
        return None
    rank = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
    if rank[status] > rank.get(message.get("status", "accepted"), 0):
        message["status"] = status
        if error_code:
            message["error_code"] = error_code
        store.save_message(message)
    value = status_value(wamid, status, message["to"], error_code)
    return deliver(account, envelope(account, value), client=client)


def plan(message: dict, controls: dict) -> list[tuple[str, float, int | None]]:
    """(status, seconds after acceptance, error code) for one accepted message."""
    if message.get("fails_with"):
        return [("failed", 0.1, int(message["fails_with"]))]
    delivered = max(0, int(controls.get("delivered_delay_ms") or 0)) / 1000
    steps: list[tuple[str, float, int | None]] = [
        ("sent", 0.0, None),
        ("delivered", delivered, None),
    ]
    read = controls.get("read_delay_ms")
    if read is not None and int(read) >= 0 and message.get("type") != "reaction":
        steps.append(("read", delivered + int(read) / 1000, None))
    return steps


def fire(phone_number_id: str, wamid: str, *, client=None) -> list[int | None]:
    """Post a message's whole status plan now, in this process (tests, the simulator)."""
    message = store.get_message(phone_number_id, wamid)
    if message is None:
        raise LookupError(f"sandbox has no message {wamid} for {phone_number_id}")
    return [
        post_status(phone_number_id, wamid, status, code, client=client)
        for status, _delay, code in plan(message, store.controls(phone_number_id))
    ]


def _media(kind: str, content: dict) -> dict:
    data = content.get("data")
    if isinstance(data, str):
        data = data.encode()
    data = data or PIXEL
    mime = str(content.get("mime_type") or "image/png")
    media_id = str(secrets.randbelow(10**15) + 10**15)
    store.save_media(
        media_id,
        {
            "mime_type": mime,
            "data": base64.b64encode(data).decode(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "phone_number_id": content["_phone_number_id"],
        },
    )
    obj = {"id": media_id, "mime_type": mime, "sha256": hashlib.sha256(data).hexdigest()}
    if content.get("caption"):
        obj["caption"] = str(content["caption"])
    if kind == "document":
        obj["filename"] = str(content.get("filename") or "file.pdf")
    return obj


def message_item(phone_number_id: str, wa_id: str, content: dict, wamid: str = "") -> dict:
    """One customer message in Meta's shape from content.md-like content."""
    item: dict = {"from": wa_id, "id": wamid or new_wamid(), "timestamp": str(int(time.time()))}
    kind = content.get("type", "text")
    if kind == "text":
        item.update(type="text", text={"body": str(content.get("text", ""))})
    elif kind == "media":
        mime = str(content.get("mime_type") or "image/png")
        media_kind = (
            "image"
            if mime.startswith("image/")
            else (
                "video"
                if mime.startswith("video/")
                else "audio"
                if mime.startswith("audio/")
                else "document"
            )
        )
        item.update(
            type=media_kind,
            **{media_kind: _media(media_kind, {**content, "_phone_number_id": phone_number_id})},
        )
    elif kind == "location":
        location = {"latitude": content["latitude"], "longitude": content["longitude"]}
        if content.get("label"):
            location["name"] = str(content["label"])
        item.update(type="location", location=location)
    elif kind == "suggestion_response":
        reply = {
            "id": content.get("postback") or content.get("text", ""),
            "title": content.get("text", ""),
        }
        if content.get("kind") == "template_button":
            item.update(type="button", button={"payload": reply["id"], "text": reply["title"]})
        elif content.get("kind") == "list":
            item.update(type="interactive", interactive={"type": "list_reply", "list_reply": reply})
        else:
            item.update(
                type="interactive", interactive={"type": "button_reply", "button_reply": reply}
            )
        if content.get("context_id"):
            item["context"] = {"from": "", "id": content["context_id"]}
    elif kind == "reaction":
        item.update(
            type="reaction",
            reaction={
                "message_id": content.get("message_id", ""),
                "emoji": content.get("emoji", ""),
            },
        )
    else:
        raise ValueError(f"a phone cannot send content of type {kind!r}")
    return item


def simulate_user_message(
    channel,
    from_number: str,
    content: dict | str,
    *,
    message_id: str = "",
    name: str = "",
    client=None,
) -> tuple[int | None, str]:
    """The customer sends `content` to the channel's number: (webhook status, wamid).

    Posted signed with the channel's own app secret to the channel's own webhook URL, and
    remembered as the customer's last message (the 24-hour window).
    """
    if isinstance(content, str):
        content = {"type": "text", "text": content}
    phone_number_id = str(channel.config.get("phone_number_id", ""))
    account = accounts.account(phone_number_id) or {"phone_number_id": phone_number_id}
    account = {**account, "app_secret": channel.secrets.get("app_secret", "")}
    wa_id = from_number.lstrip("+")
    item = message_item(phone_number_id, wa_id, content, message_id)
    store.customer_wrote(phone_number_id, wa_id, time.time())
    store.remember_inbound(phone_number_id, item["id"], from_number)
    store.log_to_handset(
        from_number,
        {"direction": "inbound", "phone_number_id": phone_number_id, "message": item},
    )
    value = {
        "contacts": [{"profile": {"name": name or "Sandbox customer"}, "wa_id": wa_id}],
        "messages": [item],
    }
    status = deliver(
        account,
        envelope(account, value),
        url=channel.adapter.webhook_urls(channel)["callback_url"],
        client=client,
    )
    return status, item["id"]
