"""Phone numbers worth trying, with what the sandbox does when the business replies.

The meanings are derived from the sandbox's own magic-number table so they cannot drift
from its behaviour; only the ordinary numbers are listed here by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from channels_sms.errors import reason_for
from channels_sms.sandbox import magic


@dataclass(frozen=True)
class Suggestion:
    number: str
    meaning: str
    magic: bool = False


ORDINARY = (
    Suggestion("+14155550111", _("An ordinary US mobile: replies are delivered.")),
    Suggestion("+447700900123", _("An ordinary UK mobile: replies are delivered.")),
)


def describe(behaviour: magic.Behaviour) -> str:
    """What happens to a reply sent to a number with this behaviour, in words."""
    if behaviour.http_status:
        return f"Replies are refused: {reason_for(behaviour.code)} ({behaviour.code})."
    if behaviour.async_status:
        reason = reason_for(behaviour.code)
        return f"Replies are accepted, then {behaviour.async_status}: {reason} ({behaviour.code})."
    if behaviour.out_of_order:
        return _("Replies are delivered; delivery reports arrive out of order.")
    if behaviour.duplicate:
        return _("Replies are delivered; every delivery report arrives twice.")
    return _("Replies are delivered.")


def suggestions() -> list[Suggestion]:
    magic_numbers = [
        Suggestion(number, describe(behaviour), magic=True)
        for number, behaviour in sorted(magic.NUMBERS.items())
    ]
    return [*ORDINARY, *magic_numbers]
