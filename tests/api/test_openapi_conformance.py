"""Schemathesis over /api/v1/openapi.json with its default checks: the document declares
every status and constraint the API enforces, and no generated request is a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from inbox.api import api

from .conftest import inbound

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = get_wsgi_application()
# The test sends a real token itself; a generated Authorization header would be replaced
# by it, and a negated one would then look accepted. Requests without the header are
# still made, by the ignored_auth check.
schema.config.generation.update(with_security_parameters=False)


@pytest.fixture
def bearer(db, token, conversation):
    """A real token and a thread to read; Django's own request signals are held off, as
    its test Client does, so a request does not close the test's transaction."""
    inbound(conversation.channel, text="second message")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token[1]}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
def test_api_conforms_to_its_document(case, bearer):
    case.call_and_validate(headers=bearer)
