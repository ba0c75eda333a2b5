"""Fill a fresh workspace with N conversations and M messages, fast, for benchmarks.

Why COPY and not the ORM or services: a million messages through ingest would take hours
and measure ingest, not the reads a benchmark wants. The loader writes final rows the
way the services would have left them (last message time and preview, last inbound time,
response clock) with PostgreSQL's COPY through psycopg's ``cursor.copy``, in one
transaction, so a failed load leaves nothing behind.

Ids for the integer-keyed tables are reserved up front by moving each table's sequence
past the block the load uses, so rows can point at each other before they exist. Run it
on a quiet database (a benchmark's own); a concurrent insert into the same tables could
take an id from inside a block that is being reserved.

Columns this command does not know (a field added later) get the field's default, so
the loader keeps working as the models grow (generated columns, like the messages'
search vector, are left to PostgreSQL); a new NOT NULL column without a default is
reported by name instead of failing half-way.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
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

from ._output import print_json

PREVIEW_LENGTH = 200
STATUS_WEIGHTS = (
    (ConversationStatus.OPEN, 35),
    (ConversationStatus.PENDING, 10),
    (ConversationStatus.SNOOZED, 5),
    (ConversationStatus.RESOLVED, 50),
)
FIRST_NAMES = (
    "Ana Ben Chen Dara Eli Fatima Gus Hana Ivan Jia Kofi Lena Mateo Nia Omar Priya Quinn "
    "Rosa Sami Tomas Uma Vik Wen Xavi Yara Zoe Aiko Bruno Carla Dmitri Esra Farid Greta"
).split()
LAST_NAMES = (
    "Garcia Okafor Wei Moreno Smith Khan Novak Rossi Silva Tanaka Dubois Jensen Kowalski "
    "Haddad Nguyen Ortiz Petrov Quispe Reyes Schmidt Tran Usman Varga Weber Yilmaz Zhou"
).split()
COMMON_WORDS = (
    "hi hello thanks order delivery refund parcel address payment card invoice account "
    "password tomorrow today yesterday please help where when can you my the is it was "
    "arrive arrived late missing broken wrong size return exchange tracking number store "
    "open closed sunday monday price discount coupon subscription cancel update change "
    "phone email receipt shipping courier box damaged replacement color available stock"
).split()
SYLLABLES = (
    "ka lo mi ne ru sa ti vo be da fe gi ho ju ke li mo nu pa qui re so tu va we xi yo za"
).split()


def _vocabulary(rng: random.Random, size: int) -> tuple[list[str], list[float]]:
    """Common support words plus a long tail of made-up words, Zipf-weighted, so a
    search benchmark can pick terms from very common to rare."""
    words = list(COMMON_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return words, weights


def _thread_lengths(rng: random.Random, conversations: int, messages: int) -> list[int]:
    """At least one message per conversation, the rest spread with a long tail; the first
    conversation gets a long thread (a few thousand messages) for thread pagination."""
    if messages < conversations:
        raise CommandError("--messages must be at least --conversations (one each)")
    lengths = [1] * conversations
    extra = messages - conversations
    long_thread = min(extra, 5000 if conversations > 1 else extra)
    lengths[0] += long_thread
    extra -= long_thread
    if conversations > 1 and extra:
        weights = [rng.paretovariate(1.5) for _ in range(conversations - 1)]
        total = sum(weights)
        given = 0
        for i, w in enumerate(weights, start=1):
            n = int(extra * w / total)
            lengths[i] += n
            given += n
        for i in rng.sample(range(1, conversations), min(extra - given, conversations - 1)):
            lengths[i] += 1
        given += min(extra - given, conversations - 1)
        lengths[1] += extra - given
    return lengths


def _reserve_ids(model: type[models.Model], count: int) -> int:
    """First id of a block of `count` ids nobody else will be handed by the sequence."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "GREATEST(nextval(pg_get_serial_sequence(%s, 'id')), "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM " + connection.ops.quote_name(table) + "))"
            " + %s - 1)",
            [table, table, count],
        )
        last = cur.fetchone()[0]
    return last - count + 1


class _Copier:
    """COPY rows into one model's table, filling unknown columns with field defaults."""

    def __init__(self, model: type[models.Model], given: list[str]):
        self.model = model
        # Generated columns (Message.search_vector) are PostgreSQL's to fill; COPY must
        # not name them.
        fields = {
            f.attname: f for f in model._meta.concrete_fields if not getattr(f, "generated", False)
        }
        unknown = [name for name in given if name not in fields]
        if unknown:
            raise CommandError(f"{model.__name__} has no column(s) {unknown}")
        self.given = given
        self.fillers: list[tuple[str, Callable[[], object]]] = []
        now = timezone.now()
        for name, field in fields.items():
            if name in given or isinstance(field, models.AutoField):
                continue  # an identity column the database numbers itself
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.fillers.append((name, lambda now=now: now))
            elif field.has_default():
                if callable(field.default):
                    self.fillers.append((name, field.default))
                else:
                    value = field.default
                    self.fillers.append((name, lambda value=value: value))
            elif field.null:
                self.fillers.append((name, lambda: None))
            else:
                raise CommandError(
                    f"{model.__name__}.{name} is NOT NULL without a default; "
                    "teach load_bench_data a value for it"
                )
        self.json_columns = {f.attname for f in fields.values() if isinstance(f, models.JSONField)}
        self.columns = given + [name for name, _ in self.fillers]
        self.constant_fill = all(
            not callable(getattr(fields[n], "default", None)) for n, _ in self.fillers
        )

    def copy(self, rows: Iterable[tuple]) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(fields_col(self.model, c)) for c in self.columns)
        json_at = [i for i, c in enumerate(self.columns) if c in self.json_columns]
        count = 0
        fixed = tuple(fill() for _, fill in self.fillers) if self.constant_fill else None
        with connection.cursor() as cur:
            raw = cur.cursor  # the psycopg cursor underneath Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    extra = fixed if fixed is not None else tuple(f() for _, f in self.fillers)
                    full = row + extra
                    if json_at:
                        full = list(full)
                        for i in json_at:
                            full[i] = json.dumps(full[i])
                    copy.write_row(full)
                    count += 1
        return count


def fields_col(model: type[models.Model], attname: str) -> str:
    return next(f.column for f in model._meta.concrete_fields if f.attname == attname)


def load(
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
    if Workspace.objects.filter(slug=slug).exists():
        raise CommandError(f"workspace {slug!r} exists; the loader only fills a fresh one")
    rng = random.Random(seed)
    started = time.monotonic()
    now = timezone.now().replace(microsecond=0)
    words, weights = _vocabulary(rng, 6000)
    lengths = _thread_lengths(rng, conversations, messages)
    User = get_user_model()
    with transaction.atomic():
        workspace = Workspace.objects.create(slug=slug, name=f"Bench {slug}")
        hashed = make_password(password)
        users = []
        for i in range(agents):
            user, _ = User.objects.get_or_create(
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
        channels = [sms, sms, rcs, rcs, sales]
        log(f"setup {time.monotonic() - started:.1f}s")

        contact0 = _reserve_ids(Contact, conversations)
        ident0 = _reserve_ids(ContactIdentity, conversations)
        conv0 = _reserve_ids(Conversation, conversations)

        def contacts():
            for i in range(conversations):
                name = (
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                    if rng.random() < 0.7
                    else ""
                )
                yield (contact0 + i, workspace.pk, name, now)

        _Copier(Contact, ["id", "workspace_id", "name", "created_at"]).copy(contacts())

        def identities():
            for i in range(conversations):
                phone = f"+1555{i:07d}"
                yield (ident0 + i, workspace.pk, contact0 + i, "phone", phone, now)

        _Copier(
            ContactIdentity, ["id", "workspace_id", "contact_id", "kind", "value", "created_at"]
        ).copy(identities())
        log(f"contacts {time.monotonic() - started:.1f}s")

        # Conversations need their last message; generate messages per conversation and
        # stream both tables: messages straight into COPY, conversation rows kept (small).
        statuses = [s for s, _ in STATUS_WEIGHTS]
        status_w = [w for _, w in STATUS_WEIGHTS]
        conv_rows = []
        horizon = timedelta(days=90).total_seconds()

        def message_rows():
            for i, length in enumerate(lengths):
                conv_id = conv0 + i
                channel = channels[i % len(channels)]
                status = rng.choices(statuses, status_w)[0]
                assignee = users[rng.randrange(agents)].pk if rng.random() < 0.6 else None
                team = team_rows[i % teams].pk if team_rows and rng.random() < 0.8 else None
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
                    text = " ".join(rng.choices(words, weights, k=n))
                    if rng.random() < 0.05:
                        text += f" order #{rng.randint(10000, 99999)}"
                    if direction == "inbound":
                        last_inbound = at
                    yield (
                        uuid.uuid4(),
                        workspace.pk,
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
                    last_inbound
                    if direction == "inbound" and status != ConversationStatus.RESOLVED
                    else None
                )
                conv_rows.append(
                    (
                        conv_id,
                        workspace.pk,
                        contact0 + i,
                        channel.pk,
                        status,
                        assignee,
                        team,
                        end,
                        last_inbound,
                        text[:PREVIEW_LENGTH],
                        waiting,
                        now - timedelta(seconds=horizon),
                    )
                )

        # Conversations first (messages reference them): generate messages into a list of
        # conversation rows lazily by running the generator inside the messages COPY,
        # with the constraint check deferred to commit.
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        n_messages = _Copier(
            Message,
            [
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
            ],
        ).copy(message_rows())
        log(f"messages {time.monotonic() - started:.1f}s")
        _Copier(
            Conversation,
            [
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
            ],
        ).copy(conv_rows)
        log(f"conversations {time.monotonic() - started:.1f}s")

        through = Conversation.labels.through
        label_ids = [label.pk for label in label_rows]

        def label_links():
            for i in range(conversations):
                for label in rng.sample(label_ids, rng.choice((0, 0, 1, 1, 2))):
                    yield (conv0 + i, label)

        if label_ids:
            _Copier(through, ["conversation_id", "label_id"]).copy(label_links())

        # The first agent has read half of everything (read at the last message), so the
        # unread badge and unread counts have real work to do.
        reader = users[0].pk

        def markers():
            for row in conv_rows:
                if rng.random() < 0.5:
                    yield (row[0], reader, row[7])

        _Copier(ReadMarker, ["conversation_id", "user_id", "read_at"]).copy(markers())
        log(f"labels and read markers {time.monotonic() - started:.1f}s")
    with connection.cursor() as cur:
        for model in (Contact, ContactIdentity, Conversation, Message, ReadMarker, through):
            cur.execute("ANALYZE " + connection.ops.quote_name(model._meta.db_table))
    return {
        "workspace": slug,
        "conversations": conversations,
        "messages": n_messages,
        "agents": [u.username for u in users],
        "password": password,
        "teams": [t.pk for t in team_rows],
        "labels": label_ids,
        "channels": [sms.pk, rcs.pk, sales.pk],
        "long_thread_conversation": conv0,
        "seconds": round(time.monotonic() - started, 1),
    }


class Command(BaseCommand):
    help = (
        "Load a fresh benchmark workspace with N conversations and M messages using COPY. "
        "Agents' password is public (--password): never run this against production data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", default="bench", help="slug of the new workspace")
        parser.add_argument("--conversations", type=int, default=100_000)
        parser.add_argument("--messages", type=int, default=1_000_000)
        parser.add_argument("--agents", type=int, default=20)
        parser.add_argument("--teams", type=int, default=3)
        parser.add_argument("--labels", type=int, default=8)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="bench-pass")

    def handle(self, *args, **options) -> None:
        if options["conversations"] < 1 or options["agents"] < 1:
            raise CommandError("--conversations and --agents must be at least 1")
        result = load(
            slug=options["workspace"],
            conversations=options["conversations"],
            messages=options["messages"],
            agents=options["agents"],
            teams=options["teams"],
            labels=options["labels"],
            seed=options["seed"],
            password=options["password"],
            log=lambda line: self.stderr.write(line),
        )
        print_json(self, result)
