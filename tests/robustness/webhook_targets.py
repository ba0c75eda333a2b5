"""The webhook URLs of a workspace with an SMS and an RCS channel, for the fuzz tests."""

from __future__ import annotations

from django.urls import reverse

from channels_sms import sandbox as sms_sandbox
from inbox.services import create_channel
from tests.rcs.conftest import CLIENT_TOKEN, make_rcs_channel

CUSTOMER = "+14155550111"
OUR_NUMBER = "+14155550100"


def make_channels(workspace) -> dict:
    sms = create_channel(
        workspace, kind="sms", name="SMS", config=sms_sandbox.channel_config(OUR_NUMBER)
    )
    return {"sms": sms, "rcs": make_rcs_channel(workspace)}


def webhook_paths(channels: dict) -> list[str]:
    """Every webhook URL, for real channels and for tokens no channel has."""
    paths = []
    for token in (channels["sms"].webhook_token, "nosuchchannel0000000000", "x" * 40):
        paths += [reverse("sms-inbound", args=[token]), reverse("sms-status", args=[token])]
    for token in (channels["rcs"].webhook_token, "nosuchchannel0000000000"):
        paths.append(reverse("rcs-webhook", args=[token]))
    return paths


__all__ = ["CLIENT_TOKEN", "CUSTOMER", "OUR_NUMBER", "make_channels", "webhook_paths"]
