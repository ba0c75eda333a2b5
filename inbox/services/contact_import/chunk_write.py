"""Storing a chunk of valid rows set-based, with the outcome of `upsert_contact` per row.

`upsert_contact` costs a handful of queries per row; 100,000 rows at that rate take
minutes. Here one chunk costs a fixed number of statements whatever its size: one read
of the contacts already at those numbers (locked, as the upsert locks its row), one
UPDATE from arrays for the ones whose fields change, one bulk INSERT of the new contacts
and one INSERT ... ON CONFLICT DO NOTHING of their phone identities (the unique
(workspace, kind, value) is the "upsert by phone"), the labels and their links in bulk,
and the consent rows as the ledger writes them. The merge of old and new values is the
contact book's own function (`merged_values`), so a chunk ends as the same rows calling
`upsert_contact` once per row would leave (tests/services/contact_import holds the two
equal). The caller runs it inside the chunk's transaction and passes rows whose phone
numbers are distinct (a repeated number waits for the next batch, as a second call
would come after the first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.utils import timezone

from inbox import realtime
from inbox.models import Channel, Contact, ContactIdentity, Conversation, Label, Workspace
from inbox.services import consent as consent_ledger
from inbox.services.contact_book import SOURCE_MAX, merged_values

from .rows import ContactRow

_FIELDS = ("name", "email", "attributes", "country")
# Columns the import does not set must have a database default; none do today.
_UPDATE = """
    UPDATE inbox_contact AS c
    SET name = v.name, email = v.email, attributes = v.attributes::jsonb, country = v.country
    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
        AS v(id, name, email, attributes, country)
    WHERE c.id = v.id
"""


_NEW_IDS = (
    "SELECT nextval(pg_get_serial_sequence('inbox_contact', 'id')) FROM generate_series(1, %s)"
)
_INSERT_CONTACTS = """
    INSERT INTO inbox_contact (workspace_id, created_at, id, name, email, attributes, country)
    SELECT %s, %s, v.id, v.name, v.email, v.attributes::jsonb, v.country
    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
        AS v(id, name, email, attributes, country)
"""
_INSERT_PHONES = """
    INSERT INTO inbox_contactidentity (workspace_id, kind, created_at, contact_id, value)
    SELECT %s, %s, %s, v.contact_id, v.value
    FROM unnest(%s::bigint[], %s::text[]) AS v(contact_id, value)
    ON CONFLICT (workspace_id, kind, value) DO NOTHING
    RETURNING value
"""
_INSERT_LABEL_LINKS = """
    INSERT INTO {table} (contact_id, label_id)
    SELECT * FROM unnest(%s::bigint[], %s::bigint[])
    ON CONFLICT DO NOTHING
    RETURNING contact_id
"""
_INSERT_CONSENT = """
    INSERT INTO inbox_consent
        (workspace_id, opted_out, keyword, source, changed_at, channel_id, address)
    SELECT %s, false, '', %s, %s, v.channel_id, v.address
    FROM unnest(%s::bigint[], %s::text[]) AS v(channel_id, address)
    ON CONFLICT (channel_id, address) DO NOTHING
"""


@dataclass
class ChunkOutcome:
    created: int = 0
    updated: int = 0


def write_chunk(workspace: Workspace, rows: Sequence[ContactRow], *, source: str) -> ChunkOutcome:
    """Create or update the contacts of `rows` (distinct phones); call inside a transaction."""
    outcome = ChunkOutcome()
    if not rows:
        return outcome
    by_phone = {row.phone: row for row in rows}
    contact_ids = _update_existing(workspace, by_phone, outcome)
    existing = set(contact_ids.values())
    pending = [row for row in rows if row.phone not in contact_ids]
    while pending:  # a number another writer took meanwhile becomes an update of theirs
        created, lost = _create_new(workspace, pending)
        contact_ids.update(created)
        outcome.created += len(created)
        pending = []
        if lost:
            pending_updates = {phone: by_phone[phone] for phone in lost}
            taken = _update_existing(workspace, pending_updates, outcome)
            contact_ids.update(taken)
            existing.update(taken.values())
            pending = [by_phone[p] for p in lost if p not in contact_ids]
    _add_labels(workspace, rows, contact_ids, existing)
    _record_consent(workspace, rows, source=source[:SOURCE_MAX])
    return outcome


def _update_existing(workspace, by_phone: dict[str, ContactRow], outcome: ChunkOutcome):
    """Merge the rows into the contacts already at their numbers; {phone: contact id}."""
    found = (
        Contact.objects.select_for_update(of=("self",))
        .filter(
            workspace=workspace,
            identities__kind=ContactIdentity.Kind.PHONE,
            identities__value__in=list(by_phone),
        )
        .values("pk", *_FIELDS, phone=F("identities__value"))
    )
    ids, before = {}, {}
    for current in found:
        ids[current["phone"]] = current["pk"]
        current["attributes"] = dict(current["attributes"] or {})
        before[current["pk"]] = {field: current[field] for field in _FIELDS}
    # In file order, one state per contact: a merged contact with two of the chunk's
    # numbers takes both rows one after the other, as two upserts would.
    state = dict(before)
    for phone, row in by_phone.items():
        if phone in ids:
            pk = ids[phone]
            state[pk] = merged_values(state[pk], row.changes, country=row.country)
    changed = [(pk, after) for pk, after in state.items() if after != before[pk]]
    outcome.updated += len(ids)
    if changed:
        with connection.cursor() as cursor:
            cursor.execute(
                _UPDATE,
                [
                    [pk for pk, _after in changed],
                    [after["name"] for _pk, after in changed],
                    [after["email"] for _pk, after in changed],
                    [json.dumps(after["attributes"]) for _pk, after in changed],
                    [after["country"] for _pk, after in changed],
                ],
            )
    _announce(workspace, [pk for pk, _after in changed])
    return ids


def _create_new(workspace, rows: Sequence[ContactRow]) -> tuple[dict[str, int], list[str]]:
    """Insert contacts and their numbers; ({phone: new id}, numbers taken by others).

    Ids are drawn from the sequence first, so each number is paired with its contact
    without relying on the order of RETURNING; the numbers are inserted with ON CONFLICT
    DO NOTHING, and a number someone else stored meanwhile drops its new contact.
    """
    empty = {"name": "", "email": "", "attributes": {}, "country": ""}
    values = [merged_values(empty, row.changes, country=row.country) for row in rows]
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_NEW_IDS, [len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        cursor.execute(
            _INSERT_CONTACTS,
            [
                workspace.pk,
                now,
                ids,
                [v["name"] for v in values],
                [v["email"] for v in values],
                [json.dumps(v["attributes"]) for v in values],
                [v["country"] for v in values],
            ],
        )
        cursor.execute(
            _INSERT_PHONES,
            [workspace.pk, ContactIdentity.Kind.PHONE, now, ids, [row.phone for row in rows]],
        )
        stored = {phone for (phone,) in cursor.fetchall()}
    created, lost, orphans = {}, [], []
    for pk, row in zip(ids, rows, strict=True):
        if row.phone in stored:
            created[row.phone] = pk
        else:
            lost.append(row.phone)
            orphans.append(pk)
    if orphans:
        Contact.objects.filter(pk__in=orphans).delete()
    return created, lost


def _add_labels(
    workspace, rows: Sequence[ContactRow], contact_ids: dict[str, int], existing: set[int]
) -> None:
    """Labels by name (created in the workspace when new), added, never removed; the
    `existing` contacts that gained one are announced (new ones have no thread yet)."""
    wanted = {row.phone: row.changes.labels for row in rows if row.changes.labels}
    if not wanted:
        return
    names = sorted({name for labels in wanted.values() for name in labels})
    labels = dict(
        Label.objects.filter(workspace=workspace, name__in=names).values_list("name", "pk")
    )
    missing = [name for name in names if name not in labels]
    if missing:
        Label.objects.bulk_create(
            [Label(workspace=workspace, name=name) for name in missing], ignore_conflicts=True
        )
        labels = dict(
            Label.objects.filter(workspace=workspace, name__in=names).values_list("name", "pk")
        )
    pairs = [
        (contact_ids[phone], labels[name]) for phone, names_ in wanted.items() for name in names_
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_LABEL_LINKS.format(table=Contact.labels.through._meta.db_table),
            [[c for c, _label in pairs], [label for _c, label in pairs]],
        )
        gained = {contact_id for (contact_id,) in cursor.fetchall()}
    _announce(workspace, gained & existing)


def _record_consent(workspace, rows: Sequence[ContactRow], *, source: str) -> None:
    """Consent as the contact book records it: "yes" adds provenance only where the ledger
    has nothing (an existing row, opt-out or not, is left as it is), "no" is a real
    opt-out through the ledger service."""
    given = [row.phone for row in rows if row.consent is True]
    refused = [row.phone for row in rows if row.consent is False]
    if not given and not refused:
        return
    channels = list(Channel.objects.filter(workspace=workspace, is_active=True))
    if given and channels:
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT_CONSENT,
                [
                    workspace.pk,
                    source,
                    timezone.now(),
                    [channel.pk for channel in channels for _phone in given],
                    [phone for _channel in channels for phone in given],
                ],
            )
    # Opt-outs are rare in a list and each leaves a note and a signal: one at a time.
    for phone in refused:
        for channel in channels:
            consent_ledger.record_consent(channel, phone, opted_out=True, source=source)


def _announce(workspace, contact_ids) -> None:
    """Open threads of changed contacts re-read their panel, as after an upsert."""
    if not contact_ids:
        return
    for conversation in Conversation.objects.filter(
        workspace=workspace, contact_id__in=list(contact_ids)
    ).only("pk", "workspace_id", "assignee_id"):
        realtime.conversation_changed(conversation)
