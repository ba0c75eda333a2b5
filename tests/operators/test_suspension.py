"""A suspended workspace: sends stop (queued replies wait for the resume, nothing lost),
its members cannot sign in, and provider webhooks are still accepted and stored."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from channels_sms import sandbox
from channels_sms.sandbox.inbound import inbound_params
from channels_sms.signature import sign
from inbox.adapters import InboundMessage, register
from inbox.models import AuditEntry, Membership, Message, MessageStatus, Role
from inbox.services import (
    SendRejected,
    create_channel,
    deliver,
    ingest,
    requeue_stuck,
    retry_message,
    send_message,
)
from inbox.services.outbox.drain import drain
from inbox.services.workspaces import resume_workspace, suspend_workspace
from tests.services.conftest import RecordingAdapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter():
    return register(RecordingAdapter())


@pytest.fixture
def conversation(workspace, adapter):
    channel = create_channel(workspace, kind="recording", name="Rec", config={})
    inbound = InboundMessage(
        provider_message_id="IN1",
        sender="+14155550100",
        recipient="+15550001",
        content={"type": "text", "text": "hi"},
        text="hi",
    )
    return ingest(channel, [inbound])[0].conversation


def reply(conversation, user=None, text="On it!"):
    return send_message(conversation, {"type": "text", "text": text}, user=user)


def test_send_is_refused_with_a_clear_reason_and_nothing_written(
    conversation, workspace, operator, agent
):
    suspend_workspace(workspace, actor=operator)
    with pytest.raises(SendRejected) as refused:
        reply(conversation, agent)
    assert refused.value.errors[0].startswith("workspace: suspended")
    assert not Message.objects.filter(direction="outbound").exists()


def test_retry_is_refused_while_suspended(conversation, workspace, operator, agent):
    message = reply(conversation, agent)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
    suspend_workspace(workspace, actor=operator)
    with pytest.raises(SendRejected, match="suspended"):
        retry_message(message, user=agent)


def test_queued_replies_are_held_then_sent_after_resume(
    conversation, workspace, operator, agent, adapter, django_capture_on_commit_callbacks
):
    first = reply(conversation, agent, "first")
    second = reply(conversation, agent, "second")
    suspend_workspace(workspace, actor=operator)
    assert deliver(str(first.pk)) == "held"
    assert drain() == 0
    requeue_stuck()
    assert adapter.sent == []
    assert set(Message.objects.filter(direction="outbound").values_list("status", flat=True)) == {
        MessageStatus.QUEUED
    }
    with django_capture_on_commit_callbacks(execute=False):
        resume_workspace(workspace, actor=operator)
    assert drain() == 2
    assert sorted(sent["content"]["text"] for sent in adapter.sent) == ["first", "second"]
    assert second.pk  # both kept their ids: nothing was re-created


def test_suspend_and_resume_are_audited_once(workspace, operator):
    suspend_workspace(workspace, actor=operator)
    suspend_workspace(workspace, actor=operator)  # already suspended: nothing recorded
    resume_workspace(workspace, actor=operator)
    actions = list(
        AuditEntry.objects.filter(workspace=workspace)
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [("workspace.suspended", "olga"), ("workspace.resumed", "olga")]


def test_members_cannot_sign_in_and_are_told_why(client, workspace, operator, agent):
    suspend_workspace(workspace, actor=operator)
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 200
    assert b'data-testid="login-suspended"' in response.content
    assert b"suspended" in response.content
    assert "_auth_user_id" not in client.session
    resume_workspace(workspace, actor=operator)
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302


def test_wrong_password_of_a_suspended_member_is_just_wrong(client, workspace, operator, agent):
    suspend_workspace(workspace, actor=operator)
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert b'data-testid="login-error"' in response.content
    assert b"suspended" not in response.content  # no hint for someone guessing


def test_member_of_another_running_workspace_signs_in_there(
    client, workspace, other_workspace, operator, agent
):
    Membership.objects.create(workspace=other_workspace, user=agent, role=Role.AGENT)
    suspend_workspace(workspace, actor=operator)
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    assert client.get("/").url == "/w/globex/"
    page = client.get("/w/globex/")
    assert b"/w/acme/" not in page.content  # the switcher leaves the suspended one out
    assert client.get("/w/acme/").status_code == 403


def test_an_open_session_is_cut_off(client, workspace, operator, agent):
    client.force_login(agent)
    suspend_workspace(workspace, actor=operator)
    response = client.get("/w/acme/")
    assert response.status_code == 403
    assert b"This workspace is suspended" in response.content
    home = client.get("/")
    assert home.status_code == 403 and b"workspace-suspended" in home.content


def test_webhooks_are_still_accepted_and_stored(client, settings, workspace, operator):
    settings.PUBLIC_BASE_URL = "http://testserver"
    channel = create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config("+14155550100")
    )
    try:
        suspend_workspace(workspace, actor=operator)
        url = channel.adapter.webhook_urls(channel)["inbound"]
        params = inbound_params(
            account_sid=channel.config["account_sid"],
            from_number="+14155550111",
            to_number="+14155550100",
            body="Are you there?",
        )
        response = client.post(
            "/" + url.split("://", 1)[1].split("/", 1)[1],
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=sign(channel.secrets["auth_token"], url, params),
        )
        assert response.status_code == 200
        message = Message.objects.get(direction="inbound")
        assert message.text == "Are you there?" and message.workspace_id == workspace.pk
    finally:
        sandbox.reset(channel.config["account_sid"])


def test_api_tokens_stop_while_suspended_and_work_again_after(workspace, operator, agent):
    """A token is a sign-in by other means: a suspension that let it read on would leave
    the workspace's conversations open to scripts while its people are locked out."""
    from inbox.services.tokens import authenticate, create_api_token

    _, raw = create_api_token(agent, workspace, scopes=["read"])
    suspend_workspace(workspace, actor=operator)
    assert authenticate(raw) is None
    resume_workspace(workspace, actor=operator)
    assert authenticate(raw) is not None
