"""Twilio webhooks (inbound messages, status callbacks) into normalized inbox events.

Spec: sms.md sections 2.3 and 2.4. Anything we cannot attribute (no MessageSid, no valid
sender) is a WebhookError, answered 400 with nothing written: Twilio will not fix it by
retrying, and a half-understood message in an agent's queue is worse than none.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from inbox.adapters import ConsentChange, Event, InboundMessage, StatusUpdate, WebhookError
from inbox.content import render_text
from inbox.phones import InvalidPhoneNumber, to_e164

from . import keywords
from .errors import reason_for
from .statuses import FAILURE_STATUSES, to_inbox_status

MAX_MEDIA = 10


def flatten(params: Mapping[str, list[str]]) -> dict[str, str]:
    """One value per name (the first), which is all Twilio ever sends per name."""
    return {
        k: (v[0] if isinstance(v, list | tuple) and v else str(v or "")) for k, v in params.items()
    }


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise WebhookError(f"{name}: required")
    return value


# Parsing a number with phonenumbers is most of a webhook's parse; a campaign's replies
# come from the same few thousand customers to the same few numbers over and over.
# (Refusals raise and are not cached.)
_canonical = lru_cache(maxsize=8192)(to_e164)


def _e164(params: dict[str, str], name: str, *, required: bool) -> str:
    value = params.get(name, "").strip()
    if not value:
        if required:
            raise WebhookError(f"{name}: required")
        return ""
    try:
        canonical = _canonical(value)
    except InvalidPhoneNumber as exc:
        raise WebhookError(f"{name}: {exc}") from exc
    if canonical != value:
        raise WebhookError(f"{name}: {value!r} is not E.164 (expected {canonical})")
    return canonical


def _media(params: dict[str, str]) -> list[dict]:
    raw = params.get("NumMedia", "0").strip() or "0"
    try:
        count = int(raw)
    except ValueError as exc:
        raise WebhookError(f"NumMedia: {raw!r} is not a number") from exc
    if not 0 <= count <= MAX_MEDIA:
        raise WebhookError(f"NumMedia: {count} is out of range 0..{MAX_MEDIA}")
    items = []
    for n in range(count):
        url = params.get(f"MediaUrl{n}", "").strip()
        if not url:
            raise WebhookError(f"MediaUrl{n}: required (NumMedia is {count})")
        item = {"type": "media", "url": url}
        mime = params.get(f"MediaContentType{n}", "").strip()
        if mime:
            item["mime_type"] = mime
        items.append(item)
    return items


def parse_inbound(params: dict[str, str]) -> list[Event]:
    """A customer's SMS/MMS as one InboundMessage per media item (or one text message).

    Content holds one media item per message, so an MMS with several attachments becomes
    several messages: the first carries the MessageSid and the caption, the others
    `<MessageSid>/<n>`, which keeps redelivery idempotent.
    """
    sid = _required(params, "MessageSid")
    sender = _e164(params, "From", required=True)
    recipient = _e164(params, "To", required=False)
    body = params.get("Body", "")
    media = _media(params)
    events: list[Event] = []
    consent = _consent(params, sender, body)
    if consent:
        events.append(consent)
        if consent.action == "opt_out":
            # A control message: Twilio has replied and blocked; no agent should answer it.
            return events
    common = {
        "sender": sender,
        "recipient": recipient,
        "sender_name": params.get("ProfileName", "").strip(),
        "raw": params,
    }
    if not media:
        content = {"type": "text", "text": body}
        events.append(InboundMessage(provider_message_id=sid, content=content, text=body, **common))
        return events
    for n, item in enumerate(media):
        if n == 0 and body.strip():
            item["caption"] = body
        events.append(
            InboundMessage(
                provider_message_id=sid if n == 0 else f"{sid}/{n}",
                content=item,
                text=render_text(item),
                **common,
            )
        )
    return events


def _consent(params: dict[str, str], sender: str, body: str) -> ConsentChange | None:
    opt_out_type = params.get("OptOutType", "").strip().upper()
    action = keywords.OPT_OUT_TYPES.get(opt_out_type) or keywords.classify(body)
    if action is None:
        return None
    # Twilio answers its default keywords (and Advanced Opt-Out matches) itself.
    return ConsentChange(
        sender=sender, action=action, keyword=keywords.normalize(body), provider_replied=True
    )


def parse_status(params: dict[str, str]) -> list[Event]:
    """A delivery report; statuses that say nothing about a reply are ignored."""
    sid = _required(params, "MessageSid")
    twilio_status = _required(params, "MessageStatus").lower()
    status = to_inbox_status(twilio_status)
    if status is None:
        return []
    code = params.get("ErrorCode", "").strip()
    message = ""
    if code or twilio_status in FAILURE_STATUSES:
        reported = gettext_lazy("Twilio reported {status}")
        message = reason_for(code, format_lazy(reported, status=twilio_status))
    return [
        StatusUpdate(
            provider_message_id=sid,
            status=status,
            error_code=code,
            error_message=message,
            raw=params,
        )
    ]


def is_status_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith("/status")


def parse(url: str, params: dict[str, str]) -> list[Event]:
    """Route by the URL Twilio called: status callbacks and inbound have their own."""
    if is_status_url(url) or ("MessageStatus" in params and "Body" not in params):
        return parse_status(params)
    return parse_inbound(params)
