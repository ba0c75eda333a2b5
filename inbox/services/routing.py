"""Routing: which team and which agent a new or reopened conversation goes to.

The channel's team owns the conversation. A round-robin team hands it to the next online
member after the one who got the last conversation, skipping anyone already holding
`max_open_per_agent` open conversations. The Team row is locked while picking and the
lock is held until the caller commits, so two conversations arriving at once see each
other's assignment and never pile onto the same agent by accident.

Lock order is always conversation, then team (ingest holds the conversation lock when it
calls here; the offline sweep takes the conversation first too), so the two never
deadlock.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from inbox import realtime, signals
from inbox.models import Conversation, ConversationStatus, Membership, RoutingMode, Team

log = logging.getLogger(__name__)

# Statuses that count against an agent's cap: the conversation still needs them.
WORKING_STATUSES = (ConversationStatus.OPEN, ConversationStatus.PENDING)


def _online_member_ids(team: Team) -> list[int]:
    return list(
        Membership.objects.filter(
            workspace_id=team.workspace_id,
            is_active=True,
            presence="online",
            user__in=team.members.all(),
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _open_counts(team: Team, user_ids: list[int]) -> dict[int, int]:
    rows = (
        Conversation.objects.filter(
            workspace_id=team.workspace_id, assignee_id__in=user_ids, status__in=WORKING_STATUSES
        )
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def pick_agent(team: Team, *, exclude: set[int] = frozenset()) -> int | None:
    """The next agent's user id in round-robin order, or None when nobody can take one.

    Call inside a transaction with `team` locked (select_for_update); records the pick in
    team.last_assigned_user.
    """
    candidates = [uid for uid in _online_member_ids(team) if uid not in exclude]
    if not candidates:
        return None
    if team.max_open_per_agent:
        counts = _open_counts(team, candidates)
        candidates = [uid for uid in candidates if counts.get(uid, 0) < team.max_open_per_agent]
        if not candidates:
            return None
    last = team.last_assigned_user_id
    after = [uid for uid in candidates if last is not None and uid > last]
    chosen = (after or candidates)[0]
    team.last_assigned_user_id = chosen
    team.save(update_fields=["last_assigned_user"])
    return chosen


def _assignee_still_here(conversation: Conversation) -> bool:
    if conversation.assignee_id is None:
        return False
    return Membership.objects.filter(
        workspace_id=conversation.workspace_id,
        user_id=conversation.assignee_id,
        is_active=True,
    ).exists()


def _announce(conversation: Conversation, previous_assignee_id: int | None) -> None:
    realtime.conversation_changed(conversation)
    transaction.on_commit(
        lambda: signals.send(
            signals.conversation_assigned,
            Conversation,
            conversation=conversation,
            previous_assignee_id=previous_assignee_id,
            actor=None,
        )
    )


def route_conversation(conversation: Conversation) -> None:
    """Give a new or reopened conversation (locked by the caller) to its channel's team.

    A reopened conversation keeps an assignee who is still a member: the customer is
    answered by whoever knows the thread. Nothing happens on a channel without a team.
    """
    team_id = conversation.channel.team_id if conversation.channel_id else None
    if team_id is None:
        return
    team = Team.objects.select_for_update().get(pk=team_id)
    conversation.team = team
    previous = conversation.assignee_id
    if team.routing == RoutingMode.ROUND_ROBIN and not _assignee_still_here(conversation):
        conversation.assignee_id = pick_agent(team)
    conversation.save(update_fields=["team", "assignee"])
    if conversation.assignee_id != previous:
        _announce(conversation, previous)


def reassign_from_offline_agents() -> int:
    """Move open conversations away from agents who have been offline for a while.

    Only for round-robin teams with `reassign_when_offline`. A conversation stays with its
    agent when no other member can take it (better a known owner than an empty queue).
    Returns how many conversations moved.
    """
    grace = timedelta(seconds=getattr(settings, "ROUTING_OFFLINE_GRACE_SECONDS", 120))
    cutoff = timezone.now() - grace
    moved = 0
    teams = Team.objects.filter(reassign_when_offline=True, routing=RoutingMode.ROUND_ROBIN)
    for team in teams:
        offline = Membership.objects.filter(workspace_id=team.workspace_id).filter(
            Q(is_active=False)
            | (
                ~Q(presence="online")
                & (Q(presence_changed_at__isnull=True) | Q(presence_changed_at__lte=cutoff))
            )
        )
        ids = list(
            Conversation.objects.filter(
                team=team,
                status__in=WORKING_STATUSES,
                assignee_id__in=offline.values("user_id"),
            ).values_list("pk", flat=True)
        )
        for conversation_id in ids:
            moved += _reassign_one(conversation_id, team.pk)
    return moved


def _reassign_one(conversation_id: int, team_id: int) -> int:
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None or conversation.team_id != team_id:
            return 0
        if conversation.status not in WORKING_STATUSES or conversation.assignee_id is None:
            return 0
        team = Team.objects.select_for_update().get(pk=team_id)
        previous = conversation.assignee_id
        if Membership.objects.filter(
            workspace_id=team.workspace_id, user_id=previous, is_active=True, presence="online"
        ).exists():
            return 0  # came back meanwhile
        chosen = pick_agent(team, exclude={previous})
        if chosen is None:
            return 0
        conversation.assignee_id = chosen
        conversation.save(update_fields=["assignee"])
        _announce(conversation, previous)
    log.info("conversation %s reassigned from offline user %s", conversation_id, previous)
    return 1
