"""Agent presence: online while a tab is open, away by choice, offline when the last tab goes.

Open tabs live in Redis, one sorted set per member scored by the moment each tab's
heartbeat expires, so several tabs count once and a crashed web process cannot leave an
agent online forever: its tabs simply stop being refreshed, and the next settle (any
heartbeat, or beat's `sweep`) sees them gone. The database keeps the history:
PresenceSpan is what dashboards sum, and Membership.presence mirrors the open span so
lists and routing read it without Redis.

Every change goes through `_settle`, which re-reads Redis while holding the membership's
row lock: whichever of two racing tab events settles last sees the final set of tabs, so
the stored state cannot end up behind Redis.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from inbox import realtime
from inbox.models import Membership, Presence, PresenceSpan
from inbox.redis_client import client

# The page beats every HEARTBEAT_SECONDS; a tab missing for TAB_TTL_SECONDS is gone.
HEARTBEAT_SECONDS = 20
TAB_TTL_SECONDS = 60
# Opening another conversation is a page load: the old tab's socket closes a moment before
# the new one opens. A closed last tab counts this long, so a click is not "offline, then
# online again"; beat's sweep turns it offline afterwards.
CLOSE_GRACE_SECONDS = 10
# "Away" is forgotten when the agent goes offline; this only bounds a key left by a crash.
AWAY_MAX_SECONDS = 24 * 3600

CHOOSABLE = (Presence.ONLINE, Presence.AWAY)


def _tabs_key(workspace_id: int, user_id: int) -> str:
    return f"presence:tabs:{workspace_id}:{user_id}"


def _away_key(workspace_id: int, user_id: int) -> str:
    return f"presence:away:{workspace_id}:{user_id}"


def _live_tabs(workspace_id: int, user_id: int) -> int:
    key = _tabs_key(workspace_id, user_id)
    now = time.time()
    pipe = client().pipeline()
    pipe.zremrangebyscore(key, "-inf", now)
    pipe.zcard(key)
    return int(pipe.execute()[1])


def tab_alive(workspace_id: int, user_id: int, tab: str) -> str:
    """A tab subscribed, or beat: it counts for another TAB_TTL_SECONDS. Settling on every
    beat also brings back a member the sweep took offline while their beats were late."""
    key = _tabs_key(workspace_id, user_id)
    pipe = client().pipeline()
    pipe.zadd(key, {tab: time.time() + TAB_TTL_SECONDS})
    pipe.expire(key, TAB_TTL_SECONDS * 2)
    pipe.execute()
    return _settle(workspace_id, user_id)


def tab_closed(workspace_id: int, user_id: int, tab: str) -> str:
    """A tab went away (socket closed); offline only once the member's last tab is gone
    (after CLOSE_GRACE_SECONDS, settled by the sweep)."""
    key = _tabs_key(workspace_id, user_id)
    client().zadd(key, {tab: time.time() + CLOSE_GRACE_SECONDS}, xx=True)
    return _settle(workspace_id, user_id)


def choose(membership: Membership, status: str) -> str:
    """The agent's own switch: away (still here, do not count on me) or back online."""
    if status not in CHOOSABLE:
        raise ValueError(f"presence must be one of {', '.join(CHOOSABLE)}")
    key = _away_key(membership.workspace_id, membership.user_id)
    if status == Presence.AWAY:
        client().set(key, 1, ex=AWAY_MAX_SECONDS)
    else:
        client().delete(key)
    return _settle(membership.workspace_id, membership.user_id)


def chose_away(membership: Membership) -> bool:
    return bool(client().exists(_away_key(membership.workspace_id, membership.user_id)))


def sweep() -> int:
    """Settle everyone the database shows present: tabs whose heartbeat expired (a crashed
    web process, a laptop lid closed) turn into offline. Returns how many changed."""
    changed = 0
    present = Membership.objects.exclude(presence=Presence.OFFLINE).values_list(
        "workspace_id", "user_id", "presence"
    )
    for workspace_id, user_id, before in list(present):
        if _settle(workspace_id, user_id) != before:
            changed += 1
    return changed


def _settle(workspace_id: int, user_id: int) -> str:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(workspace_id=workspace_id, user_id=user_id)
            .first()
        )
        if membership is None:
            return Presence.OFFLINE
        if not membership.is_active or _live_tabs(workspace_id, user_id) == 0:
            client().delete(_away_key(workspace_id, user_id))  # a new session starts online
            desired = Presence.OFFLINE
        elif client().exists(_away_key(workspace_id, user_id)):
            desired = Presence.AWAY
        else:
            desired = Presence.ONLINE
        if membership.presence == desired:
            return desired
        now = timezone.now()
        PresenceSpan.objects.filter(
            workspace_id=workspace_id, user_id=user_id, ended_at__isnull=True
        ).update(ended_at=now)
        if desired != Presence.OFFLINE:
            PresenceSpan.objects.create(
                workspace_id=workspace_id, user_id=user_id, status=desired, started_at=now
            )
        membership.presence = desired
        membership.presence_changed_at = now
        membership.save(update_fields=["presence", "presence_changed_at"])
        realtime.presence_changed(membership)
    return desired
