"""The adapter hook dashboards use for cost: SMS bills segments, other channels 1."""

from __future__ import annotations

from inbox.adapters import get_adapter
from inbox.models import Channel


def test_sms_bills_segments():
    channel = Channel(kind="sms", config={})
    adapter = get_adapter("sms")
    assert adapter.billing_units(channel, "hi") == 1
    assert adapter.billing_units(channel, "x" * 161) == 2  # GSM-7 multipart: 153 per part
    assert adapter.billing_units(channel, "é" * 10 + "😀") == 1  # UCS-2, 70 per part
    assert adapter.billing_units(channel, "😀" * 40) == 2


def test_other_channels_bill_one_unit_per_message():
    assert get_adapter("rcs").billing_units(Channel(kind="rcs", config={}), "x" * 500) == 1
