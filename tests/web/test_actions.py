"""Reply and retry from the agent page: thin views over the send services."""

from __future__ import annotations

import pytest

from inbox import services
from inbox.adapters import PermanentSendError
from inbox.models import Direction, Message, MessageStatus

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_reply_queues_a_message_and_returns_its_row(agent_client, agent, conversation):
    response = agent_client.post(
        f"/w/acme/c/{conversation.pk}/reply/", {"text": "Shipped today"}, **HTMX
    )
    assert response.status_code == 200
    message = Message.objects.get(conversation=conversation, direction=Direction.OUTBOUND)
    assert message.status == MessageStatus.QUEUED
    assert message.text == "Shipped today"
    assert message.author_user == agent
    html = response.text
    assert 'data-testid="composer"' in html
    assert 'hx-swap-oob="beforeend:#thread-messages"' in html
    assert f'id="msg-{message.pk}"' in html and 'data-status="queued"' in html


def test_reply_without_htmx_redirects_back_to_the_thread(agent_client, conversation):
    response = agent_client.post(f"/w/acme/c/{conversation.pk}/reply/", {"text": "Hi"})
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/c/{conversation.pk}/"
    assert conversation.messages.filter(direction=Direction.OUTBOUND).count() == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("   ", "content.text: must not be empty"),
        ("x" * 41, "longer than this channel&#x27;s 40 characters"),
    ],
)
def test_rejected_reply_shows_the_reason_inline(agent_client, conversation, text, reason):
    response = agent_client.post(f"/w/acme/c/{conversation.pk}/reply/", {"text": text}, **HTMX)
    assert response.status_code == 422
    assert 'data-testid="composer-errors"' in response.text
    assert reason in response.text
    assert not conversation.messages.filter(direction=Direction.OUTBOUND).exists()


def test_reply_to_another_workspace_is_404_and_sends_nothing(agent_client, other_conversation):
    response = agent_client.post(
        f"/w/acme/c/{other_conversation.pk}/reply/", {"text": "hi"}, **HTMX
    )
    assert response.status_code == 404
    assert not other_conversation.messages.filter(direction=Direction.OUTBOUND).exists()


def test_reply_requires_post(agent_client, conversation):
    assert agent_client.get(f"/w/acme/c/{conversation.pk}/reply/").status_code == 405


@pytest.fixture
def failed_message(agent, conversation, page_adapter):
    message = services.send_message(conversation, {"type": "text", "text": "Hi"}, user=agent)
    page_adapter.fail_with = PermanentSendError("Recipient opted out (STOP)", code="21610")
    try:
        assert services.deliver(str(message.pk)) == "failed"
    finally:
        page_adapter.fail_with = None
    message.refresh_from_db()
    return message


def test_failed_message_shows_reason_and_retry(agent_client, failed_message):
    html = agent_client.get(f"/w/acme/c/{failed_message.conversation_id}/").text
    assert 'data-testid="message-status" data-status="failed"' in html
    assert "Recipient opted out (STOP)" in html
    assert 'data-testid="retry-button"' in html
    assert f'hx-post="/w/acme/m/{failed_message.pk}/retry/"' in html


def test_retry_requeues_a_failed_message(agent_client, failed_message):
    response = agent_client.post(f"/w/acme/m/{failed_message.pk}/retry/", **HTMX)
    assert response.status_code == 200
    failed_message.refresh_from_db()
    assert failed_message.status == MessageStatus.QUEUED
    assert failed_message.error_message == ""
    assert failed_message.status_events.filter(source="retry", status="queued").exists()
    assert 'data-status="queued"' in response.text
    assert 'data-testid="retry-button"' not in response.text


def test_retry_of_a_message_that_did_not_fail_is_refused(agent_client, agent, conversation):
    message = services.send_message(conversation, {"type": "text", "text": "Hi"}, user=agent)
    response = agent_client.post(f"/w/acme/m/{message.pk}/retry/", **HTMX)
    assert response.status_code == 422
    assert "only failed messages can be retried" in response.text
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


def test_retry_in_another_workspace_is_404(client, outsider, failed_message):
    client.force_login(outsider)
    response = client.post(f"/w/globex/m/{failed_message.pk}/retry/", **HTMX)
    assert response.status_code == 404
    failed_message.refresh_from_db()
    assert failed_message.status == MessageStatus.FAILED


def test_mark_read_endpoint_records_the_agents_read_marker(agent_client, agent, conversation):
    from inbox.models import ReadMarker

    response = agent_client.post(f"/w/acme/c/{conversation.pk}/read/")
    assert response.status_code == 204
    assert ReadMarker.objects.filter(conversation=conversation, user=agent).exists()
    listing = agent_client.get("/w/acme/").text
    assert 'data-testid="unread-count"' not in listing


def test_mark_read_in_another_workspace_is_404(agent_client, other_conversation):
    from inbox.models import ReadMarker

    assert agent_client.post(f"/w/acme/c/{other_conversation.pk}/read/").status_code == 404
    assert not ReadMarker.objects.filter(conversation=other_conversation).exists()
