"""The GSM 03.38 alphabet: which characters an SMS can carry as 7-bit septets.

Its own module because both the segment counter and smart encoding need it, and smart
encoding is applied before counting: with the tables in either of them, the two would
import each other.
"""

from __future__ import annotations

__all__ = ["GSM7_BASIC", "GSM7_EXTENSION"]

#: GSM 03.38 basic table, as Unicode characters that cost one septet each.
#: ESC (0x1B) is a table position, not a character a user can type, so U+001B
#: is deliberately absent (the calculator treats it as non-GSM too).
#: Note: capital Ç is present, lowercase ç is not; backtick is not present.
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

#: GSM 03.38 extension table: ESC + code, so each costs two septets.
GSM7_EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")
