"""Fill a template's `{{placeholders}}` for one contact; pure functions, no writes.

`{{name}}` and `{{first_name}}` come from the contact; any other key is a contact
attribute, formatted by its definition's type in the workspace's language (numbers with
grouping, and two decimals when they have a fraction, as amounts of money do; dates
written out). A placeholder without a value makes the whole rendering fail with the
keys that are missing: a recipient is excluded rather than sent "Hola {{name}}".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats, translation

from inbox import attribute_values

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")
CONTACT_KEYS = ("name", "first_name")


@dataclass(frozen=True)
class Rendered:
    content: dict | None
    text: str
    missing: tuple[str, ...] = ()


def keys_in(value: Any) -> set[str]:
    """Every placeholder key used anywhere in `value` (content or text)."""
    found: set[str] = set()
    for text in _strings(value):
        found.update(PLACEHOLDER.findall(text))
    return found


def unknown_keys(value: Any, attribute_types: Mapping[str, str]) -> list[str]:
    """Placeholders that name neither the contact's name nor a defined attribute."""
    return sorted(k for k in keys_in(value) if k not in CONTACT_KEYS and k not in attribute_types)


def contact_values(contact, attribute_types: Mapping[str, str], *, language: str) -> dict[str, str]:
    """{key: text} for every placeholder this contact has a value for."""
    values: dict[str, str] = {}
    name = (contact.name or "").strip()
    if name:
        values["name"] = name
        values["first_name"] = name.split()[0]
    with translation.override(language):
        for key, kind in attribute_types.items():
            text = format_value(kind, (contact.attributes or {}).get(key))
            if text:
                values[key] = text
    return values


def format_value(kind: str, raw: Any) -> str:
    """A stored attribute value as a person reads it in the active language; "" none."""
    if raw is None or raw == "":
        return ""
    try:
        if kind == attribute_values.NUMBER:
            number = attribute_values.parse_number(raw)
            places = 0 if number == int(number) else 2
            text = formats.number_format(
                number, decimal_pos=places, use_l10n=True, force_grouping=True
            )
            # Some locales group with a no-break space (Spanish: "1 234,50"); outside
            # GSM-7, one would turn a whole SMS into UCS-2 and halve its segments.
            return text.replace("\xa0", " ").replace("\u202f", " ")
        if kind == attribute_values.DATE:
            day = attribute_values.parse_date(raw)
            return formats.date_format(day, "DATE_FORMAT", use_l10n=True)
        if kind == attribute_values.BOOL:
            return (
                translation.gettext("yes")
                if attribute_values.parse_bool(raw)
                else (translation.gettext("no"))
            )
    except attribute_values.InvalidAttributeValue:
        return ""  # a stored value of another type reads as "no value", as filters do
    if isinstance(raw, (datetime.date, datetime.datetime)):
        return formats.date_format(raw, "DATE_FORMAT", use_l10n=True)
    return str(raw).strip()


def fill(value: Any, values: Mapping[str, str]) -> tuple[Any, set[str]]:
    """`value` (content or text) with its placeholders replaced; (filled, missing keys)."""
    missing: set[str] = set()

    def one(text: str) -> str:
        def swap(match: re.Match) -> str:
            key = match.group(1)
            if key in values:
                return values[key]
            missing.add(key)
            return match.group(0)

        return PLACEHOLDER.sub(swap, text)

    return _map_strings(value, one), missing


def render_for(*, content: dict, sms_text: str, values: Mapping[str, str]) -> Rendered:
    """The template's content and SMS text for one recipient, or the missing keys."""
    filled, missing = fill(content, values)
    text, missing_text = fill(sms_text, values)
    missing |= missing_text
    if missing:
        return Rendered(content=None, text="", missing=tuple(sorted(missing)))
    return Rendered(content=filled, text=text)


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _map_strings(value: Any, change) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    return value
