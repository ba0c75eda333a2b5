"""A workspace's teams, as the view tabs and the assignment picker list them."""

from __future__ import annotations

from django.db.models import QuerySet

from inbox.models import Team, Workspace


def workspace_teams(*, workspace: Workspace) -> QuerySet[Team]:
    return Team.objects.filter(workspace=workspace).order_by("name")
