import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from channels_sms.adapter import SANDBOX_DEMO_AUTH_TOKEN as DEMO_AUTH_TOKEN
from demo.workspace import DEMO_INBOUND, DEMO_USERS
from inbox.models import (
    Channel,
    Contact,
    ContactIdentity,
    Conversation,
    Membership,
    Message,
    MessageStatusEvent,
    Workspace,
)

from .conftest import run

MODELS = (
    Workspace,
    Membership,
    Channel,
    Contact,
    ContactIdentity,
    Conversation,
    Message,
    MessageStatusEvent,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """The demo brand's images go to a per-test directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def counts():
    return {m.__name__: m.objects.count() for m in MODELS} | {
        "User": get_user_model().objects.count()
    }


def test_output_describes_what_was_made(db):
    out = run("seed_demo")
    channel = Channel.objects.get(kind="sms")
    assert out["workspace"] == "demo"
    assert out["url"].startswith(settings.PUBLIC_BASE_URL)
    assert out["users"] == [
        {"username": "admin", "password": "admin-demo-pass", "role": "admin"},
        {"username": "manager", "password": "manager-demo-pass", "role": "manager"},
        {"username": "agent", "password": "agent-demo-pass", "role": "agent"},
    ]
    assert out["channels"][0] == {
        "id": channel.pk,
        "kind": "sms",
        "name": "SMS (sandbox)",
        "webhook_urls": channel.adapter.webhook_urls(channel),
    }
    assert set(out["channels"][0]["webhook_urls"]) == {"inbound", "status"}


def test_demo_state(db):
    run("seed_demo")
    workspace = Workspace.objects.get(slug="demo")
    assert workspace.name == "Demo Co"
    User = get_user_model()
    for spec in DEMO_USERS:
        user = User.objects.get(username=spec["username"])
        assert user.check_password(spec["password"])
        assert Membership.objects.get(workspace=workspace, user=user).role == spec["role"]
    # Published passwords: every demo user is an ordinary member, none may use /admin/.
    assert not User.objects.filter(username__in=[u["username"] for u in DEMO_USERS]).filter(
        Q(is_staff=True) | Q(is_superuser=True)
    )

    channel = Channel.objects.get(workspace=workspace, kind="sms")
    assert channel.kind == "sms" and channel.name == "SMS (sandbox)"
    assert channel.config["from_number"] == "+15005550006"
    sid = channel.config["account_sid"]
    assert sid.startswith("AC") and len(sid) == 34 and int(sid[2:], 16) >= 0
    assert channel.api_base_url == settings.PUBLIC_BASE_URL + "/sandbox/twilio"
    assert channel.secrets["auth_token"] == DEMO_AUTH_TOKEN
    assert "auth_token" not in channel.config

    senders = {sender for _, sender, *_ in DEMO_INBOUND}
    live = Conversation.objects.filter(
        workspace=workspace, channel=channel, contact__identities__value__in=senders
    )
    assert live.count() == len(senders)
    # The history's own conversations are the rest; the live texts are the newest ones.
    sms_messages = Message.objects.filter(
        workspace=workspace, channel=channel, conversation__in=live
    )
    assert sms_messages.filter(direction="inbound").count() == len(DEMO_INBOUND)
    assert set(sms_messages.values_list("provider_message_id", flat=True)) == {
        pid for pid, *_ in DEMO_INBOUND
    }
    ana = Conversation.objects.get(contact__name="Ana García")
    assert ana.messages.count() == 2
    assert ana.last_message_preview == "It was supposed to arrive yesterday."


def test_running_twice_changes_nothing(db):
    first = run("seed_demo")
    before = counts()
    second = run("seed_demo")
    assert counts() == before
    assert second == first


def test_repairs_a_demo_user_that_drifted(db):
    run("seed_demo")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed")
    admin.is_staff = admin.is_superuser = True  # as an older demo made it
    admin.save()
    Membership.objects.filter(user=admin).update(role="agent")
    run("seed_demo")
    admin.refresh_from_db()
    assert admin.check_password("admin-demo-pass")
    assert not admin.is_staff and not admin.is_superuser
    assert Membership.objects.get(user=admin).role == "admin"


def test_demo_admin_can_log_in(client, db):
    run("seed_demo")
    assert client.login(username="admin", password="admin-demo-pass")
    assert client.login(username="agent", password="agent-demo-pass")
