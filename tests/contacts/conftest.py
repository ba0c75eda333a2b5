"""Contacts fixtures: a workspace with a real sandbox SMS channel and typed attributes."""

from __future__ import annotations

import pytest

from inbox.services import create_channel
from workspace_settings.models import AttributeType, ContactAttributeDefinition


@pytest.fixture
def sms_channel(workspace):
    from channels_sms import sandbox

    return create_channel(
        workspace, kind="sms", name="Support SMS", config=sandbox.channel_config("+14155550100")
    )


@pytest.fixture
def definitions(workspace):
    rows = {
        "balance": AttributeType.NUMBER,
        "due_date": AttributeType.DATE,
        "plan": AttributeType.TEXT,
        "vip": AttributeType.BOOL,
    }
    return {
        key: ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=key.title(), type=kind
        )
        for key, kind in rows.items()
    }
