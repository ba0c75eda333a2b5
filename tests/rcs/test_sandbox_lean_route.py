"""The RBM sandbox's send on its lean ASGI route (channels_rcs/sandbox/asgi.py, real
uvicorn) answers and stores exactly what the Django view does."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from django.test import Client

from channels_rcs.sandbox import store

from .conftest import make_rcs_channel

RCS_PHONE = "+14155550100"
SMS_ONLY_PHONE = "+14155550101"
TEXT = {"contentMessage": {"text": "Lean and faithful"}}
CARD = {
    "contentMessage": {
        "richCard": {
            "standaloneCard": {
                "cardOrientation": "VERTICAL",
                "cardContent": {"title": "Roses"},
            }
        }
    }
}


class Both:
    """One request, over the lean route and through Django's view (full stack)."""

    def __init__(self, base_url: str, agent_id: str, token: str):
        self.base_url, self.agent_id, self.token = base_url, agent_id, token
        self.django = Client()

    def post(self, phone=RCS_PHONE, body=None, *, message_id=None, agent_id=None, token=None):
        raw = body if isinstance(body, bytes) else json.dumps(body or TEXT).encode()
        params = {"agentId": self.agent_id if agent_id is None else agent_id}
        answers = []
        for lean in (True, False):
            params["messageId"] = message_id or str(uuid.uuid4())
            token_ = self.token if token is None else token
            headers = {"Authorization": f"Bearer {token_}"} if token_ else {}
            path = f"/sandbox/rbm/v1/phones/{phone}/agentMessages"
            if lean:
                answer = httpx.post(
                    self.base_url + path, params=params, content=raw, headers=headers
                )
                answers.append((answer.status_code, answer.json(), answer.headers))
            else:
                query = "&".join(f"{k}={v}" for k, v in params.items())
                answer = self.django.post(
                    f"{path}?{query}",
                    data=raw,
                    content_type="application/json",
                    headers=headers,
                )
                answers.append((answer.status_code, answer.json(), answer.headers))
        return answers


@pytest.fixture
def both(asgi_server, live_settings, workspace):
    channel = make_rcs_channel(workspace)
    agent_id = channel.config["agent_id"]
    store.set_controls(agent_id, events="manual")
    email = json.loads(channel.secrets["service_account_key"])["client_email"]
    token = "ya29.test-" + uuid.uuid4().hex
    store.save_token(token, email)
    return Both(asgi_server, agent_id, token)


def _same(answers, status):
    (lean_status, lean_body, lean_headers), (view_status, view_body, _h) = answers
    assert lean_status == view_status == status, (lean_body, view_body)
    assert lean_body == view_body
    return lean_body, lean_headers


@pytest.mark.django_db(transaction=True)
def test_an_accepted_send_answers_and_stores_what_the_view_does(both):
    message_id = str(uuid.uuid4())
    lean = httpx.post(
        f"{both.base_url}/sandbox/rbm/v1/phones/{RCS_PHONE}/agentMessages",
        params={"agentId": both.agent_id, "messageId": message_id},
        json=CARD,
        headers={"Authorization": f"Bearer {both.token}"},
    )
    assert lean.status_code == 200, lean.text
    body = lean.json()
    assert body["name"] == f"phones/{RCS_PHONE}/agentMessages/{message_id}"
    assert body["contentMessage"] == CARD["contentMessage"] and body["sendTime"].endswith("Z")
    # No inbox middleware on this path: no session cookie, CSP or frame headers.
    for header in ("set-cookie", "content-security-policy", "x-frame-options", "vary"):
        assert header not in lean.headers
    stored = store.get_message(both.agent_id, message_id)
    assert stored == {
        "agent_id": both.agent_id,
        "message_id": message_id,
        "phone": RCS_PHONE,
        "body": CARD,
        "status": "SENT",
        "send_time": body["sendTime"],
        "expires_in": None,
    }
    outbound = [e for e in store.handset_log(RCS_PHONE) if e.get("message_id") == message_id]
    assert outbound == [
        {"direction": "outbound", "agent_id": both.agent_id, "message_id": message_id}
    ]
    # The same id again: 409 on either route, and nothing stored twice.
    for status, answer, _headers in both.post(message_id=message_id):
        assert status == 409
        assert answer["error"]["status"] == "ALREADY_EXISTS"
    assert len([e for e in store.handset_log(RCS_PHONE) if e.get("message_id") == message_id]) == 1


@pytest.mark.django_db(transaction=True)
def test_refusals_are_the_views(both):
    chips = {"contentMessage": {"text": "x", "suggestions": [{"reply": {"text": "a"}}] * 12}}
    before = len(store.handset_log(RCS_PHONE))
    assert _same(both.post(token=""), 401)[0]["error"]["status"] == "UNAUTHENTICATED"
    assert _same(both.post(agent_id=""), 400)[0]["error"]["message"] == "agentId: required"
    stranger = "ya29.test-" + uuid.uuid4().hex
    store.save_token(stranger, "someone@else.iam.gserviceaccount.com")
    assert _same(both.post(token=stranger), 403)[0]["error"]["status"] == "PERMISSION_DENIED"
    _same(both.post(message_id="not-a-uuid"), 400)
    _same(both.post(body=b"{not json"), 400)
    assert "suggestions" in _same(both.post(body=chips), 400)[0]["error"]["message"]
    assert _same(both.post(phone=SMS_ONLY_PHONE), 404)[0]["error"]["status"] == "NOT_FOUND"
    store.set_controls(both.agent_id, rich_unsupported=[RCS_PHONE])
    _same(both.post(body=CARD), 400)
    assert len(store.handset_log(RCS_PHONE)) == before  # nothing refused was stored


@pytest.mark.django_db(transaction=True)
def test_scripted_errors_latency_and_an_unregistered_agent(both):
    store.set_controls(both.agent_id, retry_after=7, latency_ms=20)
    store.push_errors(both.agent_id, [{"status": 429}, {"status": 429}])
    answer, headers = _same(both.post(), 429)
    assert answer["error"]["status"] == "RESOURCE_EXHAUSTED" and headers["retry-after"] == "7"
    # The queue is empty again: both accept.
    for status, _answer, _headers in both.post():
        assert status == 200
    # An agent the sandbox never registered: its service accounts come from the channels.
    store.r().delete(f"{store.PREFIX}agent:{both.agent_id}")
    for status, _answer, _headers in both.post():
        assert status == 200
