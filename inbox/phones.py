"""Phone numbers: one canonical E.164 form, parsed by phonenumbers."""

from __future__ import annotations

import phonenumbers


class InvalidPhoneNumber(ValueError):
    pass


def to_e164(value: str, default_region: str | None = None) -> str:
    """Canonical E.164, or InvalidPhoneNumber naming what is wrong."""
    raw = (value or "").strip()
    if not raw:
        raise InvalidPhoneNumber("phone number is empty")
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number ({exc})") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhoneNumber(f"{raw!r} is not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def pretty(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def region_of(e164: str) -> str:
    """The ISO 3166 region a number belongs to ("ES", "MX"), or "" when it has none."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return ""
    region = phonenumbers.region_code_for_number(parsed) or ""
    return "" if region == "001" else region  # 001: non-geographic numbers
