"""Generated garbage at every webhook URL: never a 5xx, and nothing unsigned is stored.

Bounded for CI: a fixed number of examples per test, derandomized so a failure reproduces
on every run (hypothesis prints the smallest body that broke it).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.models import InboundEvent, Message

from .strategies import bodies, content_types, signatures
from .webhook_targets import make_channels, webhook_paths

FUZZ = settings(
    max_examples=600,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def paths(workspace):
    return webhook_paths(make_channels(workspace))


@FUZZ
@given(data=st.data(), body=bodies, content_type=content_types, signature=signatures)
def test_garbage_at_any_webhook_is_a_4xx_and_stores_nothing(
    paths, data, body, content_type, signature
):
    path = data.draw(st.sampled_from(paths))
    headers = {}
    if signature is not None:
        headers = {"HTTP_X_TWILIO_SIGNATURE": signature, "HTTP_X_GOOG_SIGNATURE": signature}
    response = Client().post(path, data=body, content_type=content_type, **headers)
    assert response.status_code < 500, (path, body[:200], response.status_code)
    assert not InboundEvent.objects.exists()
    assert not Message.objects.exists()


@settings(FUZZ, max_examples=100)
@given(token=st.text(min_size=1, max_size=60).filter(lambda t: "/" not in t))
def test_any_token_in_the_url_is_answered(db, token):
    for kind in ("sms", "rcs"):
        path = f"/webhooks/{kind}/{quote(token, safe='')}/"
        response = Client().post(path, data=b"{}", content_type="application/json")
        assert response.status_code < 500
    assert not InboundEvent.objects.exists()
