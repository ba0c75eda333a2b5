"""The contact list: a page of filtered contacts with what each row shows, in a fixed
number of queries; and the same rows streamed for a CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from inbox.models import (
    Channel,
    Consent,
    Contact,
    ContactIdentity,
    ContactReachability,
    Conversation,
    Workspace,
)

from .contact_filter import ContactFilter, contacts_matching
from .cursor import ContactCursor, contact_cursor

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
EXPORT_CHUNK = 2000
ORDER = ("-created_at", "-pk")
# A count reads a label's members by index (~2 µs each) up to this size, instead of
# scanning the whole workspace (contact_count); bounded so it never costs over ~0.3 s.
DRIVING_LABEL_MAX = 150_000


@dataclass(frozen=True)
class ContactPage:
    rows: list[Contact]
    next_cursor: str | None


def _annotated(qs: QuerySet[Contact], workspace: Workspace) -> QuerySet[Contact]:
    """Per row: the latest inbound time, identities, labels and reachability."""
    latest_inbound = (
        Conversation.objects.filter(contact_id=OuterRef("pk"), last_inbound_at__isnull=False)
        .order_by("-last_inbound_at")
        .values("last_inbound_at")[:1]
    )
    return qs.annotate(last_inbound_at=Subquery(latest_inbound)).prefetch_related(
        Prefetch("identities", queryset=ContactIdentity.objects.order_by("pk")),
        "labels",
        Prefetch(
            "reachability",
            queryset=ContactReachability.objects.select_related("channel").order_by("channel_id"),
        ),
    )


def contact_page(
    *,
    workspace: Workspace,
    contact_filter: ContactFilter,
    cursor: ContactCursor | None = None,
    limit: int = PAGE_SIZE,
) -> ContactPage:
    """Newest contacts first, `limit` at a time after `cursor` (keyset: constant cost at
    any depth, stable while contacts are added)."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    qs = contacts_matching(workspace=workspace, contact_filter=contact_filter).order_by(*ORDER)
    if cursor is not None:
        qs = qs.filter(cursor.after())
    rows = list(_annotated(qs, workspace)[: limit + 1])
    _mark_opted_out(workspace, rows)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = contact_cursor(created_at=last.created_at, pk=last.pk)
    return ContactPage(rows=rows[:limit], next_cursor=next_cursor)


def contact_count(*, workspace: Workspace, contact_filter: ContactFilter) -> int:
    """How many contacts the filter selects (a segment's live count).

    With labels, the smallest one drives the count when it has at most
    DRIVING_LABEL_MAX members: its rows are read from the label index and only those
    contacts are visited (~2 µs each), rather than every contact of the workspace with
    its attribute casts hashed against the label (~0.5 µs per contact of the workspace,
    whatever the label's size; PostgreSQL prefers that plan because it cannot price the
    JSON casts). A larger label is left to the planner's scan, which is then as cheap."""
    driving = _driving_label(contact_filter)
    return contacts_matching(
        workspace=workspace, contact_filter=contact_filter, driving_label=driving
    ).count()


def _driving_label(contact_filter: ContactFilter) -> int | None:
    """The filter's smallest label if it has at most DRIVING_LABEL_MAX members (one
    query, each label counted no further than the bound on its index)."""
    if not contact_filter.labels:
        return None
    members = connection.ops.quote_name(Contact.labels.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT label.id,
                   (SELECT count(*) FROM (
                        SELECT 1 FROM {members} member
                        WHERE member.label_id = label.id LIMIT %s) bounded)
            FROM unnest(%s::bigint[]) AS label(id)
            """,
            [DRIVING_LABEL_MAX + 1, list(contact_filter.labels)],
        )
        sizes = sorted((size, label) for label, size in cursor.fetchall())
    size, label = sizes[0]
    return label if size <= DRIVING_LABEL_MAX else None


def contacts_for_export(
    *, workspace: Workspace, contact_filter: ContactFilter
) -> Iterator[Contact]:
    """Every matching contact, newest first, read in chunks so a large list never sits in
    memory (prefetches run per chunk)."""
    qs = contacts_matching(workspace=workspace, contact_filter=contact_filter).order_by(*ORDER)
    return _annotated(qs, workspace).iterator(chunk_size=EXPORT_CHUNK)


def contact_ids_matching(
    *, workspace: Workspace, contact_filter: ContactFilter, ids: list[int] | None = None
) -> list[int]:
    """The ids a bulk action applies to: the listed ones that match, or all that match."""
    qs = contacts_matching(workspace=workspace, contact_filter=contact_filter)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs.values_list("pk", flat=True))


def _mark_opted_out(workspace: Workspace, rows: list[Contact]) -> None:
    """`opted_out_somewhere` on each row, from one ledger read for the page's addresses.
    (As a per-row EXISTS, PostgreSQL hashed every opted-out identity of the workspace
    for each page: 160 ms at a million contacts.)"""
    addresses = {i.value for contact in rows for i in contact.identities.all()}
    # By (channel, address), the ledger's unique index, for the workspace's channels: a
    # few probes instead of reading every ledger row of the workspace.
    channels = Channel.objects.filter(workspace=workspace).values("pk")
    out = set(
        Consent.objects.filter(
            workspace=workspace, channel_id__in=channels, address__in=addresses, opted_out=True
        ).values_list("address", flat=True)
    )
    for contact in rows:
        contact.opted_out_somewhere = any(i.value in out for i in contact.identities.all())
