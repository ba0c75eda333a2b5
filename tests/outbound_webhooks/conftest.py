"""Outbound-webhook fixtures: the channel kind the domain's messages are sent through."""

from __future__ import annotations

import pytest

from inbox.adapters import register
from tests.web.fakes import PageAdapter


@pytest.fixture
def page_adapter():
    return register(PageAdapter())
