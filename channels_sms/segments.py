"""SMS encoding and segment counting (spec: shared/specs/sms.md section 1).

Carriers bill per segment, Twilio caps bodies and throttles per segment, and a
single stray character can silently switch a whole message from GSM-7 to UCS-2
and more than double its cost.  The composer therefore needs a count that agrees
with what Twilio will actually send, not ``ceil(len(text) / 153)``.

The rules mirror Twilio's public message-segment-calculator, which is the best
public description of Twilio's behaviour:

* Text is split into extended grapheme clusters, then any ``"\\r\\n"`` cluster is
  split again into two characters (each is one GSM-7 septet).
* The message is UCS-2 if any grapheme is more than one UTF-16 code unit, or is
  a single unit outside the GSM-7 basic and extension tables.
* Packing never splits an atomic unit across parts: a GSM-7 extension escape
  (2 septets) or a whole UCS-2 grapheme stays in one part.  That is why the
  naive division is wrong near part boundaries.

Pure Python on purpose (no Django) so it can run in forms, API schemas, workers
and the Twilio fake alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import regex
from django.utils.translation import gettext, ngettext

from channels_sms import smart_encoding
from channels_sms.gsm7 import GSM7_BASIC, GSM7_EXTENSION

__all__ = [
    "BITS_PER_PART",
    "GSM7",
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "GSM7_MULTI_PART",
    "GSM7_SINGLE_PART",
    "UCS2",
    "UCS2_MULTI_PART",
    "UCS2_SINGLE_PART",
    "UDH_BITS",
    "SegmentInfo",
    "count",
    "graphemes",
    "is_gsm7",
]

GSM7 = "GSM-7"
UCS2 = "UCS-2"

#: One SMS carries 140 octets of user data.
BITS_PER_PART = 140 * 8  # 1120
#: Each part of a concatenated SMS spends 6 octets on the User Data Header.
#: Some routes (cited for US toll-free) use a 7-octet UDH: pass ``header_bits=56``.
UDH_BITS = 6 * 8  # 48

GSM7_BITS = 7
UCS2_BITS = 16

# The classic figures, kept as named constants because UIs and docs quote them.
# They are what the bit arithmetic yields with the default 48-bit header.
GSM7_SINGLE_PART = BITS_PER_PART // GSM7_BITS  # 160
GSM7_MULTI_PART = (BITS_PER_PART - UDH_BITS) // GSM7_BITS  # 153
UCS2_SINGLE_PART = BITS_PER_PART // UCS2_BITS  # 70
UCS2_MULTI_PART = (BITS_PER_PART - UDH_BITS) // UCS2_BITS  # 67

_GSM7_ALL = GSM7_BASIC | GSM7_EXTENSION

_GRAPHEME_RE = regex.compile(r"\X")
_GSM7_BASIC_ONLY = re.compile("[" + re.escape("".join(sorted(GSM7_BASIC))) + "]*")


def graphemes(text: str) -> list[str]:
    """Split into user-perceived characters the way the calculator does.

    ``"\\r\\n"`` is a single grapheme in Unicode but two GSM-7 septets (and two
    UTF-16 units), so it is split back; otherwise CRLF text would be wrongly
    considered UCS-2 (a two-unit grapheme).
    """
    out: list[str] = []
    for cluster in _GRAPHEME_RE.findall(text):
        if cluster == "\r\n":
            out.extend(("\r", "\n"))
        else:
            out.append(cluster)
    return out


def _utf16_units(s: str) -> int:
    # Astral code points are surrogate pairs on the wire.
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)


def _is_gsm7_grapheme(g: str) -> bool:
    # A GSM letter plus combining marks is several units, hence not GSM-7.
    return len(g) == 1 and g in _GSM7_ALL


def is_gsm7(text: str) -> bool:
    """True when the whole text can go out as GSM-7 (no character forces UCS-2)."""
    return all(_is_gsm7_grapheme(g) for g in graphemes(text))


def _render_char(g: str) -> str:
    # Invisible culprits (TAB, NBSP, ZWSP, a lone combining mark) would show as
    # an empty pair of quotes in a UI, so name them by code point instead.
    if all(unicodedata.category(c)[0] in "CZM" for c in g):
        return " ".join(f"U+{ord(c):04X}" for c in g)
    return g


@dataclass(frozen=True)
class SegmentInfo:
    """How a body will be encoded and split, plus what to tell the user about it.

    ``units`` is what the parts are measured in (septets or UTF-16 code units);
    ``characters`` is Twilio's ``numberOfCharacters`` (septets for GSM-7, but
    graphemes for UCS-2), which is what users expect to see next to a textarea.
    ``message_bits`` excludes User Data Headers and ``total_bits`` includes them,
    as in the calculator's ``messageSize`` / ``totalSize``.
    """

    text: str
    encoding: str
    segments: int
    units: int
    characters: int
    unicode_scalars: int
    message_bits: int
    total_bits: int
    ucs2_chars: tuple[str, ...]
    parts: tuple[str, ...]
    part_units: tuple[int, ...]

    @property
    def is_gsm7(self) -> bool:
        return self.encoding == GSM7

    def describe(self) -> str:
        """A one-line summary for the composer, naming the UCS-2 culprits.

        The culprits are the actionable part: the user can replace them (or turn
        on smart encoding) to get back to GSM-7.
        """
        head = ngettext("%(n)s segment", "%(n)s segments", self.segments) % {"n": self.segments}
        if self.encoding == GSM7:
            return gettext("%(head)s · GSM-7 · %(n)s characters") % {
                "head": head,
                "n": self.characters,
            }
        shown = [f"‘{_render_char(c)}’" for c in self.ucs2_chars[:5]]
        more = len(self.ucs2_chars) - len(shown)
        why = ", ".join(shown)
        if more > 0:
            why = gettext("%(shown)s and %(n)s more") % {"shown": why, "n": more}
        return gettext("%(head)s · UCS-2 because of %(why)s") % {"head": head, "why": why}


def _pack(
    atoms: list[str], sizes: list[int], bits_per_unit: int, header_bits: int
) -> tuple[list[str], list[int]]:
    """Split atoms into parts without ever splitting an atom.

    The calculator fills part 1 without a header, and on the first overflow adds
    the header to part 1 and moves whole atoms from its tail to part 2; later
    parts start with a header.  That is exactly greedy packing into
    ``BITS_PER_PART - header_bits`` once the message does not fit in one part.
    """
    total_units = sum(sizes)
    if total_units * bits_per_unit <= BITS_PER_PART:
        return ["".join(atoms)], [total_units]
    capacity = (BITS_PER_PART - header_bits) // bits_per_unit
    parts: list[str] = []
    part_units: list[int] = []
    buf: list[str] = []
    used = 0
    for atom, size in _fit(atoms, sizes, capacity):
        if used + size > capacity:
            parts.append("".join(buf))
            part_units.append(used)
            buf, used = [], 0
        buf.append(atom)
        used += size
    parts.append("".join(buf))
    part_units.append(used)
    return parts, part_units


def _fit(atoms: list[str], sizes: list[int], capacity: int) -> Iterable[tuple[str, int]]:
    # A grapheme longer than a whole part (Zalgo text: one letter with dozens of
    # combining marks) cannot stay atomic.  A live counter must not crash on user
    # input, so fall back to code points, which never splits a surrogate pair.
    for atom, size in zip(atoms, sizes, strict=True):
        if size <= capacity:
            yield atom, size
        else:
            yield from ((c, _utf16_units(c)) for c in atom)


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def segment_count(text: str) -> int:
    """``count(text).segments``, without splitting graphemes when the text is plain
    GSM-7 (every character in the basic table: one septet each, no cluster can form).
    The outbox prices every SMS it claims by its segments; splitting a campaign
    message into graphemes cost more CPU than the rest of its claim."""
    if _GSM7_BASIC_ONLY.fullmatch(text) is None:
        return count(text).segments
    if not text:
        return 0
    if len(text) <= GSM7_SINGLE_PART:
        return 1
    return -(-len(text) // GSM7_MULTI_PART)


def count(text: str, *, smart: bool = False, header_bits: int = UDH_BITS) -> SegmentInfo:
    """Work out encoding and segments for ``text`` as Twilio will send it.

    ``smart=True`` first applies :func:`channels_sms.smart_encoding.apply`, to
    preview a send with ``SmartEncoded=true``; ``SegmentInfo.text`` is then the
    replaced body.  ``header_bits`` exists because some routes use a 7-octet
    UDH (152/66 per part); leave it alone otherwise.

    Empty text counts as 0 segments (not 1 as in the calculator): an empty body
    cannot be sent (Twilio rejects it), so nothing is billed, and 0 lets a UI
    disable "Send" from the count alone.
    """
    if not 0 <= header_bits <= BITS_PER_PART - 2 * UCS2_BITS:
        # A part must hold at least one surrogate pair, or packing cannot progress.
        raise ValueError(f"header_bits must be in 0..{BITS_PER_PART - 2 * UCS2_BITS}")
    if smart:
        text = smart_encoding.apply(text)
    gs = graphemes(text)
    ucs2_chars = _dedupe(g for g in gs if not _is_gsm7_grapheme(g))
    if ucs2_chars:
        encoding, bits_per_unit = UCS2, UCS2_BITS
        sizes = [_utf16_units(g) for g in gs]
    else:
        encoding, bits_per_unit = GSM7, GSM7_BITS
        sizes = [2 if g in GSM7_EXTENSION else 1 for g in gs]
    units = sum(sizes)
    if gs:
        parts, part_units = _pack(gs, sizes, bits_per_unit, header_bits)
    else:
        parts, part_units = [], []
    message_bits = units * bits_per_unit
    headers = header_bits * len(parts) if len(parts) > 1 else 0
    return SegmentInfo(
        text=text,
        encoding=encoding,
        segments=len(parts),
        units=units,
        characters=len(gs) if encoding == UCS2 else units,
        unicode_scalars=len(text),
        message_bits=message_bits,
        total_bits=message_bits + headers,
        ucs2_chars=ucs2_chars,
        parts=tuple(parts),
        part_units=tuple(part_units),
    )
