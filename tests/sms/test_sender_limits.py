"""Per-channel sending rules: rate key and cost in segments, smart encoding."""

from inbox.adapters import get_adapter

UCS2_LONG = "Olá! " + "ç" * 80  # ç is not GSM-7: UCS-2, 85 units -> 2 segments


def test_throughput_is_per_sender_and_costs_segments(sms_channel):
    adapter = get_adapter("sms")
    short = adapter.throughput(
        sms_channel, to="+15550000001", content={"type": "text", "text": "hi"}
    )
    long = adapter.throughput(
        sms_channel, to="+15550000001", content={"type": "text", "text": UCS2_LONG}
    )
    assert short.key == long.key
    assert sms_channel.config["from_number"] in short.key
    assert (short.cost, long.cost) == (1, 2)
    assert short.per_second == 4.0  # US long code default


def test_configured_mps_overrides_the_default(sms_channel):
    sms_channel.config["mps"] = 25
    limit = get_adapter("sms").throughput(
        sms_channel, to="+15550000001", content={"type": "text", "text": "hi"}
    )
    assert limit.per_second == 25.0


def test_smart_encoding_turns_lookalikes_into_gsm(sms_channel):
    adapter = get_adapter("sms")
    content = {"type": "text", "text": "“Hello” – it’s…"}
    assert adapter.segments(sms_channel, content).encoding == "UCS-2"
    sms_channel.config["smart_encoding"] = True
    info = adapter.segments(sms_channel, content)
    assert info.encoding == "GSM-7"
    assert info.text == '"Hello" - it\'s...'
