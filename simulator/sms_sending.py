"""Send the customer's text to the business the way Twilio would: a signed inbound webhook."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from django.utils.translation import gettext as _

from channels_sms import sandbox
from inbox.models import Channel


@dataclass(frozen=True)
class Outcome:
    ok: bool
    problem: str  # why the inbox did not take the message ("" when it did)


def webhook_outcome(status: int | None) -> Outcome:
    """What a signed webhook post answered, for the phone (RCS and WhatsApp sandboxes).

    A refused webhook is worth showing: in the sandbox it nearly always means
    PUBLIC_BASE_URL does not reach this server, or the channel's token changed.
    """
    if status is None:
        return Outcome(False, _("The inbox could not be reached (check PUBLIC_BASE_URL)."))
    if not 200 <= status < 300:
        return Outcome(False, _("The inbox answered HTTP %(status)s.") % {"status": status})
    return Outcome(True, "")


def _media(url: str) -> list[tuple[str, str]]:
    if not url:
        return []
    mime, _ = mimetypes.guess_type(url.split("?", 1)[0])
    return [(url, mime or "image/jpeg")]


def text_business(channel: Channel, number: str, body: str, media_url: str = "") -> Outcome:
    """The message is on the phone either way; the outcome says whether the inbox took it.

    A refused webhook is worth showing rather than hiding: in the sandbox it nearly always
    means PUBLIC_BASE_URL does not reach this server, or the channel's token changed.
    """
    result = sandbox.simulate_inbound(channel, number, body, _media(media_url))
    if result.status_code is None:
        return Outcome(False, f"The inbox could not be reached: {result.response_text}")
    if not 200 <= result.status_code < 300:
        return Outcome(False, f"The inbox answered HTTP {result.status_code}.")
    return Outcome(True, "")
