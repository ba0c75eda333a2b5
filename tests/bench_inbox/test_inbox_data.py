"""The benchmark loader (bench/inbox_data): a fresh workspace whose rows look like the
services made them."""

from __future__ import annotations

import json
from contextlib import redirect_stdout
from io import StringIO

import pytest
from django.db.models import Count, Max
from django.test import Client

from bench.inbox_data.__main__ import main
from inbox.models import (
    Contact,
    ContactIdentity,
    Conversation,
    Direction,
    Message,
    ReadMarker,
    Workspace,
)

pytestmark = pytest.mark.django_db


def run(*argv: str) -> dict:
    """Load from the command line; its stdout must be exactly one JSON object."""
    out = StringIO()
    with redirect_stdout(out):
        main(list(argv))
    payload = json.loads(out.getvalue())
    assert isinstance(payload, dict)
    return payload


def test_loads_a_consistent_workspace(db):
    out = run("--workspace", "b1", "--conversations", "40", "--messages", "400")
    assert out["conversations"] == 40 and out["messages"] == 400
    workspace = Workspace.objects.get(slug="b1")
    assert Conversation.objects.filter(workspace=workspace).count() == 40
    assert Message.objects.filter(workspace=workspace).count() == 400
    assert Contact.objects.filter(workspace=workspace).count() == 40
    assert ContactIdentity.objects.filter(workspace=workspace).count() == 40

    per_conversation = dict(
        Message.objects.filter(workspace=workspace)
        .values_list("conversation_id")
        .annotate(n=Count("id"))
    )
    assert min(per_conversation.values()) >= 1
    # The long thread the thread benchmark pages through.
    assert per_conversation[out["long_thread_conversation"]] == max(per_conversation.values())

    latest = dict(
        Message.objects.filter(workspace=workspace)
        .values_list("conversation_id")
        .annotate(at=Max("created_at"))
    )
    latest_in = dict(
        Message.objects.filter(workspace=workspace, direction=Direction.INBOUND)
        .values_list("conversation_id")
        .annotate(at=Max("created_at"))
    )
    for conv in Conversation.objects.filter(workspace=workspace):
        assert conv.last_message_at == latest[conv.pk]
        assert conv.last_inbound_at == latest_in[conv.pk]
        last = conv.messages.order_by("-created_at").first()
        assert conv.last_message_preview == last.text[:200]
        if conv.waiting_since is not None:
            assert last.direction == Direction.INBOUND and conv.status != "resolved"
    assert ReadMarker.objects.filter(conversation__workspace=workspace).exists()


def test_loaded_workspace_serves_the_inbox(db):
    out = run("--workspace", "b2", "--conversations", "30", "--messages", "90")
    client = Client()
    assert client.login(username=out["agents"][0], password=out["password"])
    page = client.get("/w/b2/?status=all")
    assert page.status_code == 200
    assert page.text.count('data-testid="conversation-row"') == 30
    assert client.get("/w/b2/fragments/conversations/?q=hello&status=all").status_code == 200


def test_refuses_an_existing_workspace_and_bad_sizes(workspace):
    with pytest.raises(SystemExit, match="exists"):
        run("--workspace", "acme", "--conversations", "2", "--messages", "2")
    with pytest.raises(SystemExit, match="at least"):
        run("--workspace", "b3", "--conversations", "5", "--messages", "2")
    assert not Workspace.objects.filter(slug="b3").exists()  # nothing half-written
    assert not Contact.objects.filter(workspace__slug="b3").exists()
