"""Contact custom fields: values typed by the workspace's attribute definitions.

Contact.attributes is schemaless JSON, so the definition's type is the only thing that
keeps "42" and 42, or "2024-3-1" and "2024-03-01", from both ending up there. Every write
is parsed by the definition's `form_field` and stored by `to_json` (`coerce` does both for
one value), so readers (the panel, exports, webhooks) can trust the stored type:
numbers as JSON numbers, dates as ISO strings, yes/no as booleans. Keys without a
definition (imported, or from a deleted definition) are never dropped by an edit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inbox import realtime
from inbox.models import Contact, Workspace
from inbox.services.audit import record
from inbox.services.customer_language import checked_language

from ..models import AttributeType, ContactAttributeDefinition

TEXT_MAX = 500
NAME_MAX = 200


def definitions(workspace: Workspace) -> list[ContactAttributeDefinition]:
    """In the order the settings page lists them (the model's ordering: label, then id)."""
    return list(ContactAttributeDefinition.objects.filter(workspace=workspace))


def form_field(definition: ContactAttributeDefinition) -> forms.Field:
    """The Django field that parses a value of this type; its messages are the errors."""
    common = {"label": definition.label, "required": False}
    if definition.type == AttributeType.NUMBER:
        # Bounded so every accepted value survives the round trip through a JSON float.
        return forms.DecimalField(max_digits=15, decimal_places=6, **common)
    if definition.type == AttributeType.DATE:
        return forms.DateField(
            input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
            **common,
        )
    if definition.type == AttributeType.BOOL:
        return forms.BooleanField(**common)
    return forms.CharField(max_length=TEXT_MAX, strip=True, **common)


def to_json(definition: ContactAttributeDefinition, cleaned: Any) -> Any:
    """A cleaned form value as stored; None means "no value" (the key is removed)."""
    if definition.type == AttributeType.BOOL:
        return bool(cleaned)
    if cleaned in (None, ""):
        return None
    if definition.type == AttributeType.NUMBER:
        number = Decimal(cleaned)
        return int(number) if number == number.to_integral_value() else float(number)
    if definition.type == AttributeType.DATE:
        return cleaned.isoformat()
    return str(cleaned)


def coerce(definition: ContactAttributeDefinition, raw: Any) -> Any:
    """Parse one submitted value by the definition's type (ValidationError if it doesn't)."""
    return to_json(definition, form_field(definition).clean(raw))


def initial(definition: ContactAttributeDefinition, stored: Any) -> Any:
    """A stored value as a form field's starting value (dates back from ISO strings)."""
    if definition.type == AttributeType.DATE and isinstance(stored, str):
        try:
            return datetime.date.fromisoformat(stored)
        except ValueError:
            return stored
    return stored


def merged(
    existing: Mapping[str, Any] | None,
    values: Mapping[str, Any],
    known: Iterable[ContactAttributeDefinition],
) -> dict[str, Any]:
    """The new attributes: defined keys set (or removed when None), all others kept."""
    result = dict(existing or {})
    for definition in known:
        value = values.get(definition.key)
        if value is None:
            result.pop(definition.key, None)
        else:
            result[definition.key] = value
    return result


def update_contact(
    contact: Contact,
    *,
    name: str,
    email: str,
    values: Mapping[str, Any],
    known: list[ContactAttributeDefinition],
    actor,
    language: str | None = None,
) -> Contact:
    """Save name, email, typed attributes and (when given) the customer's language at
    once (values already stored-typed, as `to_json` returns them).

    The row is locked so two agents saving different fields do not lose each other's
    keys; the change is audited (it is personal data) and announced on every thread of
    the contact so open panels and lists re-fetch.
    """
    if len(name) > NAME_MAX:
        raise ValidationError(f"Name: at most {NAME_MAX} characters.")
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        fields = ["name", "email", "attributes", "language"]
        before = {field: getattr(locked, field) for field in fields}
        locked.name = name
        locked.email = email
        locked.attributes = merged(locked.attributes, values, known)
        if language is not None:
            locked.language = checked_language(language)
        after = {field: getattr(locked, field) for field in fields}
        if after == before:
            return locked
        locked.save(update_fields=fields)
        record(locked.workspace, actor, "contact.updated", locked, before=before, after=after)
        for conversation in locked.conversations.all():
            realtime.conversation_changed(conversation)
    return locked
