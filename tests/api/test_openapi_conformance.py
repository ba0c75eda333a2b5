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
from schemathesis.specs.openapi.checks import positive_data_acceptance

from inbox.api import api
from inbox.services.tokens import create_api_token

from .conftest import inbound

# Operations whose 422 judges what JSON Schema cannot state: whether a phone number
# exists in its country's numbering plan, or a value fits the workspace's own attribute
# types. Every other check still runs on them, and their 422 is declared.
SEMANTIC_422 = {
    ("POST", "/api/v1/contacts"),
    ("PATCH", "/api/v1/contacts/{contact_id}"),
    ("POST", "/api/v1/segments"),
    # Whether an uploaded file is a CSV with a phone column, whether a number exists,
    # whether the channel can reach it: judged on the content, declared as 422.
    ("POST", "/api/v1/contacts/import"),
    ("POST", "/api/v1/conversations"),
    # Whether content is valid for the content spec, its placeholders name the workspace's
    # attributes, the ids name the workspace's rows, and the channel can carry it.
    ("POST", "/api/v1/templates"),
    ("PATCH", "/api/v1/templates/{template_id}"),
    ("POST", "/api/v1/campaigns"),
    ("POST", "/api/v1/campaigns/{campaign_id}/launch"),
}

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = get_wsgi_application()
# The test sends a real token itself; a generated Authorization header would be replaced
# by it, and a negated one would then look accepted. Requests without the header are
# still made, by the ignored_auth check.
schema.config.generation.update(with_security_parameters=False)


@pytest.fixture
def bearer(db, manager, workspace, conversation):
    """A real token and a thread to read; Django's own request signals are held off, as
    its test Client does, so a request does not close the test's transaction. The token
    is a manager's (read and send), so role-gated operations (the contact import) are
    exercised too, not only refused."""
    token = create_api_token(manager, workspace, "conformance")
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
    excluded = []
    if (case.method.upper(), case.path) in SEMANTIC_422:
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers=bearer, excluded_checks=excluded)
