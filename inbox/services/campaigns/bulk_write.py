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
    rows, links, unused = [], [], []
    for verdict in verdicts:
        row = CampaignRecipient(
            campaign=campaign,
            contact=verdict.contact,
            excluded=verdict.excluded,
            detail=verdict.detail[:300],
            arm=verdict.arm,
        )
        if not verdict.excluded:
            result, codes = outcome[verdict.contact.pk]
            if isinstance(result, SendRejected):  # one refused recipient never stops the rest
                row.excluded = ExclusionReason.REJECTED
                row.detail = "; ".join(result.errors)[:300]
                if verdict.contact.pk in created:
                    unused.append(threads[verdict.contact.pk].pk)
            else:
                row.message = result
                links.append((row, codes))
        rows.append(row)
    CampaignRecipient.objects.bulk_create(rows)
    store_links(links)
    if unused:
        _drop_empty_threads(unused)


def _drop_empty_threads(ids: list[int]) -> None:
    """Threads created for a message that was then refused, unless a customer's message
    has arrived in one meanwhile (ours are locked, so only one we did not create)."""
    Conversation.objects.filter(pk__in=ids).filter(
        ~Exists(Message.objects.filter(conversation=OuterRef("pk")))
    ).delete()
