"""A workspace's time zone lasts for its own request, never for the thread after it."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone

from inbox.models import Workspace


def test_a_page_in_a_workspace_zone_leaves_the_thread_in_the_default_zone(
    agent_client, conversation
):
    Workspace.objects.filter(pk=conversation.workspace_id).update(timezone="America/Mexico_City")
    timezone.deactivate()

    response = agent_client.get(f"/w/acme/c/{conversation.pk}/")

    assert response.status_code == 200
    # The test client runs the view on this thread: what it activated must be gone.
    assert timezone.get_current_timezone() == zoneinfo.ZoneInfo("UTC")
