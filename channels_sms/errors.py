"""Twilio error codes in words an agent understands (spec: sms.md section 2.5).

An agent looking at a failed message needs "the recipient replied STOP", not "21610";
the code is kept next to the reason for support and for people who know it.
"""

from __future__ import annotations

REASONS: dict[int, str] = {
    20003: "Twilio rejected the channel's credentials (check the Account SID and auth token)",
    20404: "Twilio does not know this resource (check the Account SID)",
    20429: "Twilio rate limit reached (too many concurrent requests)",
    20500: "Twilio had an internal error",
    21211: "invalid recipient number",
    21408: "sending to this country is not enabled on the account",
    21602: "message body is required",
    21603: "the sender ('From') number is required",
    21604: "the recipient ('To') number is required",
    21606: "the sender number cannot send SMS from this account",
    21610: "unsubscribed (recipient replied STOP)",
    21611: "the sender's queue is full; sending too fast",
    21612: "the recipient cannot be reached from this sender",
    21614: "the recipient is not a mobile number (cannot receive SMS)",
    21617: "message too long (over 1,600 characters)",
    30001: "Twilio's queue overflowed; sending too fast",
    30002: "the Twilio account is suspended",
    30003: "unreachable handset (phone off or out of coverage)",
    30004: "message blocked by the recipient or their carrier",
    30005: "unknown destination (number does not exist or is inactive)",
    30006: "landline or unreachable carrier",
    30007: "carrier filtered (flagged as spam or for its content)",
    30008: "unknown error from the carrier",
    30019: "content too long for the carrier (try a shorter message or fewer emoji)",
    30032: "toll-free sender number not verified",
    30034: "sender number not registered for US A2P 10DLC",
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
    return f"Twilio error {code}" if code not in (None, "") else "unknown error"


def is_retryable(code) -> bool:
    return _as_int(code) in RETRYABLE
