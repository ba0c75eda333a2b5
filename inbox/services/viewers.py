"""Who has a conversation open right now, so two agents do not answer the same customer.

Ephemeral like typing: never in the database. One Redis sorted set per conversation holds
one entry per open tab, scored by when its heartbeat expires; an entry carries the
user's id and display name, so listing viewers needs no query. A tab of a crashed process
stops being refreshed and drops out at the next read.
"""

from __future__ import annotations

import json
import time

from inbox import realtime
from inbox.redis_client import client

from .presence import TAB_TTL_SECONDS


def _key(conversation_id: int) -> str:
    return f"viewers:{conversation_id}"


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _entry(user, tab: str) -> str:
    return json.dumps([user.pk, display_name(user), tab])


def current(conversation_id: int) -> list[dict]:
    """Distinct viewers (user_id, name), sorted by name; expired tabs are dropped."""
    key = _key(conversation_id)
    pipe = client().pipeline()
    pipe.zremrangebyscore(key, "-inf", time.time())
    pipe.zrange(key, 0, -1)
    entries = pipe.execute()[1]
    people: dict[int, str] = {}
    for raw in entries:
        user_id, name, _tab = json.loads(raw)
        people[int(user_id)] = name
    return [
        {"user_id": uid, "name": name}
        for uid, name in sorted(people.items(), key=lambda item: (item[1].lower(), item[0]))
    ]


def _touch(conversation_id: int, user, tab: str) -> None:
    key = _key(conversation_id)
    pipe = client().pipeline()
    pipe.zadd(key, {_entry(user, tab): time.time() + TAB_TTL_SECONDS})
    pipe.expire(key, TAB_TTL_SECONDS * 2)
    pipe.execute()


def join(conversation, user, tab: str) -> list[dict]:
    """A tab opened the conversation: tell everyone looking at it who is there now."""
    _touch(conversation.pk, user, tab)
    viewers = current(conversation.pk)
    realtime.viewers_changed(conversation.pk, viewers)
    return viewers


def leave(conversation_id: int, user, tab: str) -> list[dict]:
    client().zrem(_key(conversation_id), _entry(user, tab))
    viewers = current(conversation_id)
    realtime.viewers_changed(conversation_id, viewers)
    return viewers


def heartbeat(conversation_id: int, user, tab: str) -> list[dict]:
    """Keep the tab listed; announce only when the list changed (someone's tab expired)."""
    before = current(conversation_id)
    _touch(conversation_id, user, tab)
    after = current(conversation_id)
    if after != before:
        realtime.viewers_changed(conversation_id, after)
    return after
