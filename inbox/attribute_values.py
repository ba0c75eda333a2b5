"""Contact attribute values typed by the workspace's definitions, for writers outside the
settings form (the contact book's upsert: API, CSV import) and for the contact filter.

The definitions are workspace_settings' `ContactAttributeDefinition` rows, read through
the reverse relation `workspace.contact_attribute_definitions` so the inbox never imports
that app. Values are stored as that app's `to_json` stores them: numbers as JSON numbers,
dates as ISO `YYYY-MM-DD` strings, yes/no as booleans, text as strings; so one SQL cast
per type reads every row the same way.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from inbox.storable import storable_text

TEXT = "text"
NUMBER = "number"
DATE = "date"
BOOL = "bool"
TYPES = (TEXT, NUMBER, DATE, BOOL)
TEXT_MAX = 500
# The settings form's bound (15 digits, 6 after the point): every accepted value
# survives the round trip through a JSON float.
NUMBER_MAX_DIGITS = 15
NUMBER_MAX_PLACES = 6
_TRUE = {"true", "yes", "y", "1", "si", "sí", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class InvalidAttributeValue(ValueError):
    pass


def definition_types(workspace) -> dict[str, str]:
    """{key: type} of the workspace's attribute definitions."""
    return dict(workspace.contact_attribute_definitions.values_list("key", "type"))


def parse(kind: str, raw: Any, *, key: str = "") -> Any:
    """A raw value (JSON or CSV text) as stored for an attribute of type `kind`; None
    means "no value". InvalidAttributeValue says what was expected."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, (list, dict)):
        raise _expected(key, _("a single value"), raw)
    if kind == NUMBER:
        return parse_number(raw, key=key)
    if kind == DATE:
        return parse_date(raw, key=key).isoformat()
    if kind == BOOL:
        return parse_bool(raw, key=key)
    text = storable_text(str(raw)).strip()
    if len(text) > TEXT_MAX:
        raise InvalidAttributeValue(
            _("%(key)s: at most %(max)s characters.") % {"key": key, "max": TEXT_MAX}
        )
    return text


def parse_number(raw: Any, *, key: str = "") -> int | float:
    if isinstance(raw, bool):
        raise _expected(key, _("a number"), raw)
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _expected(key, _("a number"), raw) from None
    if not number.is_finite():
        raise _expected(key, _("a number"), raw)
    digits = number.as_tuple()
    places = max(0, -int(digits.exponent))
    if places > NUMBER_MAX_PLACES or len(digits.digits) > NUMBER_MAX_DIGITS:
        raise _expected(key, _("a number of at most 15 digits, 6 after the point"), raw)
    return int(number) if number == number.to_integral_value() else float(number)


def parse_date(raw: Any, *, key: str = "") -> datetime.date:
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise _expected(key, _("a date as YYYY-MM-DD"), raw) from None


def parse_bool(raw: Any, *, key: str = "") -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _expected(key, _("yes or no"), raw)


def _expected(key: str, what: str, raw: Any) -> InvalidAttributeValue:
    return InvalidAttributeValue(
        _("%(key)s: expected %(what)s, got %(raw)r.") % {"key": key, "what": what, "raw": raw}
    )
