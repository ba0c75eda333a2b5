"""Who resolved it: the roll-up stores on each resolution sample whether an agent replied
inside its stretch, and keeps that answer true when a reply is stored late with an older
timestamp (a day before the resolution's own day)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards import rollup
from dashboards.models import ResolutionSample
from dashboards.queries import resolved_by
from dashboards.queries.scope import Scope
from inbox import signals
from inbox.models import Channel, Contact, Conversation, Message

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)  # a Tuesday; the workspace is in UTC


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(DAY + dt.timedelta(days=day), dt.time(hour), dt.UTC)


@pytest.fixture
def sms(workspace):
    return Channel.objects.create(workspace=workspace, kind="sms", name="SMS", config={})


def _conversation(workspace, channel, name: str, resolved: dt.datetime) -> Conversation:
    conv = Conversation.objects.create(
        workspace=workspace,
        contact=Contact.objects.create(workspace=workspace, name=name),
        channel=channel,
        status="resolved",
        resolved_at=resolved,
    )
    Conversation.objects.filter(pk=conv.pk).update(created_at=at(0, 8))
    return conv


def _message(conv, direction: str, author: str, when: dt.datetime, user=None) -> Message:
    return Message.objects.create(
        workspace_id=conv.workspace_id,
        conversation=conv,
        channel_id=conv.channel_id,
        direction=direction,
        author=author,
        author_user=user,
        content={"type": "text", "text": "x"},
        text="x",
        status="received" if direction == "inbound" else "sent",
        created_at=when,
    )


def _counts(workspace) -> tuple[int, int]:
    """(resolved without a person, with one) over the three days."""
    table = resolved_by.build(Scope(workspace, DAY, DAY + dt.timedelta(days=2)))
    return table.rows[0][1], table.rows[1][1]


def test_a_reply_inside_the_stretch_counts_a_bot_reply_does_not(workspace, sms, agent):
    helped = _conversation(workspace, sms, "Ana", resolved=at(0, 12))
    _message(helped, "inbound", "contact", at(0, 9))
    _message(helped, "outbound", "agent", at(0, 10), user=agent)
    by_bot = _conversation(workspace, sms, "Bo", resolved=at(0, 12))
    _message(by_bot, "inbound", "contact", at(0, 9))
    _message(by_bot, "outbound", "bot", at(0, 10))
    # An agent's reply after the resolution is not inside its stretch.
    after = _conversation(workspace, sms, "Cy", resolved=at(0, 12))
    _message(after, "inbound", "contact", at(0, 9))
    _message(after, "outbound", "agent", at(0, 13), user=agent)

    rollup.run_workspace(workspace, now=at(1, 12))

    replied = dict(ResolutionSample.objects.values_list("conversation_id", "agent_replied"))
    assert replied == {helped.pk: True, by_bot.pk: False, after.pk: False}
    assert _counts(workspace) == (2, 1)


def test_a_late_reply_on_an_older_day_updates_a_later_resolution(workspace, sms, agent):
    # The customer wrote on day 0; the conversation was resolved on day 2 with no reply.
    conv = _conversation(workspace, sms, "Di", resolved=at(2, 12))
    _message(conv, "inbound", "contact", at(0, 9))
    rollup.run_workspace(workspace, now=at(10, 12))
    assert _counts(workspace) == (1, 0)

    # An agent's reply of day 0 arrives late (stored with its original timestamp): the
    # roll-up recomputes day 0, whose own resolutions are none; the day-2 one is asked again.
    late = _message(conv, "outbound", "agent", at(0, 10), user=agent)
    signals.message_changed.send(sender=Message, message=late, created=True)
    rollup.run_workspace(workspace, now=at(10, 13))

    assert ResolutionSample.objects.get(conversation_id=conv.pk).agent_replied
    assert _counts(workspace) == (0, 1)


def test_a_contact_merge_that_brings_an_agent_reply_updates_the_resolution(
    workspace, sms, agent, django_capture_on_commit_callbacks
):
    """Merging moves the other contact's messages into the surviving thread without a
    message_changed: the move itself marks their days, so the stored flag follows the
    thread as the page's old live probe did."""
    from inbox.services.contact_merge import merge_contacts

    kept = _conversation(workspace, sms, "Eva", resolved=at(2, 12))
    _message(kept, "inbound", "contact", at(0, 9))
    other = Conversation.objects.create(
        workspace=workspace,
        contact=Contact.objects.create(workspace=workspace, name="Eva (email)"),
        channel=sms,
    )
    _message(other, "outbound", "agent", at(0, 10), user=agent)
    rollup.run_workspace(workspace, now=at(10, 12))
    assert not ResolutionSample.objects.get(conversation_id=kept.pk).agent_replied

    with django_capture_on_commit_callbacks(execute=True):
        merge_contacts(kept.contact, other.contact, actor=agent)
    rollup.run_workspace(workspace, now=at(10, 13))

    assert ResolutionSample.objects.get(conversation_id=kept.pk).agent_replied
