"""Replaying inbound events that were set aside, once their cause is fixed.

After MAX_APPLY_ATTEMPTS failed applications an event is set aside (gave_up_at) with its
payload, so one poison event cannot hold the queue. An admin who has fixed the cause
(a channel's configuration, a bug deployed away) puts them back in the queue here: the
attempts start over and a worker applies them in arrival order, as if they had just come.
One that still fails is set aside again after as many attempts; nothing is lost.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from inbox import jobs
from inbox.models import InboundEvent, Workspace
from inbox.selectors.set_aside_events import count_key

from .audit import record


def replay_set_aside(workspace: Workspace, actor, event_ids: list[int] | None = None) -> int:
    """Queue the workspace's set-aside events again (all, or those of `event_ids`);
    how many. Another workspace's ids are ignored, not replayed."""
    with transaction.atomic():
        rows = InboundEvent.objects.select_for_update().filter(
            channel__workspace=workspace, gave_up_at__isnull=False, applied_at__isnull=True
        )
        if event_ids is not None:
            rows = rows.filter(pk__in=event_ids)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            return 0
        InboundEvent.objects.filter(pk__in=ids).update(gave_up_at=None, attempts=0, error="")
        record(
            workspace,
            actor,
            "inbound_events.replayed",
            after={"events": len(ids)},
            target_label=f"{len(ids)} inbound events",
        )
        transaction.on_commit(lambda: cache.delete(count_key(workspace.pk)))
        transaction.on_commit(lambda: jobs.enqueue(jobs.APPLY_INBOUND_EVENTS))
    return len(ids)
