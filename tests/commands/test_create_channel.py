import json

import pytest
from django.core.management import CommandError

from inbox.models import Channel

from .conftest import run


def test_creates_channel_and_prints_webhook_urls(workspace, fake_adapter):
    out = run(
        "create_channel",
        "--workspace",
        "acme",
        "--kind",
        "test",
        "--name",
        "Line 1",
        "--config",
        json.dumps({"sender": "+15550000001", "api_key": "s3cret"}),
    )
    channel = Channel.objects.get(pk=out["id"])
    assert out["kind"] == "test" and out["name"] == "Line 1" and out["workspace"] == "acme"
    assert out["webhook_urls"] == {
        "inbound": f"https://example.test/hooks/test/{channel.webhook_token}"
    }
    assert channel.workspace == workspace
    assert channel.config == {"sender": "+15550000001"}
    assert channel.secrets == {"api_key": "s3cret"}
    assert "s3cret" not in channel.secrets_encrypted


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "acme", "--kind", "test", "--config", "{nope"], "not valid JSON"),
        (["--workspace", "acme", "--kind", "test", "--config", "[1, 2]"], "JSON object"),
        (["--workspace", "nowhere", "--kind", "test", "--config", "{}"], "no workspace"),
        (["--workspace", "acme", "--kind", "pigeon", "--config", "{}"], "unknown channel kind"),
        (
            ["--workspace", "acme", "--kind", "test", "--config", '{"api_key": "k"}'],
            "invalid channel config: sender: required",
        ),
    ],
    ids=["bad-json", "not-object", "unknown-workspace", "unknown-kind", "invalid-config"],
)
def test_errors_write_nothing(workspace, fake_adapter, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_channel", "--name", "X", *args)
    assert not Channel.objects.exists()


def test_unknown_kind_lists_the_known_ones(workspace, fake_adapter):
    with pytest.raises(CommandError) as err:
        run("create_channel", "--workspace", "acme", "--kind", "pigeon", "--name", "X")
    assert "test" in str(err.value) and "sms" in str(err.value)


def test_creates_an_sms_channel(workspace):
    out = run(
        "create_channel",
        "--workspace",
        "acme",
        "--kind",
        "sms",
        "--name",
        "Main SMS",
        "--config",
        json.dumps(
            {"account_sid": "AC" + "0" * 32, "auth_token": "t0k", "from_number": "+14155550100"}
        ),
    )
    channel = Channel.objects.get(pk=out["id"])
    assert channel.kind == "sms"
    assert out["webhook_urls"] == channel.adapter.webhook_urls(channel)
    for key in channel.adapter.secret_keys:
        assert key not in channel.config
    assert channel.secrets.get("auth_token") == "t0k"
