"""Display names for the ids the roll-up stores (channels, teams, agents)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from inbox.models import Channel, Team, Workspace


def channels(workspace: Workspace) -> dict[int, str]:
    return dict(Channel.objects.filter(workspace=workspace).values_list("pk", "name"))


def teams(workspace: Workspace) -> dict[int, str]:
    return dict(Team.objects.filter(workspace=workspace).values_list("pk", "name"))


def users(ids) -> dict[int, str]:
    people = get_user_model().objects.filter(pk__in=[i for i in ids if i is not None])
    return {u.pk: (u.get_full_name() or u.username) for u in people}


def label(mapping: dict[int, str], key: int | None, none: str = "(none)") -> str:
    if key is None:
        return none
    return mapping.get(key, "(removed)")
