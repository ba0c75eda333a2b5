"""A workspace's labels, as the list's filter and the side panel's picker offer them."""

from __future__ import annotations

from django.db.models import QuerySet

from inbox.models import Label, Workspace


def workspace_labels(*, workspace: Workspace) -> QuerySet[Label]:
    return Label.objects.filter(workspace=workspace).order_by("name")
