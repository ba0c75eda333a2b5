"""Two weeks of believable past traffic for the demo, so the dashboards have something to show.

It is demo data, not sending: rows are written straight to the tables with explicit past
timestamps (bulk_create), the way they would look after real traffic (inbound messages,
replies with their status history, RCS chips tapped, an RCS->SMS fallback, failures,
resolutions by different agents, presence spans). No provider is ever called. Opt-outs do
go through the consent service, because that is the one path that writes the ledger, the
thread's note and the dashboards' consent history consistently; they are then dated back.

Deterministic (a fixed random seed, times relative to when it runs) and all-or-nothing:
the history is written in one transaction, and a rerun that finds its first contact adds
nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from inbox.models import Channel, ContactIdentity, Label, Team, Workspace

from .opt_outs import opt_out
from .presence import store_presence
from .rows import store_threads
from .script import FIRST_PHONE
from .threads import ThreadBuilder


def history_exists(workspace: Workspace) -> bool:
    return ContactIdentity.objects.filter(
        workspace=workspace, kind=ContactIdentity.Kind.PHONE, value=FIRST_PHONE
    ).exists()


def seed_history(
    workspace: Workspace,
    *,
    sms: Channel,
    rcs: Channel | None,
    team: Team,
    agents: list,
    manager,
    readers: list,
    labels: dict[str, Label],
    now: datetime | None = None,
) -> int:
    """Write the history unless it is there already; returns how many conversations."""
    if history_exists(workspace):
        return 0
    now = now or timezone.now()
    builder = ThreadBuilder(workspace, sms, rcs, agents, manager, now)
    threads = builder.threads()
    with transaction.atomic():
        store_threads(workspace, team, threads, labels, readers)
        store_presence(workspace, [*agents, manager], now)
    for thread in threads:
        if thread.stop_at is not None:
            opt_out(sms, thread)
    return len(threads)
