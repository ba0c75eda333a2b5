"""Teams: who is in them, which channels they own, and how they route."""

from __future__ import annotations

from django.db import transaction

from inbox.models import Channel, Team
from inbox.services.audit import record

FIELDS = ["name", "routing", "max_open_per_agent", "reassign_when_offline"]


def _view(team: Team) -> dict:
    return {
        **{f: getattr(team, f) for f in FIELDS},
        "members": sorted(team.members.values_list("pk", flat=True)),
        "channels": sorted(team.channels.values_list("pk", flat=True)),
    }


def save_team(team: Team, actor, *, members, channels) -> Team:
    """Save a validated team with exactly these members and channels (all of its workspace).

    Channels move here from whichever team owned them before: a channel has one team.
    """
    creating = team.pk is None
    with transaction.atomic():
        before = None if creating else _view(Team.objects.get(pk=team.pk))
        team.save()
        team.members.set(members)
        channel_ids = [c.pk for c in channels]
        Channel.objects.filter(workspace_id=team.workspace_id, team=team).exclude(
            pk__in=channel_ids
        ).update(team=None)
        Channel.objects.filter(workspace_id=team.workspace_id, pk__in=channel_ids).update(team=team)
        after = _view(team)
        if before != after:
            action = "team.created" if creating else "team.updated"
            record(team.workspace, actor, action, team, before=before, after=after)
    return team


def delete_team(team: Team, actor) -> None:
    with transaction.atomic():
        record(team.workspace, actor, "team.deleted", team, before=_view(team))
        team.delete()
