"""One chunk's verdicts written as sets: threads, messages, recipient rows, links.

What the per-recipient path did (`customer_thread`, `track_content`, `send_message`,
then the recipient row) done for the whole chunk in a fixed number of statements, in
the chunk's transaction: the threads found or created together
(new_conversation.customer_threads), the messages checked and queued together
(outbox/bulk_enqueue.send_many, send_message's own checks), the CampaignRecipient rows
in one INSERT (the unique (campaign, contact) still refuses a second one: the INSERT
fails and the chunk rolls back whole) and the tracked links in another.

A recipient the channel refuses (send_message's SendRejected: consent, no address,
content, a disabled channel, a suspended workspace) becomes an excluded row with the
reason; the rest still go. Its thread, if created just for this message, is removed
again: the per-recipient path created it in a savepoint that the refusal rolled back.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef

from inbox.models import (
    Author,
    Campaign,
    CampaignRecipient,
    Conversation,
    ExclusionReason,
    Message,
)
from inbox.services.errors import SendRejected
from inbox.services.new_conversation import customer_threads
from inbox.services.outbox.bulk_enqueue import Outgoing, send_many
from inbox.services.row_inserts import insert_columns

from .recipients import Verdict
from .tracked_links import planned_links, store_links
from .window import hold_until


def write_chunk(campaign: Campaign, verdicts: list[Verdict], *, now: datetime) -> None:
    """Write every verdict of a chunk (inside the chunk's transaction)."""
    included = [v for v in verdicts if not v.excluded]
    threads, created = customer_threads(
        campaign.workspace, [v.contact for v in included], campaign.channel, team=campaign.team
    )
    planned = [planned_links(v.content) for v in included]  # the text version's links via /r/
    results = send_many(
        [
            Outgoing(
                threads[v.contact.pk],
                content,
                v.channel or campaign.channel,  # the control arm: its SMS
                # Outside the recipient's local window: written now, held until it opens.
                not_before=hold_until(
                    v.phone,
                    start=campaign.window_start,
                    end=campaign.window_end,
                    now=now,
                    default_zone=campaign.workspace.timezone,
                ),
            )
            for v, (content, _codes) in zip(included, planned, strict=True)
        ],
        author=Author.BOT,
        campaign=campaign,
    )
    outcome = {
        v.contact.pk: (result, codes)
        for v, result, (_content, codes) in zip(included, results, planned, strict=True)
    }
    rows: dict[str, list] = {"contact_id": [], "excluded": [], "detail": [], "arm": []}
    rows["message_id"] = []
    codes_of: dict[int, dict[str, str]] = {}  # contact id -> its links' {url: code}
    unused = []
    for verdict in verdicts:
        excluded, detail, message_id = verdict.excluded, verdict.detail, None
        if not excluded:
            result, codes = outcome[verdict.contact.pk]
            if isinstance(result, SendRejected):  # one refused recipient never stops the rest
                excluded, detail = ExclusionReason.REJECTED, "; ".join(result.errors)
                if verdict.contact.pk in created:
                    unused.append(threads[verdict.contact.pk].pk)
            else:
                message_id = result.pk
                if codes:
                    codes_of[verdict.contact.pk] = codes
        for name, value in zip(
            rows, (verdict.contact.pk, excluded, detail[:300], verdict.arm, message_id), strict=True
        ):
            rows[name].append(value)
    # From arrays, as the messages are (row_inserts.py): an instance per row and
    # bulk_create's SQL cost more than the INSERT. The unique (campaign, contact) still
    # refuses a second row, failing the statement and so the chunk.
    written = insert_columns(
        CampaignRecipient,
        rows,
        fixed={"campaign_id": campaign.pk},
        returning=("id", "contact_id") if codes_of else (),
    )
    store_links(
        campaign.pk,
        [(pk, codes_of[contact_id]) for pk, contact_id in written if contact_id in codes_of],
    )
    if unused:
        _drop_empty_threads(unused)


def _drop_empty_threads(ids: list[int]) -> None:
    """Threads created for a message that was then refused, unless a customer's message
    has arrived in one meanwhile (ours are locked, so only one we did not create)."""
    Conversation.objects.filter(pk__in=ids).filter(
        ~Exists(Message.objects.filter(conversation=OuterRef("pk")))
    ).delete()
