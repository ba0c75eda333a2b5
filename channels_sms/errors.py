"""Twilio error codes in words an agent understands (spec: sms.md section 2.5).

An agent looking at a failed message needs "the recipient replied STOP", not "21610";
the code is kept next to the reason for support and for people who know it. The reasons
are lazy translations: the outbox stores them in the workspace's language.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

REASONS: dict[int, str] = {
    20003: _("Twilio rejected the channel's credentials (check the Account SID and auth token)"),
    20404: _("Twilio does not know this resource (check the Account SID)"),
    20429: _("Twilio rate limit reached (too many concurrent requests)"),
    20500: _("Twilio had an internal error"),
    21211: _("invalid recipient number"),
    21408: _("sending to this country is not enabled on the account"),
    21602: _("message body is required"),
    21603: _("the sender ('From') number is required"),
    21604: _("the recipient ('To') number is required"),
    21606: _("the sender number cannot send SMS from this account"),
    21610: _("unsubscribed (recipient replied STOP)"),
    21611: _("the sender's queue is full; sending too fast"),
    21612: _("the recipient cannot be reached from this sender"),
    21614: _("the recipient is not a mobile number (cannot receive SMS)"),
    21617: _("message too long (over 1,600 characters)"),
    30001: _("Twilio's queue overflowed; sending too fast"),
    30002: _("the Twilio account is suspended"),
    30003: _("unreachable handset (phone off or out of coverage)"),
    30004: _("message blocked by the recipient or their carrier"),
    30005: _("unknown destination (number does not exist or is inactive)"),
    30006: _("landline or unreachable carrier"),
    30007: _("carrier filtered (flagged as spam or for its content)"),
    30008: _("unknown error from the carrier"),
    30019: _("content too long for the carrier (try a shorter message or fewer emoji)"),
    30032: _("toll-free sender number not verified"),
    30034: _("sender number not registered for US A2P 10DLC"),
}

# Worth another attempt later; everything else is final for this message.
RETRYABLE: frozenset[int] = frozenset({20429, 20500, 21611, 30001})


def _as_int(code) -> int | None:
    try:
        return int(str(code).strip())
    except (TypeError, ValueError):
        return None


def reason_for(code, fallback: str = "") -> str:
    """An agent-readable reason for a Twilio error code (`fallback` when unknown)."""
    number = _as_int(code)
    if number in REASONS:
        return REASONS[number]
    if fallback:
        return fallback
    return (
        format_lazy(_("Twilio error {code}"), code=code)
        if code not in (None, "")
        else _("unknown error")
    )


def is_retryable(code) -> bool:
    return _as_int(code) in RETRYABLE
