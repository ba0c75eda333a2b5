"""The demo history's conversations as they would have gone, built in memory, unsaved.

One random generator with a fixed seed drives every choice (which topic, how fast an
agent answers, which ticks a reply earns), so two runs at the same instant build the same
threads; rows.py writes them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from inbox.models import (
    Author,
    Channel,
    ConversationStatus,
    Direction,
    Message,
    MessageStatus,
    MessageStatusEvent,
)

from .script import (
    DAYS,
    FAILURE,
    FALLBACK_REASON,
    FIRST_NAMES,
    FIRST_PHONE,
    HOUR_WEIGHTS,
    LAST_NAMES,
    RCS_TOPICS,
    SEED,
    SMS_TOPICS,
)


@dataclass
class Thread:
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


class ThreadBuilder:
    def __init__(self, workspace, sms, rcs, agents, manager, now) -> None:
        self.rng = random.Random(SEED)
        self.tz = ZoneInfo(workspace.timezone or "UTC")
        self.workspace, self.sms, self.rcs = workspace, sms, rcs
        self.agents, self.manager, self.now = agents, manager, now
        names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
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

    def threads(self) -> list[Thread]:
        threads = []
        today = self.now.astimezone(self.tz).date()
        for days_ago in range(DAYS, -1, -1):
            day = today - timedelta(days=days_ago)
            per_day = self.rng.randint(4, 6) if day.weekday() < 5 else self.rng.randint(1, 2)
            hours = self.rng.choices(list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values()), k=per_day)
            for hour in sorted(hours):
                start = datetime(
                    day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=self.tz
                )
                if start > self.now - timedelta(minutes=15):
                    continue
                threads.append(self._thread(start))
        threads.append(self._showcase())
        return threads

    def _showcase(self) -> Thread:
        """The newest thread, open at the top of the list with a card, a tapped chip and a
        customer waiting: what a newcomer (and the README's screenshot) opens first."""
        i = self.count
        self.count += 1
        channel = self.rcs or self.sms
        start = self.now - timedelta(minutes=42)
        thread = Thread(
            name="Grace Okoye",
            phone=f"+1415555{3000 + 2 * i}",
            channel=channel,
            start=start,
            label="VIP",
        )
        thread.assignee = self.agents[0]
        self._inbound(thread, "Hi! Do you have anything for an anniversary? It's Saturday", start)
        chips = ("Order now", "See more options")
        title, description = RCS_TOPICS[1][3]
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

    def _thread(self, start: datetime) -> Thread:
        i = self.count
        self.count += 1
        on_rcs = self.rcs is not None and self.rng.random() < 0.35
        fallback = on_rcs and self.fallbacks < 2 and i % 9 == 4
        # The sandbox reaches even numbers over RCS; a fallback thread's phone cannot.
        phone = f"+1415555{3000 + 2 * i + (0 if on_rcs and not fallback else 1)}"
        if i == 0:
            phone = FIRST_PHONE
        thread = Thread(
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
            label, ask, kind, reply, chips, second = self.rng.choice(RCS_TOPICS)
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
            label, ask, reply, follow_up, second = self.rng.choice(SMS_TOPICS)
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

    def _leave_waiting(self, thread: Thread, at: datetime) -> Thread:
        thread.waiting_since = at
        thread.assignee = None if self.rng.random() < 0.5 else thread.assignee
        return thread

    def _finish(self, thread: Thread, last: datetime) -> Thread:
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

    def _message(self, thread: Thread, channel: Channel, **fields) -> Message:
        message = Message(
            workspace_id=self.workspace.pk,
            conversation=None,
            channel=channel,
            **fields,
        )
        thread.messages.append(message)
        return message

    def _inbound(self, thread: Thread, text: str, at: datetime, channel=None) -> datetime:
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

    def _tap(self, thread: Thread, chip: str, chips: tuple, at: datetime) -> datetime:
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
        thread: Thread,
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

    def _statuses(self, thread: Thread, message: Message, at: datetime, *, failed: bool) -> None:
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
