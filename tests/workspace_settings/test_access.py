"""Every settings page and endpoint: admins only; agents and managers 403; others 404."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _urls(items) -> tuple[list[str], list[str]]:
    b = "/w/acme/settings/"
    gets = [
        f"{b}channels/",
        f"{b}channels/new/sms/",
        f"{b}channels/new/rcs/",
        f"{b}channels/{items['channel'].pk}/",
        f"{b}teams/",
        f"{b}teams/{items['team'].pk}/",
        f"{b}canned-responses/",
        f"{b}canned-responses/{items['canned'].pk}/",
        f"{b}labels/",
        f"{b}labels/{items['label'].pk}/",
        f"{b}attributes/",
        f"{b}attributes/{items['attribute'].pk}/",
        f"{b}hours/",
        f"{b}webhooks/",
        f"{b}webhooks/{items['webhook'].pk}/",
        f"{b}inbound-events/",
    ]
    posts = gets + [
        f"{b}inbound-events/replay/",
        f"{b}channels/{items['channel'].pk}/active/",
        f"{b}channels/{items['channel'].pk}/test/",
        f"{b}teams/{items['team'].pk}/delete/",
        f"{b}canned-responses/{items['canned'].pk}/delete/",
        f"{b}labels/{items['label'].pk}/delete/",
        f"{b}attributes/{items['attribute'].pk}/delete/",
        f"{b}hours/holidays/",
        f"{b}hours/holidays/{items['holiday'].pk}/delete/",
        f"{b}hours/replies/",
        f"{b}webhooks/{items['webhook'].pk}/rotate/",
        f"{b}webhooks/{items['webhook'].pk}/delete/",
    ]
    return gets, posts


def test_admin_sees_every_page(admin_client, items):
    gets, _ = _urls(items)
    for url in gets:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert b'aria-current="page"' in response.content, url


@pytest.mark.parametrize("role_user", ["agent", "manager"])
def test_agents_and_managers_get_403_everywhere(client, items, role_user, request):
    client.force_login(request.getfixturevalue(role_user))
    gets, posts = _urls(items)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"name": "x", "active": "0"}).status_code == 403, url
    items["channel"].refresh_from_db()
    assert items["channel"].is_active
    assert items["team"].__class__.objects.filter(pk=items["team"].pk).exists()


def test_another_workspace_gets_404_everywhere(client, items, outsider):
    client.force_login(outsider)
    gets, posts = _urls(items)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"name": "x"}).status_code == 404, url


def test_admin_of_another_workspace_cannot_reach_our_rows(client, items, other_workspace):
    """Admin elsewhere, using our row ids under their own slug: 404, not our data."""
    from django.contrib.auth import get_user_model

    from inbox.models import Membership

    boss = get_user_model().objects.create_user("boss", password="x")
    Membership.objects.create(workspace=other_workspace, user=boss, role="admin")
    client.force_login(boss)
    gets, posts = _urls(items)
    for url in gets + posts:
        ours = url.replace("/w/acme/", "/w/globex/")
        if any(ch.isdigit() for ch in ours.split("/settings/")[1]):
            method = client.get if url in gets else client.post
            assert method(ours).status_code == 404, ours


def test_anonymous_is_sent_to_login(client, items):
    response = client.get("/w/acme/settings/channels/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
