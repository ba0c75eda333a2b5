from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from inbox.adapters import registry as adapter_registry
from tests.api.fake_adapter import FakeAdapter


@pytest.fixture
def fake_adapter(monkeypatch):
    adapter = FakeAdapter()
    monkeypatch.setitem(adapter_registry._adapters, adapter.kind, adapter)
    return adapter


def run(name: str, *args: str) -> dict:
    """Run a command; its stdout must be exactly one JSON object."""
    out = StringIO()
    call_command(name, *args, stdout=out)
    payload = json.loads(out.getvalue())
    assert isinstance(payload, dict)
    return payload
