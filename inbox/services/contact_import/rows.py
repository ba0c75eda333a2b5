"""One record of the file to the contact it describes, or the reason it is rejected.

The checks are the contact book's own (`normalize_phone`, `check_changes`), run in memory
so a chunk of rows is validated without a query per row: a row the import accepts is a
row `upsert_contact` would accept, stored the same way.

An empty cell says nothing: it leaves the field as it is (an import never wipes a name
because its file lacked one). Labels are split on ";" or "|" and only ever added.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from inbox import attribute_values, phones
from inbox.services.contact_book import ContactRejected, check_changes, normalize_phone

from . import columns

LABEL_SEPARATORS = re.compile(r"[;|]")


@dataclass(frozen=True)
class ContactRow:
    """A valid row: what `upsert_contact` would be called with, already checked."""

    row: int
    phone: str  # E.164
    country: str
    changes: Any  # contact_book's checked changes (name, email, attributes, labels)
    consent: bool | None


@dataclass(frozen=True)
class RejectedRow:
    row: int
    error: str
    cells: list[str]


def read_row(
    number: int,
    cells: Sequence[str],
    *,
    mapping: Sequence[str],
    kinds: Mapping[str, str],
    default_country: str,
) -> ContactRow | RejectedRow:
    """Validate one record; every problem of the row is named in one reason."""
    values: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for target, cell in zip(mapping, cells, strict=False):
        cell = cell.strip()
        if not target or not cell:
            continue
        if target.startswith(columns.ATTRIBUTE):
            attributes[target.removeprefix(columns.ATTRIBUTE)] = cell
        else:
            values[target] = cell
    errors: list[str] = []
    phone = ""
    try:
        phone = normalize_phone(values.get(columns.PHONE, ""), country=default_country)
    except ContactRejected as exc:
        errors += exc.errors
    consent = None
    if columns.CONSENT in values:
        try:
            consent = attribute_values.parse_bool(values[columns.CONSENT], key="consent")
        except attribute_values.InvalidAttributeValue as exc:
            errors.append(str(exc))
    labels = values.get(columns.LABELS)
    changes = None
    try:
        changes = check_changes(
            kinds=kinds,
            name=values.get(columns.NAME),
            email=values.get(columns.EMAIL),
            attributes=attributes or None,
            labels=LABEL_SEPARATORS.split(labels) if labels else None,
        )
    except ContactRejected as exc:
        errors += exc.errors
    if len(cells) > len(mapping) and any(c.strip() for c in cells[len(mapping) :]):
        errors.append(
            _("row: %(count)s cells, but the header names %(columns)s columns.")
            % {"count": len(cells), "columns": len(mapping)}
        )
    if errors:
        return RejectedRow(row=number, error="; ".join(errors), cells=list(cells))
    return ContactRow(
        row=number,
        phone=phone,
        country=phones.region_of(phone),
        changes=changes,
        consent=consent,
    )
