"""The webhook action: ask the workspace's own system (a billing API, a booking system)
and keep the fields of its JSON answer the rule names, as contact attributes the reply's
template then shows (`{{balance}}` formatted as the attribute's type).

The call goes through the guarded shared client (inbox/http.py), so an address the
address guard refuses is never reached, whatever it resolves to at call time. Any
failure (timeout, refused address, an error status, an answer that is not a JSON
object, a field missing from it) is a WebhookFailed with a reason a person can read.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from inbox.address_guard import UnsafeTarget
from inbox.http import shared_client
from inbox.models import Contact, Message

MAX_ANSWER_BYTES = 64 * 1024


class WebhookFailed(Exception):
    pass


def request_body(rule_name: str, message: Message, contact: Contact, phone: str) -> dict:
    content = message.content or {}
    return {
        "event": "automation.webhook",
        "rule": rule_name,
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "phone": phone,
            "attributes": contact.attributes or {},
        },
        "message": {
            "id": str(message.pk),
            "text": message.text,
            "postback": content.get("postback") or "",
            "channel_id": message.channel_id,
        },
    }


def call(url: str, body: dict, headers: dict[str, str] | None = None) -> dict:
    """The webhook's JSON object answer, or WebhookFailed. `headers` (the rule's
    credential) go with this request only, to this URL only."""
    timeout = settings.AUTOMATION_WEBHOOK_TIMEOUT_SECONDS
    try:
        response = shared_client().post(url, json=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        raise WebhookFailed(_("no answer within %(seconds)g s") % {"seconds": timeout}) from None
    except (httpx.HTTPError, UnsafeTarget) as exc:
        raise WebhookFailed((_("request failed: %(error)s") % {"error": exc})[:300]) from None
    if response.status_code >= 300:
        raise WebhookFailed(_("answered HTTP %(status)s") % {"status": response.status_code})
    if len(response.content) > MAX_ANSWER_BYTES:
        raise WebhookFailed(_("answer larger than 64 KB"))
    try:
        answer = response.json()
    except ValueError:
        raise WebhookFailed(_("answer is not JSON")) from None
    if not isinstance(answer, dict):
        raise WebhookFailed(_("answer is not a JSON object"))
    return answer


def pick(answer: dict, fields: dict[str, str]) -> dict[str, Any]:
    """{attribute key: value at its dotted path in the answer}; WebhookFailed if absent."""
    values: dict[str, Any] = {}
    for key, path in fields.items():
        value: Any = answer
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                raise WebhookFailed(_("answer has no “%(field)s”") % {"field": path})
            value = value[part]
        if isinstance(value, (dict, list)) or value is None:
            raise WebhookFailed(_("answer’s “%(field)s” is not a single value") % {"field": path})
        values[key] = value
    return values
