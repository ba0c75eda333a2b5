"""Generated garbage at every API endpoint: never a 5xx, and a refused send stores nothing.

Schemathesis (tests/api/test_openapi_conformance.py) explores what the document
describes; this sends what it does not: random bytes, deep nesting, huge fields, NULs,
invalid UTF-8, wrong content types, with a valid token and without one.
"""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.models import Message
from tests.api.conftest import bearer_client, inbound, make_channel
from tests.api.fake_adapter import FakeAdapter

from .strategies import bodies, content_types, json_values

FUZZ = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def setup(workspace, agent, monkeypatch):
    """A thread on a fake channel and a token; returns (clients, paths, message count)."""
    from inbox.adapters import registry as adapter_registry
    from inbox.services.tokens import create_api_token

    adapter = FakeAdapter()
    monkeypatch.setitem(adapter_registry._adapters, adapter.kind, adapter)
    message = inbound(make_channel(workspace), text="hello")
    raw = create_api_token(agent, workspace, "fuzz")[1]
    paths = [
        "/api/v1/conversations",
        f"/api/v1/conversations/{message.conversation_id}/messages",
        f"/api/v1/messages/{message.pk}",
    ]
    return {"with": bearer_client(raw), "without": Client()}, paths


@FUZZ
@given(
    data=st.data(),
    body=bodies,
    content_type=content_types,
    who=st.sampled_from(["with", "without"]),
)
def test_garbage_bodies_are_a_4xx_and_send_nothing(setup, data, body, content_type, who):
    clients, paths = setup
    before = Message.objects.count()
    path = data.draw(st.sampled_from(paths))
    method = data.draw(st.sampled_from(["post", "get"]))
    response = clients[who].generic(method.upper(), path, data=body, content_type=content_type)
    assert response.status_code < 500, (method, path, body[:200], response.status_code)
    if response.status_code != 201:
        assert Message.objects.count() == before


@FUZZ
@given(
    data=st.data(),
    params=st.dictionaries(
        st.sampled_from(["status", "channel", "assignee", "cursor", "limit"]) | st.text(max_size=8),
        st.text(max_size=40) | st.integers().map(str),
        max_size=4,
    ),
)
def test_garbage_query_parameters_are_a_4xx(setup, data, params):
    clients, paths = setup
    path = data.draw(st.sampled_from(paths))
    response = clients["with"].get(path, params)
    assert response.status_code < 500, (path, params, response.status_code)


@settings(FUZZ, max_examples=120)
@given(content=st.dictionaries(st.text(max_size=10), json_values, max_size=5), text=st.text())
def test_any_json_content_is_sent_or_refused(setup, content, text):
    """Schema-shaped bodies with values of any type and text with NULs: 201 or 4xx."""
    clients, paths = setup
    before = Message.objects.count()
    body = {**content, "type": "text", "text": text}
    response = clients["with"].post(paths[1], body, content_type="application/json")
    assert response.status_code < 500, (body, response.status_code)
    if response.status_code == 201:
        assert "\x00" not in Message.objects.get(pk=response.json()["id"]).content["text"]
    else:
        assert Message.objects.count() == before
