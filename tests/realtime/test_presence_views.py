"""The presence switch and the team's presence fragment: scoped to the member's workspace,
bad input refused, and the fragment reads presence from the database."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import Membership, Presence
from inbox.services import presence

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_away_switch_marks_the_open_tab_away(client, workspace, agent):
    presence.tab_alive(workspace.pk, agent.pk, "tab-1")
    client.force_login(agent)
    response = client.post(reverse("inbox:set_presence", args=["acme"]), {"status": "away"}, **HTMX)
    assert response.status_code == 200
    assert 'data-presence="away"' in response.content.decode()
    assert Membership.objects.get(user=agent).presence == Presence.AWAY

    back = client.post(reverse("inbox:set_presence", args=["acme"]), {"status": "online"})
    assert back.status_code == 302
    assert Membership.objects.get(user=agent).presence == Presence.ONLINE


def test_bad_status_is_a_400_and_changes_nothing(client, workspace, agent):
    presence.tab_alive(workspace.pk, agent.pk, "tab-1")
    client.force_login(agent)
    response = client.post(reverse("inbox:set_presence", args=["acme"]), {"status": "offline"})
    assert response.status_code == 400
    assert Membership.objects.get(user=agent).presence == Presence.ONLINE


def test_another_workspace_is_a_404(client, workspace, other_workspace, agent):
    client.force_login(agent)
    assert (
        client.post(reverse("inbox:set_presence", args=["globex"]), {"status": "away"}).status_code
        == 404
    )
    assert client.get(reverse("inbox:team_presence", args=["globex"])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, workspace):
    response = client.get(reverse("inbox:team_presence", args=["acme"]))
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(reverse("inbox:set_presence", args=["acme"]), {"status": "away"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_switch_is_post_only(client, workspace, agent):
    client.force_login(agent)
    assert client.get(reverse("inbox:set_presence", args=["acme"])).status_code == 405


def test_team_fragment_lists_teammates_with_their_presence(
    client, workspace, agent, manager, admin_user, outsider
):
    presence.tab_alive(workspace.pk, manager.pk, "tab-m")
    client.force_login(agent)
    response = client.get(reverse("inbox:team_presence", args=["acme"]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-user-id="{manager.pk}" data-presence="online"' in html
    assert f'data-user-id="{admin_user.pk}" data-presence="offline"' in html
    assert f'data-user-id="{agent.pk}"' not in html  # not yourself
    assert "eve" not in html  # another workspace's member
    assert "1 online" in html
