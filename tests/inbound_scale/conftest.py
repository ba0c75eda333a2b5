"""A workspace's SMS channel on the sandbox's account (webhooks signed as Twilio signs)."""

from __future__ import annotations

import pytest

from channels_sms import sandbox
from inbox import services

OUR_NUMBER = "+15550009999"


@pytest.fixture
def channel(workspace):
    return services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
