"""Load one fresh benchmark workspace, step by step, in one transaction.

The steps run in a fixed order from one seeded random generator, so a seed always gives
the same data: the people and channels (ORM, a few rows), then contacts, messages with
their conversations, labels and read markers (COPY, the bulk).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from inbox.models import (
    Channel,
    Contact,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Label,
    Membership,
    Message,
    ReadMarker,
    Role,
    Team,
    Workspace,
)

from . import LoadRefused
from .bulk_copy import Copier, reserve_ids
from .shape import FIRST_NAMES, LAST_NAMES, STATUS_WEIGHTS, thread_lengths, vocabulary

PREVIEW_LENGTH = 200
VOCABULARY_SIZE = 6000
HORIZON = timedelta(days=90)  # conversations end anywhere in the last 90 days

MESSAGE_COLUMNS = [
    "id",
    "workspace_id",
    "conversation_id",
    "channel_id",
    "direction",
    "author",
    "author_user_id",
    "content",
    "text",
    "status",
    "created_at",
]
CONVERSATION_COLUMNS = [
    "id",
    "workspace_id",
    "contact_id",
    "channel_id",
    "status",
    "assignee_id",
    "team_id",
    "last_message_at",
    "last_inbound_at",
    "last_message_preview",
    "waiting_since",
    "created_at",
]
LAST_MESSAGE_AT = CONVERSATION_COLUMNS.index("last_message_at")


@dataclass(frozen=True)
class _Cast:
    """The few rows every bulk row points at."""

    workspace: Workspace
    users: list
    teams: list[Team]
    label_ids: list[int]
    sms: Channel
    rcs: Channel
    sales: Channel

    @property
    def channel_rotation(self) -> list[Channel]:
        """Conversation i is on rotation[i % 5]: 40% support SMS, 40% RCS, 20% sales."""
        return [self.sms, self.sms, self.rcs, self.rcs, self.sales]


def load_workspace(
    *,
    slug: str,
    conversations: int,
    messages: int,
    agents: int = 20,
    teams: int = 3,
    labels: int = 8,
    seed: int = 1,
    password: str = "bench-pass",
    log: Callable[[str], None] = lambda s: None,
) -> dict:
    """Create workspace `slug` and fill it; returns what was made (and how long it took)."""
    _refuse_unless_loadable(slug, conversations=conversations, messages=messages, agents=agents)
    rng = random.Random(seed)
    started = time.monotonic()

    def lap(step: str) -> None:
        log(f"{step} {time.monotonic() - started:.1f}s")

    now = timezone.now().replace(microsecond=0)
    vocabulary_words, weights = vocabulary(rng, VOCABULARY_SIZE)
    # Cumulative once: random.choices given plain weights sums all 6,000 on every call
    # (most of a 1M-message load's time); the same draws either way.
    words = (vocabulary_words, list(accumulate(weights)))
    lengths = thread_lengths(rng, conversations, messages)
    with transaction.atomic():
        cast = _create_cast(slug, agents=agents, teams=teams, labels=labels, password=password)
        lap("setup")
        contact0 = _copy_contacts(rng, cast.workspace, conversations, now)
        lap("contacts")
        conv0, n_messages, conv_rows = _copy_threads(rng, cast, words, lengths, contact0, now, lap)
        if cast.label_ids:
            _copy_label_links(rng, cast.label_ids, conv0, conversations)
        _copy_read_markers(rng, cast.users[0].pk, conv_rows)
        lap("labels and read markers")
    _analyze()
    return {
        "workspace": slug,
        "conversations": conversations,
        "messages": n_messages,
        "agents": [u.username for u in cast.users],
        "password": password,
        "teams": [t.pk for t in cast.teams],
        "labels": cast.label_ids,
        "channels": [cast.sms.pk, cast.rcs.pk, cast.sales.pk],
        "long_thread_conversation": conv0,
        "seconds": round(time.monotonic() - started, 1),
    }


def _refuse_unless_loadable(slug: str, *, conversations: int, messages: int, agents: int) -> None:
    if conversations < 1 or agents < 1:
        raise LoadRefused("--conversations and --agents must be at least 1")
    if Workspace.objects.filter(slug=slug).exists():
        raise LoadRefused(f"workspace {slug!r} exists; the loader only fills a fresh one")
    if messages < conversations:
        raise LoadRefused("--messages must be at least --conversations (one each)")


def _create_cast(slug: str, *, agents: int, teams: int, labels: int, password: str) -> _Cast:
    """The workspace, its agents (the first one a manager), teams, labels and channels."""
    workspace = Workspace.objects.create(slug=slug, name=f"Bench {slug}")
    hashed = make_password(password)
    users = []
    for i in range(agents):
        user, _ = get_user_model().objects.get_or_create(
            username=f"{slug}-agent{i + 1}", defaults={"password": hashed}
        )
        Membership.objects.create(
            workspace=workspace, user=user, role=Role.MANAGER if i == 0 else Role.AGENT
        )
        users.append(user)
    team_rows = [
        Team.objects.create(workspace=workspace, name=f"Team {i + 1}") for i in range(teams)
    ]
    for i, team in enumerate(team_rows):
        team.members.set(users[i::teams])
    label_rows = [
        Label.objects.create(workspace=workspace, name=f"label-{i + 1}") for i in range(labels)
    ]
    sms = Channel.objects.create(
        workspace=workspace, kind="sms", name="Support SMS", config={"from": "+15550000001"}
    )
    rcs = Channel.objects.create(
        workspace=workspace, kind="rcs", name="Support RCS", config={}, fallback=sms
    )
    sales = Channel.objects.create(
        workspace=workspace, kind="sms", name="Sales SMS", config={"from": "+15550000002"}
    )
    return _Cast(
        workspace=workspace,
        users=users,
        teams=team_rows,
        label_ids=[label.pk for label in label_rows],
        sms=sms,
        rcs=rcs,
        sales=sales,
    )


def _copy_contacts(rng: random.Random, workspace: Workspace, count: int, now: datetime) -> int:
    """One contact with one phone number per conversation; returns the first contact id."""
    contact0 = reserve_ids(Contact, count)
    ident0 = reserve_ids(ContactIdentity, count)

    def contacts():
        for i in range(count):
            name = (
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.7 else ""
            )
            yield (contact0 + i, workspace.pk, name, now)

    def identities():
        for i in range(count):
            phone = f"+1555{i:07d}"
            yield (ident0 + i, workspace.pk, contact0 + i, "phone", phone, now)

    Copier(Contact, ["id", "workspace_id", "name", "created_at"]).copy(contacts())
    Copier(
        ContactIdentity, ["id", "workspace_id", "contact_id", "kind", "value", "created_at"]
    ).copy(identities())
    return contact0


def _copy_threads(
    rng: random.Random,
    cast: _Cast,
    words: tuple[list[str], list[float]],
    lengths: list[int],
    contact0: int,
    now: datetime,
    lap: Callable[[str], None],
) -> tuple[int, int, list[tuple]]:
    """Messages, then the conversations they belong to; returns the first conversation id,
    how many messages, and the conversation rows.

    A conversation's row needs its last message, so messages are generated first and
    streamed straight into COPY while the (few, small) conversation rows are kept; the
    foreign keys are checked at commit, when both tables are full."""
    conv0 = reserve_ids(Conversation, len(lengths))
    conv_rows: list[tuple] = []

    def message_rows() -> Iterator[tuple]:
        for i, length in enumerate(lengths):
            conv_rows.append(
                (
                    yield from _thread(
                        rng, cast, words, length, i=i, conv_id=conv0 + i, contact0=contact0, now=now
                    )
                )
            )

    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    n_messages = Copier(Message, MESSAGE_COLUMNS).copy(message_rows())
    lap("messages")
    Copier(Conversation, CONVERSATION_COLUMNS).copy(conv_rows)
    lap("conversations")
    return conv0, n_messages, conv_rows


def _thread(
    rng: random.Random,
    cast: _Cast,
    words: tuple[list[str], list[float]],
    length: int,
    *,
    i: int,
    conv_id: int,
    contact0: int,
    now: datetime,
):
    """Yield one conversation's message rows, oldest first; return its conversation row."""
    vocabulary_words, cum_weights = words
    statuses = [s for s, _ in STATUS_WEIGHTS]
    status_w = [w for _, w in STATUS_WEIGHTS]
    horizon = HORIZON.total_seconds()
    users = cast.users
    rotation = cast.channel_rotation
    channel = rotation[i % len(rotation)]
    status = rng.choices(statuses, status_w)[0]
    assignee = users[rng.randrange(len(users))].pk if rng.random() < 0.6 else None
    team = cast.teams[i % len(cast.teams)].pk if cast.teams and rng.random() < 0.8 else None
    end = now - timedelta(seconds=rng.random() * horizon)
    step = timedelta(seconds=rng.randint(20, 600))
    start = end - step * (length - 1)
    last_inbound = None
    text = ""
    direction = "inbound"
    for k in range(length):
        at = start + step * k
        direction = "inbound" if k == 0 or rng.random() < 0.55 else "outbound"
        n = rng.randint(3, 18)
        text = " ".join(rng.choices(vocabulary_words, cum_weights=cum_weights, k=n))
        if rng.random() < 0.05:
            text += f" order #{rng.randint(10000, 99999)}"
        if direction == "inbound":
            last_inbound = at
        yield (
            uuid.uuid4(),
            cast.workspace.pk,
            conv_id,
            channel.pk,
            direction,
            "contact" if direction == "inbound" else "agent",
            None if direction == "inbound" else (assignee or users[0].pk),
            {"type": "text", "text": text},
            text,
            "received" if direction == "inbound" else "delivered",
            at,
        )
    waiting = (
        last_inbound if direction == "inbound" and status != ConversationStatus.RESOLVED else None
    )
    return (
        conv_id,
        cast.workspace.pk,
        contact0 + i,
        channel.pk,
        status,
        assignee,
        team,
        end,
        last_inbound,
        text[:PREVIEW_LENGTH],
        waiting,
        now - HORIZON,
    )


def _copy_label_links(
    rng: random.Random, label_ids: list[int], conv0: int, conversations: int
) -> None:
    """Zero to two labels per conversation."""

    def links():
        for i in range(conversations):
            for label in rng.sample(label_ids, rng.choice((0, 0, 1, 1, 2))):
                yield (conv0 + i, label)

    Copier(Conversation.labels.through, ["conversation_id", "label_id"]).copy(links())


def _copy_read_markers(rng: random.Random, reader: int, conv_rows: list[tuple]) -> None:
    """The first agent has read half of everything (read at the last message), so the
    unread badge and unread counts have real work to do."""

    def markers():
        for row in conv_rows:
            if rng.random() < 0.5:
                yield (row[0], reader, row[LAST_MESSAGE_AT])

    Copier(ReadMarker, ["conversation_id", "user_id", "read_at"]).copy(markers())


def _analyze() -> None:
    """Fresh planner statistics, so the benchmark's first queries are planned on the data."""
    with connection.cursor() as cur:
        for model in (
            Contact,
            ContactIdentity,
            Conversation,
            Message,
            ReadMarker,
            Conversation.labels.through,
        ):
            cur.execute("ANALYZE " + connection.ops.quote_name(model._meta.db_table))
