"""Text as PostgreSQL can store it: no NUL characters, no unpaired surrogates.

PostgreSQL refuses both (a text column rejects NUL, jsonb rejects ``\\u0000`` and lone
surrogate escapes) and psycopg raises before the query leaves, so one such character
from outside (a customer's SMS, an API body, a search box) was a 500, and for a webhook
a message lost: the provider's retries carried the same character and failed the same
way. Text entering the domain passes through here instead. A NUL carries no meaning in
a chat message and is dropped; a lone surrogate (JSON can spell one, UTF-8 cannot)
becomes U+FFFD, as an undecodable byte already does.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

T = TypeVar("T")


def storable_text(text: str) -> str:
    """`text` without NULs, its lone surrogates replaced; unchanged (same object) if clean."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if _LONE_SURROGATE.search(text):
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return text


def storable(value: T) -> T:
    """Every string inside `value` (dict keys too) made storable.

    Handles what JSON bodies and normalized events are made of: dicts, lists, tuples,
    frozen dataclasses and scalars. Depth is bounded by whoever parsed the value
    (inbox.json_body), so the recursion is too.
    """
    if isinstance(value, str):
        return storable_text(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        return type(value)(storable(item) for item in value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for field in fields(value):
            before = getattr(value, field.name)
            after = storable(before)
            if after is not before:
                changes[field.name] = after
        return replace(value, **changes) if changes else value
    return value
