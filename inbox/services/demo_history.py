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

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from inbox.models import (
    Author,
    Channel,
    Contact,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Direction,
    Label,
    Message,
    MessageStatus,
    MessageStatusEvent,
    Presence,
    PresenceSpan,
    ReadMarker,
    Team,
    Workspace,
)

from .consent import record_consent

DAYS = 14
SEED = 20240614
# The first history contact's number; its presence means the history was written.
FIRST_PHONE = "+14155553000"

_FIRST = (
    "Olivia Liam Emma Noah Ava Lucas Mia Ethan Sofia Mateo Isla Leo Zoe Omar Priya Kenji"
).split()
_LAST = "Nguyen Smith Rossi Kowalski Haddad Johansson Mensah Silva Tanaka Murphy".split()

# Customer messages by local hour (07..21): a morning and an after-lunch peak.
_HOUR_WEIGHTS = dict(zip(range(7, 22), (1, 3, 6, 8, 7, 5, 6, 7, 6, 5, 3, 2, 2, 1, 1), strict=True))

# (label, first message, first reply, follow-up, second reply); {first}/{order} filled in.
_SMS_TOPICS = (
    (
        "Delivery",
        "Hi, where is my order #{order}?",
        "Hi {first}, it left our shop this morning and should arrive by 5pm today.",
        "Great, thanks!",
        "You're welcome - enjoy the flowers!",
    ),
    (
        "Delivery",
        "Can I change the delivery address for order #{order}?",
        "Of course - what's the new address?",
        "12 Pine St, Apt 4",
        "Done! The courier has the new address.",
    ),
    (
        None,
        "Do you deliver on Sundays?",
        "We deliver Monday to Saturday; Sunday orders go out first thing Monday.",
        None,
        None,
    ),
    (
        "Feedback",
        "The tulips arrived a bit wilted :(",
        "I'm so sorry, {first}! We'll send a fresh bunch tomorrow at no cost.",
        "Thank you, that's kind",
        "Our pleasure. Sorry again!",
    ),
    (
        None,
        "Can I add a card message to my order?",
        "Sure, what would you like it to say?",
        "Happy birthday Mum, love J",
        "Added - it'll be in the box.",
    ),
    (
        None,
        "How much are 12 red roses?",
        "A dozen red roses is $49, delivered free in the city.",
        "Perfect, I'll order online",
        None,
    ),
    (
        "Billing",
        "I think I was charged twice for order #{order}",
        "Sorry about that - I've refunded the duplicate charge; it shows in 3-5 days.",
        "Thanks!",
        None,
    ),
    (
        "Urgent",
        "Order #{order} is for a funeral tomorrow morning and still hasn't shipped!",
        "I'm very sorry, {first}. It's on our first van at 7am and will be there by 9.",
        "Thank you.",
        "We'll text you as soon as it's delivered.",
    ),
)

# (label, first message, reply content kind, reply text / card, chips, second reply)
_RCS_TOPICS = (
    (
        "Delivery",
        "Hi! When will order #{order} arrive?",
        "text",
        "It's out for delivery and should be with you by 5pm. Want a text when it's close?",
        ("Yes, please", "No, thanks"),
        "Done, {first}! We'll let you know when the courier is nearby.",
    ),
    (
        None,
        "Do you have anything for an anniversary?",
        "card",
        ("Anniversary roses", "12 red roses with eucalyptus, $49. Free delivery in the city."),
        ("Order now", "See more options"),
        "Lovely choice! I've reserved a bouquet for you: https://example.com/pay",
    ),
    (
        "Billing",
        "I was charged twice for my last order",
        "text",
        "Sorry about that, {first}. Shall I refund the duplicate charge?",
        ("Refund to card", "Store credit"),
        "All set - you'll see it within 3-5 business days.",
    ),
)

FAILURE = ("30003", "Unreachable destination handset")
FALLBACK_REASON = "recipient is not reachable over RCS"


@dataclass
class _Thread:
    name: str
    phone: str
    channel: Channel
    start: datetime
    label: str | None = None
    messages: list[Message] = field(default_factory=list)
    events: list[MessageStatusEvent] = field(default_factory=list)
    assignee: object = None
    status: str = ConversationStatus.OPEN
    resolved_at: datetime | None = None
    first_response_at: datetime | None = None
    waiting_since: datetime | None = None
    stop_at: datetime | None = None


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
    builder = _Builder(workspace, sms, rcs, agents, manager, now)
    threads = builder.threads()
    with transaction.atomic():
        _store(workspace, team, threads, labels, readers)
        _store_presence(workspace, [*agents, manager], now)
    for thread in threads:
        if thread.stop_at is not None:
            _opt_out(sms, thread)
    return len(threads)


class _Builder:
    def __init__(self, workspace, sms, rcs, agents, manager, now) -> None:
        self.rng = random.Random(SEED)
        self.tz = ZoneInfo(workspace.timezone or "UTC")
        self.workspace, self.sms, self.rcs = workspace, sms, rcs
        self.agents, self.manager, self.now = agents, manager, now
        names = [f"{f} {last}" for f in _FIRST for last in _LAST]
        self.rng.shuffle(names)
        self.names = iter(names)
        self.count = 0
        self.fallbacks = 0
        self.opt_outs = 0

    # -- time ---------------------------------------------------------------------------

    def _open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        return local.weekday() < 5 and 9 <= local.hour < 17

    def _next_open(self, at: datetime) -> datetime:
        local = at.astimezone(self.tz)
        day = local.date() if local.hour < 9 else local.date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return datetime(day.year, day.month, day.day, 9, tzinfo=self.tz)

    def _reply_at(self, after: datetime) -> datetime:
        """Agents answer within minutes in hours, and first thing the next morning after."""
        if self._open(after):
            minutes = self.rng.choice((1, 2, 3, 4, 6, 8, 12, 18, 25, 40, 70))
            return after + timedelta(minutes=minutes, seconds=self.rng.randint(0, 59))
        opening = self._next_open(after)
        return opening + timedelta(minutes=self.rng.randint(3, 35))

    # -- threads ------------------------------------------------------------------------

    def threads(self) -> list[_Thread]:
        threads = []
        today = self.now.astimezone(self.tz).date()
        for days_ago in range(DAYS, -1, -1):
            day = today - timedelta(days=days_ago)
            per_day = self.rng.randint(4, 6) if day.weekday() < 5 else self.rng.randint(1, 2)
            hours = self.rng.choices(list(_HOUR_WEIGHTS), list(_HOUR_WEIGHTS.values()), k=per_day)
            for hour in sorted(hours):
                start = datetime(
                    day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=self.tz
                )
                if start > self.now - timedelta(minutes=15):
                    continue
                threads.append(self._thread(start))
        threads.append(self._showcase())
        return threads

    def _showcase(self) -> _Thread:
        """The newest thread, open at the top of the list with a card, a tapped chip and a
        customer waiting: what a newcomer (and the README's screenshot) opens first."""
        i = self.count
        self.count += 1
        channel = self.rcs or self.sms
        start = self.now - timedelta(minutes=42)
        thread = _Thread(
            name="Grace Okoye",
            phone=f"+1415555{3000 + 2 * i}",
            channel=channel,
            start=start,
            label="VIP",
        )
        thread.assignee = self.agents[0]
        self._inbound(thread, "Hi! Do you have anything for an anniversary? It's Saturday", start)
        chips = ("Order now", "See more options")
        title, description = _RCS_TOPICS[1][3]
        card = {
            "type": "card",
            "card": {
                "title": title,
                "description": description,
                "suggestions": [
                    {"type": "reply", "text": c, "postback": _postback(c)} for c in chips
                ],
            },
            "orientation": "vertical",
        }
        at = start + timedelta(minutes=4)
        self._agent(thread, f"{title}\n{description}", at, content=card)
        self._tap(thread, "Order now", chips, start + timedelta(minutes=9))
        self._agent(
            thread,
            "Lovely choice, Grace! I've reserved a bouquet for Saturday morning. "
            "You can pay here: https://example.com/pay",
            start + timedelta(minutes=12),
        )
        self._inbound(
            thread,
            "Paid! Could you add a card saying 'Happy anniversary, love G'?",
            self.now - timedelta(minutes=3),
        )
        thread.waiting_since = thread.messages[-1].created_at
        return thread

    def _thread(self, start: datetime) -> _Thread:
        i = self.count
        self.count += 1
        on_rcs = self.rcs is not None and self.rng.random() < 0.35
        fallback = on_rcs and self.fallbacks < 2 and i % 9 == 4
        # The sandbox reaches even numbers over RCS; a fallback thread's phone cannot.
        phone = f"+1415555{3000 + 2 * i + (0 if on_rcs and not fallback else 1)}"
        if i == 0:
            phone = FIRST_PHONE
        thread = _Thread(
            name=next(self.names),
            phone=phone,
            channel=self.rcs if on_rcs else self.sms,
            start=start,
        )
        thread.assignee = self.rng.choice(self.agents)
        recent = self.now - start < timedelta(hours=3)
        order = 1100 + i * 7
        first = thread.name.split()[0]
        if on_rcs:
            label, ask, kind, reply, chips, second = self.rng.choice(_RCS_TOPICS)
            thread.label = label
            t = self._inbound(thread, ask.format(order=order), start)
            if recent and self.rng.random() < 0.6:
                return self._leave_waiting(thread, t)
            if fallback:
                self.fallbacks += 1
            t = self._rcs_reply(thread, kind, reply, chips, first, t, fallback)
            tap = self.rng.choice(chips)
            t = self._tap(thread, tap, chips, t + timedelta(minutes=self.rng.randint(1, 20)))
            t = self._agent(
                thread, second.format(first=first), self._reply_at(t), fallback=fallback
            )
        else:
            label, ask, reply, follow_up, second = self.rng.choice(_SMS_TOPICS)
            thread.label = label
            t = self._inbound(thread, ask.format(order=order), start)
            if recent and self.rng.random() < 0.6:
                return self._leave_waiting(thread, t)
            failed = self.rng.random() < 0.08
            t = self._agent(thread, reply.format(first=first), self._reply_at(t), failed=failed)
            if self.opt_outs < 2 and i % 11 == 5 and not failed:
                self.opt_outs += 1
                thread.stop_at = t + timedelta(minutes=self.rng.randint(5, 90))
                t = self._inbound(thread, "STOP", thread.stop_at)
            elif follow_up and not failed:
                t = self._inbound(thread, follow_up, t + timedelta(minutes=self.rng.randint(2, 30)))
                if second:
                    if self.rng.random() < 0.25:  # handed over to a colleague
                        others = [a for a in [*self.agents, self.manager] if a != thread.assignee]
                        thread.assignee = self.rng.choice(others)
                    t = self._agent(thread, second, self._reply_at(t))
        return self._finish(thread, t)

    def _leave_waiting(self, thread: _Thread, at: datetime) -> _Thread:
        thread.waiting_since = at
        thread.assignee = None if self.rng.random() < 0.5 else thread.assignee
        return thread

    def _finish(self, thread: _Thread, last: datetime) -> _Thread:
        if last > self.now:  # the story ran into the future: cut it where now is
            thread.messages = [m for m in thread.messages if m.created_at <= self.now]
            thread.events = [e for e in thread.events if e.at <= self.now]
            for m in thread.messages:
                _clip_statuses(m, self.now)
            thread.stop_at = None
            if thread.messages and thread.messages[-1].direction == Direction.INBOUND:
                thread.waiting_since = _waiting_since(thread.messages)
            return thread
        resolve_at = last + timedelta(minutes=self.rng.randint(2, 40))
        last_in = thread.messages[-1].direction == Direction.INBOUND
        # Old threads are closed, except a few still pending on the customer.
        if resolve_at < self.now - timedelta(hours=2) and (last_in or self.rng.random() < 0.92):
            thread.status = ConversationStatus.RESOLVED
            thread.resolved_at = resolve_at
        elif last_in:
            thread.waiting_since = _waiting_since(thread.messages)
        else:
            thread.status = ConversationStatus.PENDING
        return thread

    # -- messages -----------------------------------------------------------------------

    def _message(self, thread: _Thread, channel: Channel, **fields) -> Message:
        message = Message(
            workspace_id=self.workspace.pk,
            conversation=None,
            channel=channel,
            **fields,
        )
        thread.messages.append(message)
        return message

    def _inbound(self, thread: _Thread, text: str, at: datetime, channel=None) -> datetime:
        channel = channel or thread.channel
        n = len(thread.messages)
        prefix = "SMhin" if channel.kind == "sms" else "rcs-hin-"
        self._message(
            thread,
            channel,
            direction=Direction.INBOUND,
            author=Author.CONTACT,
            content={"type": "text", "text": text},
            text=text,
            status=MessageStatus.RECEIVED,
            provider_message_id=f"{prefix}{self.count:04d}{n:02d}",
            created_at=at,
        )
        return at

    def _tap(self, thread: _Thread, chip: str, chips: tuple, at: datetime) -> datetime:
        reply = thread.messages[-1]
        content = {"type": "suggestion_response", "text": chip, "postback": _postback(chip)}
        if reply.channel.kind == "sms":  # typed the option's number, as the SMS asked
            content |= {"original_text": str(chips.index(chip) + 1), "in_reply_to": "demo"}
        self._inbound(thread, chip, at, channel=reply.channel)
        thread.messages[-1].content = content
        return at

    def _rcs_reply(self, thread, kind, reply, chips, first, at, fallback) -> datetime:
        suggestions = [{"type": "reply", "text": c, "postback": _postback(c)} for c in chips]
        if kind == "card":
            title, description = reply
            content = {
                "type": "card",
                "card": {"title": title, "description": description, "suggestions": suggestions},
                "orientation": "vertical",
            }
            text = f"{title}\n{description}"
        else:
            text = reply.format(first=first)
            content = {"type": "text", "text": text, "suggestions": suggestions}
        if fallback:
            options = ", ".join(f"{n} for {c}" for n, c in enumerate(chips, 1))
            text = f"{text}\nReply {options}"
            content = {"type": "text", "text": text}
        return self._agent(thread, text, self._reply_at(at), content=content, fallback=fallback)

    def _agent(
        self,
        thread: _Thread,
        text: str,
        at: datetime,
        *,
        content: dict | None = None,
        failed: bool = False,
        fallback: bool = False,
    ) -> datetime:
        channel = self.sms if fallback else thread.channel
        n = len(thread.messages)
        message = self._message(
            thread,
            channel,
            direction=Direction.OUTBOUND,
            author=Author.AGENT,
            author_user=thread.assignee,
            content=content or {"type": "text", "text": text},
            text=text,
            status=MessageStatus.QUEUED,
            provider_message_id=(
                f"SMhout{self.count:04d}{n:02d}"
                if channel.kind == "sms"
                else f"rcs-hout-{self.count:04d}{n:02d}"
            ),
            fallback_from=self.rcs if fallback else None,
            fallback_reason=FALLBACK_REASON if fallback else "",
            attempts=1,
            created_at=at,
        )
        if thread.first_response_at is None:
            thread.first_response_at = at
        self._statuses(thread, message, at, failed=failed)
        return at

    def _statuses(self, thread: _Thread, message: Message, at: datetime, *, failed: bool) -> None:
        """The status ladder a provider would report, each step with its event row."""
        steps = [(MessageStatus.QUEUED, at, "api"), (MessageStatus.SENT, at + _s(2), "worker")]
        roll = self.rng.random()
        if failed:
            steps.append((MessageStatus.FAILED, at + _s(8), "webhook"))
        elif message.channel.kind == "rcs":
            if roll < 0.92:
                steps.append((MessageStatus.DELIVERED, at + _s(self.rng.randint(3, 40)), "webhook"))
            if roll < 0.6:
                read = at + timedelta(minutes=self.rng.randint(1, 15))
                steps.append((MessageStatus.READ, read, "webhook"))
        elif roll < 0.9:
            steps.append((MessageStatus.DELIVERED, at + _s(self.rng.randint(3, 40)), "webhook"))
        stamp = {
            MessageStatus.QUEUED: "queued_at",
            MessageStatus.SENT: "sent_at",
            MessageStatus.DELIVERED: "delivered_at",
            MessageStatus.READ: "read_at",
            MessageStatus.FAILED: "failed_at",
        }
        for status, when, source in steps:
            setattr(message, stamp[status], when)
            message.status = status
            event = MessageStatusEvent(message=message, status=status, at=when, source=source)
            if status == MessageStatus.FAILED:
                message.error_code, message.error_message = FAILURE
                event.error_code, event.error_message = FAILURE
            thread.events.append(event)


def _s(seconds: int) -> timedelta:
    return timedelta(seconds=seconds)


def _postback(chip: str) -> str:
    return chip.lower().replace(" ", "-").replace(",", "")


def _waiting_since(messages: list[Message]) -> datetime | None:
    waiting = None
    for m in messages:
        if m.direction == Direction.INBOUND and waiting is None:
            waiting = m.created_at
        elif m.direction == Direction.OUTBOUND:
            waiting = None
    return waiting


def _clip_statuses(message: Message, now: datetime) -> None:
    for field_name, status in (
        ("read_at", MessageStatus.DELIVERED),
        ("delivered_at", MessageStatus.SENT),
    ):
        when = getattr(message, field_name)
        if when and when > now:
            setattr(message, field_name, None)
            message.status = status


# -- storing ---------------------------------------------------------------------------


def _store(workspace, team, threads: list[_Thread], labels, readers) -> None:
    contacts = Contact.objects.bulk_create(
        [Contact(workspace=workspace, name=t.name) for t in threads]
    )
    ContactIdentity.objects.bulk_create(
        [
            ContactIdentity(
                workspace=workspace, contact=c, kind=ContactIdentity.Kind.PHONE, value=t.phone
            )
            for c, t in zip(contacts, threads, strict=True)
        ]
    )
    conversations = Conversation.objects.bulk_create(
        [_conversation(workspace, team, c, t) for c, t in zip(contacts, threads, strict=True)]
    )
    # created_at is auto_now_add: bulk_update writes the past instants as they are.
    for contact, conversation, thread in zip(contacts, conversations, threads, strict=True):
        contact.created_at = conversation.created_at = thread.start
    Contact.objects.bulk_update(contacts, ["created_at"])
    Conversation.objects.bulk_update(conversations, ["created_at"])

    messages, events, markers, tags = [], [], [], []
    through = Conversation.labels.through
    for conversation, thread in zip(conversations, threads, strict=True):
        for message in thread.messages:
            message.conversation = conversation
        messages += thread.messages
        events += thread.events
        if thread.label in labels:
            tags.append(through(conversation=conversation, label=labels[thread.label]))
        if thread.status == ConversationStatus.RESOLVED:
            markers += [
                ReadMarker(conversation=conversation, user=u, read_at=thread.resolved_at)
                for u in readers
            ]
    Message.objects.bulk_create(messages)
    MessageStatusEvent.objects.bulk_create(events)
    ReadMarker.objects.bulk_create(markers)
    through.objects.bulk_create(tags)
    _store_resolutions(workspace, conversations, threads)


def _conversation(workspace, team, contact, thread: _Thread) -> Conversation:
    last = thread.messages[-1]
    inbound = [m for m in thread.messages if m.direction == Direction.INBOUND]
    return Conversation(
        workspace=workspace,
        contact=contact,
        channel=thread.channel,
        team=team,
        status=thread.status,
        assignee=thread.assignee,
        last_message_at=last.created_at,
        last_inbound_at=inbound[-1].created_at if inbound else None,
        last_message_preview=last.text[:200],
        waiting_since=thread.waiting_since,
        first_response_at=thread.first_response_at,
        resolved_at=thread.resolved_at,
    )


def _store_resolutions(workspace, conversations, threads) -> None:
    """The status history the dashboards read resolutions from (normally written by their
    receiver of conversation_status_changed)."""
    from dashboards.models import ConversationStatusEvent

    ConversationStatusEvent.objects.bulk_create(
        [
            ConversationStatusEvent(
                workspace=workspace,
                conversation_id=c.pk,
                channel_id=c.channel_id,
                team_id=c.team_id,
                agent_id=c.assignee_id,
                previous_status=ConversationStatus.OPEN,
                status=ConversationStatus.RESOLVED,
                actor_id=c.assignee_id,
                at=t.resolved_at,
            )
            for c, t in zip(conversations, threads, strict=True)
            if t.resolved_at is not None
        ]
    )


def _store_presence(workspace: Workspace, users: list, now: datetime) -> None:
    """Weekday shifts with a lunch break: what the dashboards' online time sums."""
    rng = random.Random(SEED + 1)
    tz = ZoneInfo(workspace.timezone or "UTC")
    today = now.astimezone(tz).date()
    spans = []
    for days_ago in range(DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for user in users:
            if rng.random() < 0.1:  # a day off
                continue

            def at(hour: int, minute: int, day=day) -> datetime:
                return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)

            shift = [
                (Presence.ONLINE, at(8, rng.randint(45, 59)), at(12, 30)),
                (Presence.AWAY, at(12, 30), at(13, rng.randint(5, 20))),
                (Presence.ONLINE, at(13, 20), at(17, rng.randint(0, 20))),
            ]
            spans += [
                PresenceSpan(workspace=workspace, user=user, status=s, started_at=a, ended_at=b)
                for s, a, b in shift
            ]
    PresenceSpan.objects.bulk_create(spans)


def _opt_out(sms: Channel, thread: _Thread) -> None:
    """Through the consent service (ledger, note, consent history), then dated back to the
    customer's STOP."""
    from dashboards.models import ConsentEvent

    conversation = Conversation.objects.get(
        workspace_id=sms.workspace_id, contact__identities__value=thread.phone
    )
    consent = record_consent(
        sms,
        thread.phone,
        opted_out=True,
        source="keyword",
        keyword="STOP",
        conversation=conversation,
    )
    at = thread.stop_at + timedelta(seconds=1)
    type(consent).objects.filter(pk=consent.pk).update(changed_at=at)
    conversation.messages.filter(direction=Direction.INTERNAL, content__event="consent").update(
        created_at=at
    )
    # The consent history is written after commit; queued behind it, this runs after it.
    transaction.on_commit(lambda: ConsentEvent.objects.filter(consent_id=consent.pk).update(at=at))
