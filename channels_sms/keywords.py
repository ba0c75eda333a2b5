"""Twilio's default opt-out / opt-in / help keywords (spec: sms.md section 3).

Twilio answers these itself and updates its block list, so the inbox records the consent
change and must not answer again. Only a message that is exactly one keyword counts
("STOP PLEASE" does not), case-insensitive, tolerating trailing punctuation.
"""

from __future__ import annotations

OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
OPT_IN = frozenset({"START", "YES", "UNSTOP"})
HELP = frozenset({"HELP", "INFO"})

# Twilio's OptOutType parameter -> our ConsentChange action.
OPT_OUT_TYPES = {"STOP": "opt_out", "START": "opt_in", "HELP": "help"}


def normalize(body: str) -> str:
    return (body or "").strip().rstrip(".!?,;: ").strip().upper()


def classify(body: str) -> str | None:
    """ "opt_out" | "opt_in" | "help" when the whole body is one keyword, else None."""
    word = normalize(body)
    if word in OPT_OUT:
        return "opt_out"
    if word in OPT_IN:
        return "opt_in"
    if word in HELP:
        return "help"
    return None
