"""JSON from outside (webhook and API bodies), parsed with a bounded nesting depth.

`json.loads` recurses once per level: a body of a few thousand "[" raised RecursionError,
which no caller expected, so a stranger could answer any webhook URL with a 500 (even
with an unknown token, since RCS reads its handshake first). Depth is checked before
parsing (brackets inside strings do not count), and a body deeper than any real payload
is refused as invalid JSON: a ValueError, which callers already answer with 400.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# RBM events and the richest content (a carousel of cards with suggestions) stay under
# ten levels; 32 leaves room for provider additions and nested custom fields.
MAX_DEPTH = 32

# A JSON string with its escapes, so a bracket inside one is not counted.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SQUARE = str.maketrans("{}", "[]")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses as infinity
        raise ValueError(f"{text} is out of range")
    return value


class JsonTooDeep(ValueError):
    """Nested deeper than MAX_DEPTH."""


def exceeds_depth(text: str, max_depth: int) -> bool:
    """Whether arrays and objects in `text` nest deeper than `max_depth`.

    Every step runs in C, so a 2.5 MB body of brackets costs milliseconds: strings are
    cut out, everything but brackets dropped, then each pass deletes the innermost
    empty pairs, one level per pass. Input that is not balanced is refused by json.loads
    afterwards, unless it opens more levels than allowed (the parser would recurse into
    those before finding the error).
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).translate(_SQUARE)
    for _ in range(max_depth):
        if not brackets:
            return False
        inner_removed = brackets.replace("[]", "")
        if len(inner_removed) == len(brackets):  # unbalanced: json.loads will refuse it
            return brackets.count("[") > max_depth
        brackets = inner_removed
    return bool(brackets)


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, refusing documents nested deeper than `max_depth` (JsonTooDeep) and
    numbers PostgreSQL's jsonb cannot hold (NaN, Infinity, 1e400).

    Bytes are decoded as json.loads would (UTF-8, -16 or -32); undecodable bytes raise
    UnicodeDecodeError, a ValueError like every other refusal here.
    """
    text = raw.decode(json.detect_encoding(raw)) if isinstance(raw, bytes | bytearray) else raw
    if exceeds_depth(text, max_depth):
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels")
    try:
        # NaN and Infinity are Python's extension: jsonb refuses them, so they stop here.
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError as exc:  # unreachable under the check above; the last guard
        raise JsonTooDeep("JSON nested too deeply") from exc
