"""API sends with a NUL, deep nesting or numbers jsonb cannot hold: 201 or 400, never 500."""

from __future__ import annotations

from inbox.models import Message

from .test_messages import messages_url


def test_nul_in_a_sent_text_is_dropped(api, conversation):
    response = api.post(
        messages_url(conversation.pk),
        {"type": "text", "text": "on\x00 its way"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Message.objects.get(pk=response.json()["id"]).content["text"] == "on its way"


def test_deeply_nested_body_is_400_and_sends_nothing(api, conversation):
    body = '{"type": "text", "text": "hi", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    response = api.post(messages_url(conversation.pk), body, content_type="application/json")
    assert response.status_code == 400
    assert not Message.objects.filter(direction="outbound").exists()


def test_infinity_is_400_and_sends_nothing(api, conversation):
    body = '{"type": "text", "text": "hi", "x": [Infinity, 1e400]}'
    response = api.post(messages_url(conversation.pk), body, content_type="application/json")
    assert response.status_code == 400
    assert not Message.objects.filter(direction="outbound").exists()


def test_unknown_query_parameter_is_422(api, conversation):
    response = api.get("/api/v1/conversations", {"stauts": "open"})
    assert response.status_code == 422
    assert response.json()["errors"] == ["stauts: unknown parameter"]


def test_path_that_is_not_an_id_is_a_json_422(api):
    response = api.get("/api/v1/conversations/abc/messages")
    assert response.status_code == 422
    assert response.json()["detail"] == "Invalid request"
