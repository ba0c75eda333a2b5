"""Default sending rates by sender type (sms.md 2.7), when a channel sets no `mps`.

Carriers meter in segments per second and the limits differ by what the sender is;
guessing low is safe (messages queue), guessing high gets them filtered.
"""

from __future__ import annotations

import phonenumbers

SHORT_CODE_MPS = 100.0
TOLL_FREE_MPS = 3.0
US_LONG_CODE_MPS = 4.0  # 10DLC low-volume standard brand (~3.75); raise per campaign
INTERNATIONAL_MPS = 10.0  # alphanumeric senders and numbers outside +1


def sender_type(from_number: str) -> str:
    digits = from_number.lstrip("+")
    if not from_number.startswith("+"):
        return "alphanumeric" if not digits.isdigit() else "short_code"
    try:
        parsed = phonenumbers.parse(from_number)
    except phonenumbers.NumberParseException:
        return "alphanumeric"
    if parsed.country_code != 1:
        return "international"
    if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE:
        return "toll_free"
    return "us_long_code"


def default_mps(from_number: str) -> float:
    return {
        "short_code": SHORT_CODE_MPS,
        "toll_free": TOLL_FREE_MPS,
        "us_long_code": US_LONG_CODE_MPS,
    }.get(sender_type(from_number), INTERNATIONAL_MPS)
