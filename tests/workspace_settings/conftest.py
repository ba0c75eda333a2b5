"""Settings-area fixtures: an admin client, and one row of everything a page can edit."""

from __future__ import annotations

import datetime

import pytest

from inbox.models import CannedResponse, Holiday, Label, Team
from tests.web.fakes import PageAdapter, make_channel
from workspace_settings.models import ContactAttributeDefinition
from workspace_settings.services import webhook_endpoints


@pytest.fixture
def page_adapter():
    from inbox.adapters import register

    return register(PageAdapter())


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def items(workspace, page_adapter):
    """One of each editable row in `workspace`, keyed by the url kwarg each route takes."""
    from channels_sms import sandbox

    sms = __import__("inbox.services", fromlist=["create_channel"]).create_channel(
        workspace, kind="sms", name="Support SMS", config=sandbox.channel_config("+14155550100")
    )
    team = Team.objects.create(workspace=workspace, name="Support")
    hook, _ = webhook_endpoints.create_webhook(
        workspace, None, url="http://127.0.0.1:9/hook", events=["message.created"]
    )
    return {
        "channel": sms,
        "team": team,
        "canned": CannedResponse.objects.create(
            workspace=workspace, shortcut="hi", title="Hi", body="Hello"
        ),
        "label": Label.objects.create(workspace=workspace, name="VIP", colour="#ff0000"),
        "attribute": ContactAttributeDefinition.objects.create(
            workspace=workspace, key="plan", label="Plan"
        ),
        "holiday": Holiday.objects.create(workspace=workspace, date=datetime.date(2030, 12, 25)),
        "webhook": hook,
        "other": make_channel(workspace, name="Page channel"),
    }
