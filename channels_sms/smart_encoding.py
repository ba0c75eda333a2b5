"""Replace Unicode look-alikes with GSM-7 characters (spec: sms.md section 1.7).

Why: one curly quote pasted from a word processor turns the whole message into
UCS-2, cutting a part from 160 to 70 characters and often doubling or tripling
the cost.  Twilio's ``SmartEncoded=true`` does such a replacement server-side,
but its table is not public, so the composer cannot predict the result.  We do
the replacement ourselves instead: the user sees (and approves) exactly the text
that will be sent, the count is exact, and the original body is stored too.

The table follows the ~270 entries of Twilio's public message-segment-calculator
(``SmartEncodingMap.ts``), regrouped by target, applied per code point as there.
Deliberate differences, none of which changes a count by more than a septet:

* ``‹``/``›`` map to ``<``/``>`` (the calculator has them swapped); ``‗`` to ``_``.
* All of full-width ASCII (U+FF01-U+FF5E) is folded, lowercase letters included.
* A few common extras: non-breaking hyphen and figure dash, minus sign, primes,
  soft hyphen (removed); line/paragraph separators become a newline.
* A grapheme whose NFC form is a single GSM-7 character is composed first, so a
  decomposed ``n`` + U+0303 becomes ``ñ`` (same look, still GSM-7) rather than
  the ``n~`` that per-code-point replacement would give.

Accented letters are *not* stripped (``á`` stays ``á``): that would change names
and words, which is worse than paying for UCS-2.  ZWJ/ZWNJ are kept because
emoji sequences and some scripts need them.
"""

from __future__ import annotations

import unicodedata

import regex

from channels_sms.gsm7 import GSM7_BASIC, GSM7_EXTENSION

__all__ = ["REPLACEMENTS", "apply"]

_TWO_SPACES = "  "

# target -> characters that are replaced by it
_GROUPS: dict[str, str] = {
    '"': (
        "\u00ab\u00bb\u201c\u201d\u201e\u201f\u02ba\u02ee\u275d\u275e\u301d\u301e"
        "\u2033"  # double prime
    ),
    "'": (
        "\u2018\u2019\u201a\u201b\u02bb\u02bc\u02bd\u02b9\u02c8\u02ca\u02cb\u00b4`"
        "\u275b\u275c\u0313\u0314\ufe10\ufe11"
        "\u2032"  # prime
    ),
    "-": (
        "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2022\u23bc\u23bd\ufe63\u2212"  # minus sign
    ),
    "...": "\u2026",
    "1/4": "\u00bc",
    "1/2": "\u00bd",
    "3/4": "\u00be",
    "/": "\u00f7\u29f8\u0337\u0338\u2044\u2215",
    "\\": "\u29f9\u29f5\u20e5\ufe68",
    "_": "\u0332\u2017",
    "|": "\u20d2\u20d3\u2223\u23b8\u23b9\u23d0\u239c\u239f",
    "@": "\ufe6b",
    "$": "\ufe69",
    "!": "\u01c3\ufe15\ufe57",
    "!!": "\u203c",
    "#": "\ufe5f",
    "%": "\ufe6a",
    "&": "\ufe60",
    ",": "\u0326\ufe50\ufe51\uff64\u3001",
    "(": "\u2768\u276a\ufe59\u27ee\u2985",
    ")": "\u2769\u276b\ufe5a\u27ef\u2986",
    "*": (
        "\u204e\u2217\u229b\u2722\u2723\u2724\u2725\u2731\u2732\u2733\u273a\u273b"
        "\u273c\u273d\u2743\u2749\u274a\u274b\u29c6\ufe61"
    ),
    "+": "\u02d6\ufe62",
    ".": "\u3002\ufe52\uff61",
    ":": "\u02d0\u02f8\u2982\ua789\ufe13",
    ";": "\u204f\ufe14\ufe54",
    "<": "\ufe64\u2039",
    ">": "\ufe65\u203a",
    "=": "\u0347\ua78a\ufe66",
    "?": "\ufe16\ufe56",
    "^": "\u02c6\u0302\u1dcd",
    "{": "\u2774\ufe5b",
    "}": "\u2775\ufe5c",
    "~": "\u02dc\u02f7\u0303\u0330\u0334\u223c",
    # Small-capital letters read as capitals.
    "A": "\u1d00",
    "B": "\u0299",
    "C": "\u1d04",
    "D": "\u1d05",
    "E": "\u1d07",
    "F": "\ua730",
    "G": "\u0262",
    "H": "\u029c",
    "I": "\u026a",
    "J": "\u1d0a",
    "K": "\u1d0b",
    "L": "\u029f",
    "M": "\u1d0d",
    "N": "\u0274",
    "O": "\u1d0f",
    "P": "\u1d18",
    "R": "\u0280",
    "S": "\ua731",
    "T": "\u1d1b",
    "U": "\u1d1c",
    "V": "\u1d20",
    "W": "\u1d21",
    "Y": "\u028f",
    "Z": "\u1d22",
    # Two spaces, as the calculator does, so that width is roughly kept.
    _TWO_SPACES: (
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
        "\u202f\u205f\u3000"
        "\u0080\u008d\u0090\u009b\u009f"  # C1 controls that render as a gap
    ),
    # A tab prints as up to 8 columns; the calculator settled on seven spaces.
    " " * 7: "\t",
    "\n": "\u2028\u2029",
    # Invisible: zero-width characters, soft hyphen and stray C0 controls.
    "": ("\u200b\u2060\ufeff\u00ad\u0000\u0003\u0004\u0010\u0011\u0012\u0013\u0014\u0017\u0019"),
}


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for target, sources in _GROUPS.items():
        for ch in sources:
            if ch in table:
                raise AssertionError(f"U+{ord(ch):04X} mapped twice")
            table[ch] = target
    # Full-width ASCII block, chained through the table so that full-width
    # backtick ends as an apostrophe, not as a (non-GSM) backtick.
    for cp in range(0xFF01, 0xFF5F):
        ascii_ch = chr(cp - 0xFEE0)
        table.setdefault(chr(cp), table.get(ascii_ch, ascii_ch))
    return table


#: Code point -> replacement, for reuse (e.g. to list what would change in a UI).
REPLACEMENTS: dict[str, str] = _build()

_TRANSLATION = str.maketrans(REPLACEMENTS)
_GRAPHEME_RE = regex.compile(r"\X")


def _compose_if_gsm(cluster: str) -> str:
    if len(cluster) > 1:
        composed = unicodedata.normalize("NFC", cluster)
        if len(composed) == 1:
            if composed in GSM7_BASIC or composed in GSM7_EXTENSION:
                return composed
    return cluster


def _compose(text: str) -> str:
    if text.isascii():
        return text
    return "".join(_compose_if_gsm(g) for g in _GRAPHEME_RE.findall(text))


def apply(text: str) -> str:
    """Return ``text`` with GSM-7 look-alikes substituted for Unicode characters.

    Composing again after the replacement keeps the function idempotent: removing
    a zero-width character can bring a letter and a combining mark together.
    """
    return _compose(_compose(text).translate(_TRANSLATION))
