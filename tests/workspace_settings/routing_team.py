"""People and a round-robin team for the routing tests (unit and concurrency)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from inbox.models import Membership, Team
from tests.web.fakes import make_channel


def agent_with_presence(workspace, name: str, presence: str = "online"):
    """An agent whose presence has held for an hour (past any offline grace period)."""
    user = get_user_model().objects.create_user(name, password="x")
    Membership.objects.create(
        workspace=workspace,
        user=user,
        role="agent",
        presence=presence,
        presence_changed_at=timezone.now() - dt.timedelta(hours=1),
    )
    return user


def round_robin_team(workspace) -> Team:
    """A round-robin team owning a fresh channel, reachable as `team.channel`."""
    team = Team.objects.create(workspace=workspace, name="Support", routing="round_robin")
    channel = make_channel(workspace)
    channel.team = team
    channel.save()
    team.channel = channel
    return team
