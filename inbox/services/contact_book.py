"""The contact book's writes: the one place a contact is created or updated by phone number.

Everything that knows a customer by number goes through `upsert_contact`: the REST API
(`POST /api/v1/contacts`), the CSV import, the "New conversation" flow. So a number is
always stored in E.164, attributes always typed by the workspace's definitions, labels
always the workspace's own, and consent always recorded in the opt-out ledger by one rule:
an opt-out is never undone by a write that says "consented" (only the customer's START
does that, inbox.services.consent_keywords).

Edits that are not keyed by phone (the API's PATCH, the contacts page's bulk labels) are
`update_contact` and `add_labels` / `remove_labels` below, sharing the same checks.
Deleting a contact is the privacy app's erasure (it also removes stored media and the
contact's values in the audit log), which is why this module has no delete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inbox import attribute_values, phones, realtime
from inbox.models import Channel, Contact, ContactIdentity, Label, Workspace
from inbox.services import consent as consent_ledger
from inbox.services.audit import record
from inbox.storable import storable_text

NAME_MAX = 200
LABEL_NAME_MAX = 50
SOURCE_MAX = 16  # Consent.source's length
_AUDITED = ("name", "email", "attributes", "country")


class ContactRejected(ValueError):
    """The input cannot be stored; `errors` names every problem ("phone: ...")."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class _Changes:
    name: str | None
    email: str | None
    attributes: dict[str, Any] | None  # key -> stored value, None removes the key
    labels: list[str] | None


def normalize_phone(phone: str, *, country: str | None = None) -> str:
    """E.164 for `phone` (international, or national with `country`), or ContactRejected."""
    try:
        return phones.to_e164(phone, (country or "").upper() or None)
    except phones.InvalidPhoneNumber as exc:
        raise ContactRejected([_("phone: %(reason)s") % {"reason": exc}]) from None


def upsert_contact(
    workspace: Workspace,
    *,
    phone: str,
    country: str | None = None,
    name: str | None = None,
    email: str | None = None,
    labels: Iterable[str] | None = None,
    attributes: Mapping[str, Any] | None = None,
    consent: bool | None = None,
    source: str,
    actor=None,
) -> tuple[Contact, bool]:
    """Create the contact at `phone`, or update the one already there; (contact, created).

    None leaves a field as it is; "" clears name or email. `attributes` maps definition
    keys to raw values (JSON or CSV text), parsed by the definition's type; None or ""
    removes the value, keys without a definition are refused. `labels` are label names,
    added to the contact (created in the workspace when new; never removed here).
    `consent` True records consent on every active channel that has no ledger entry
    yet and leaves an opt-out in place; False opts the number out of every active
    channel. `source` ("api", "import", ...) goes into the ledger. With an `actor`
    the change is audited (one entry per contact); bulk callers may audit once instead.

    Raises ContactRejected listing every problem before anything is written.
    """
    e164 = normalize_phone(phone, country=country)
    changes = _checked(workspace, name=name, email=email, attributes=attributes, labels=labels)
    if consent is not None and not source:
        raise ContactRejected([_("source: required to record consent.")])
    with transaction.atomic():
        contact, created = _contact_at(workspace, e164)
        _apply(contact, changes, country=phones.region_of(e164), created=created, actor=actor)
        if consent is not None:
            _record_consent(workspace, e164, consented=consent, source=source[:SOURCE_MAX])
    return contact, created


def update_contact(
    contact: Contact,
    *,
    name: str | None = None,
    email: str | None = None,
    labels: Iterable[str] | None = None,
    attributes: Mapping[str, Any] | None = None,
    actor=None,
) -> Contact:
    """Edit a contact found by id (the API's PATCH): as `upsert_contact`, except that
    `labels`, when given, replace the contact's labels instead of adding to them."""
    changes = _checked(
        contact.workspace, name=name, email=email, attributes=attributes, labels=labels
    )
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        _apply(locked, changes, country=None, created=False, actor=actor, replace_labels=True)
    return locked


def add_labels(*, workspace: Workspace, contact_ids: Iterable[int], label: Label) -> int:
    """Put `label` on every listed contact of the workspace; how many gained it."""
    _own_label(workspace, label)
    ids = list(
        Contact.objects.filter(workspace=workspace, pk__in=list(contact_ids)).values_list(
            "pk", flat=True
        )
    )
    through = Contact.labels.through
    existing = set(
        through.objects.filter(label=label, contact_id__in=ids).values_list("contact_id", flat=True)
    )
    rows = [through(contact_id=pk, label=label) for pk in ids if pk not in existing]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def remove_labels(*, workspace: Workspace, contact_ids: Iterable[int], label: Label) -> int:
    """Take `label` off every listed contact of the workspace; how many lost it."""
    _own_label(workspace, label)
    deleted, _counts = Contact.labels.through.objects.filter(
        label=label, contact__workspace=workspace, contact_id__in=list(contact_ids)
    ).delete()
    return deleted


# --- the parts ----------------------------------------------------------------------------


def _checked(workspace, *, name, email, attributes, labels) -> _Changes:
    """Every problem in the input at once, so an import row reports all of them."""
    kinds = attribute_values.definition_types(workspace) if attributes is not None else {}
    return check_changes(kinds=kinds, name=name, email=email, attributes=attributes, labels=labels)


def check_changes(*, kinds: Mapping[str, str], name, email, attributes, labels) -> _Changes:
    """`_checked` with the workspace's attribute types given ({key: type}), and no query:
    the CSV import validates a chunk of rows in memory with it."""
    errors: list[str] = []
    if name is not None:
        name = storable_text(str(name)).strip()
        if len(name) > NAME_MAX:
            errors.append(_("name: at most %(max)s characters.") % {"max": NAME_MAX})
    if email is not None:
        email = storable_text(str(email)).strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("email: %(value)r is not an email address.") % {"value": email})
    typed = None
    if attributes is not None:
        typed = {}
        for key, raw in attributes.items():
            if key not in kinds:
                errors.append(_("attributes.%(key)s: no such contact attribute.") % {"key": key})
                continue
            try:
                typed[key] = attribute_values.parse(kinds[key], raw, key=f"attributes.{key}")
            except attribute_values.InvalidAttributeValue as exc:
                errors.append(str(exc))
    names = None
    if labels is not None:
        names = sorted({storable_text(str(label)).strip() for label in labels} - {""})
        errors += [
            _("labels: %(name)r is longer than %(max)s characters.")
            % {"name": label, "max": LABEL_NAME_MAX}
            for label in names
            if len(label) > LABEL_NAME_MAX
        ]
    if errors:
        raise ContactRejected(errors)
    return _Changes(name=name, email=email, attributes=typed, labels=names)


def _contact_at(workspace: Workspace, e164: str) -> tuple[Contact, bool]:
    """The contact behind the number, locked; created when nobody has it (a concurrent
    creator's row wins, and this becomes an update of it)."""
    found = (
        Contact.objects.select_for_update()
        .filter(
            workspace=workspace,
            identities__kind=ContactIdentity.Kind.PHONE,
            identities__value=e164,
        )
        .first()
    )
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            contact = Contact.objects.create(workspace=workspace)
            ContactIdentity.objects.create(
                workspace=workspace, contact=contact, kind=ContactIdentity.Kind.PHONE, value=e164
            )
            return contact, True
    except IntegrityError:
        identity = ContactIdentity.objects.get(
            workspace=workspace, kind=ContactIdentity.Kind.PHONE, value=e164
        )
        return Contact.objects.select_for_update().get(pk=identity.contact_id), False


def _apply(
    contact: Contact,
    changes: _Changes,
    *,
    country: str | None,
    created: bool,
    actor,
    replace_labels: bool = False,
) -> None:
    before = {field: getattr(contact, field) for field in _AUDITED}
    before["attributes"] = dict(contact.attributes or {})
    after = merged_values(before, changes, country=country)
    for field, value in after.items():
        setattr(contact, field, value)
    if after != before:
        contact.save(update_fields=list(_AUDITED))
    labels_changed = False
    if changes.labels is not None:
        labels_changed = _label(contact, changes.labels, replace=replace_labels)
    if actor is not None and (created or after != before or labels_changed):
        action = "contact.created" if created else "contact.updated"
        record(
            contact.workspace,
            actor,
            action,
            contact,
            before=None if created else before,
            after=after,
        )
    if not created and (after != before or labels_changed):
        for conversation in contact.conversations.all():
            realtime.conversation_changed(conversation)


def merged_values(
    current: Mapping[str, Any], changes: _Changes, *, country: str | None
) -> dict[str, Any]:
    """The audited fields (name, email, attributes, country) after `changes`: None keeps a
    field, an attribute set to None is removed, a country replaces the old one. Pure, so
    the CSV import computes a chunk's updates exactly as this module does one's."""
    after = {field: current[field] for field in _AUDITED}
    if changes.name is not None:
        after["name"] = changes.name
    if changes.email is not None:
        after["email"] = changes.email
    if changes.attributes:
        merged = dict(current["attributes"] or {})
        for key, value in changes.attributes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        after["attributes"] = merged
    if country:
        after["country"] = country
    return after


def _label(contact: Contact, names: list[str], *, replace: bool) -> bool:
    """Give the contact these labels (created in the workspace when new); True if changed."""
    existing = {
        label.name: label
        for label in Label.objects.filter(workspace_id=contact.workspace_id, name__in=names)
    }
    for name in names:
        if name not in existing:
            existing[name], _created = Label.objects.get_or_create(
                workspace_id=contact.workspace_id, name=name
            )
    wanted = {label.pk for label in existing.values()}
    current = set(contact.labels.values_list("pk", flat=True))
    if replace and current != wanted:
        contact.labels.set(list(existing.values()))
        return True
    missing = wanted - current
    if not replace and missing:
        contact.labels.add(*missing)
        return True
    return False


def _record_consent(workspace: Workspace, e164: str, *, consented: bool, source: str) -> None:
    for channel in Channel.objects.filter(workspace=workspace, is_active=True):
        if consented:
            consent_ledger.record_consent_given(channel, e164, source=source)
        else:
            consent_ledger.record_consent(channel, e164, opted_out=True, source=source)


def _own_label(workspace: Workspace, label: Label) -> None:
    if label.workspace_id != workspace.pk:
        raise ValidationError(_("Unknown label."))
