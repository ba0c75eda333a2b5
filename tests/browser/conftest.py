import pytest

from channels_sms import sandbox
from inbox import services

OUR_NUMBER = "+14155550100"


@pytest.fixture
def sms_channel(live_settings, workspace):
    channel = services.create_channel(
        workspace, kind="sms", name="Support SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    yield channel
    sandbox.reset(channel.config["account_sid"])
