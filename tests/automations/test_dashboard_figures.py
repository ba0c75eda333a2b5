"""Automated messages are shown as the bot's in the thread and counted apart in the
dashboards: conversations resolved without a person against those an agent replied in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from dashboards import rollup
from dashboards.events import record_status_change
from dashboards.queries import resolved_by
from dashboards.queries.scope import Scope
from inbox.models import ConversationStatus
from inbox.services import conversation_status, send_message

from .conftest import bot_messages, inbound


@pytest.fixture
def two_resolutions(sms_channel, customer, customer_for, agent, dialog_rules):
    # One resolved by the dialog alone: saldo -> 1 (pay) -> 1 (confirm, resolves).
    for said in ("saldo", "1", "1"):
        message, _ = inbound(sms_channel, said)
    by_bot = message.conversation
    by_bot.refresh_from_db()
    assert by_bot.status == ConversationStatus.RESOLVED
    record_status_change(by_bot, ConversationStatus.OPEN, None)  # what the receiver records
    # One an agent answered and resolved.
    other = "+14155550170"
    customer_for(other)
    message, _ = inbound(sms_channel, "hola, tengo una duda", phone=other)
    by_person = message.conversation
    send_message(by_person, {"type": "text", "text": "Claro, dime"}, user=agent)
    by_person = conversation_status.change_status(
        by_person, ConversationStatus.RESOLVED, actor=agent
    )
    record_status_change(by_person, ConversationStatus.OPEN, agent)
    return by_bot, by_person


def test_resolved_without_and_with_a_person(workspace, two_resolutions):
    rollup.run_workspace(workspace)
    today = timezone.localdate()
    table = resolved_by.build(Scope(workspace, today, today))
    counts = {row[0]: row[1] for row in table.rows}
    assert list(counts.values()) == [1, 1, 3]  # alone, with a person, bot replies
    assert "resolved_by" in table.name


def test_the_thread_shows_the_bot(workspace, agent, two_resolutions):
    by_bot, _ = two_resolutions
    client = Client()
    client.force_login(agent)
    page = client.get(f"/w/{workspace.slug}/c/{by_bot.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="bot-author"') == len(bot_messages(by_bot))
