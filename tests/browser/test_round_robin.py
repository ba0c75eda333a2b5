"""Round-robin routing seen from two agents' inboxes: each new customer lands, live, in
exactly one agent's "Mine" list, alternating, with uvicorn, a Celery worker, PostgreSQL,
Redis and the Twilio sandbox as separate real processes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from channels_sms import sandbox
from inbox.models import Membership, Team
from tests.support.browser import off_loop, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

LIVE = 30_000


def _set_up_team(workspace, agent, sms_channel):
    bob = get_user_model().objects.create_user("bob", password="pw-bob")
    Membership.objects.create(workspace=workspace, user=bob, role="agent")
    team = Team.objects.create(workspace=workspace, name="Support", routing="round_robin")
    team.members.set([agent, bob])
    sms_channel.team = team
    sms_channel.save()


def _all_online(workspace):
    Membership.objects.filter(workspace=workspace).update(presence="online")


def _login(browser, base, username):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(
        page,
        base + "/accounts/login/?next=/w/acme/%3Fassignee%3Dme",
        username,
        lands="**/w/acme/?assignee=me",
    )
    return page


def test_new_conversations_alternate_between_online_agents(
    asgi_server, celery_worker, sms_channel, workspace, agent, browser
):
    from playwright.sync_api import expect

    off_loop(_set_up_team, workspace, agent, sms_channel)

    alice_page = _login(browser, asgi_server, "alice")
    bob_page = _login(browser, asgi_server, "bob")
    for page in (alice_page, bob_page):
        expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
        expect(page.get_by_test_id("conversation-row")).to_have_count(0)
    off_loop(_all_online, workspace)

    first = sandbox.simulate_inbound(sms_channel, "+14155550101", "First customer here")
    assert first.status_code == 200, first.response_text
    # alice has the lower user id, so she is first in the rotation.
    alice_rows = alice_page.get_by_test_id("conversation-row")
    expect(alice_rows).to_have_count(1, timeout=LIVE)
    expect(alice_rows).to_contain_text("First customer here")

    second = sandbox.simulate_inbound(sms_channel, "+14155550102", "Second customer here")
    assert second.status_code == 200, second.response_text
    bob_rows = bob_page.get_by_test_id("conversation-row")
    expect(bob_rows).to_have_count(1, timeout=LIVE)
    expect(bob_rows).to_contain_text("Second customer here")

    third = sandbox.simulate_inbound(sms_channel, "+14155550103", "Third customer here")
    assert third.status_code == 200, third.response_text
    expect(alice_rows).to_have_count(2, timeout=LIVE)
    expect(alice_rows.first).to_contain_text("Third customer here")
    # bob's list never showed alice's customers.
    expect(bob_rows).to_have_count(1)
    expect(bob_rows).not_to_contain_text("First customer here")
