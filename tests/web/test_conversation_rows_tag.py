"""`{% conversation_rows %}` draws the list's rows in Python (issue 20: rendering was most
of a list request); it must write byte for byte what the `{% for %}` over
templates/inbox/_conversation_row.html wrote, for every kind of row, in every language
and zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from inbox.models import Conversation
from inbox.selectors.conversation_filters import ConversationFilters
from inbox.selectors.conversation_list import conversation_page

from .fakes import inbound

pytestmark = pytest.mark.django_db

REFERENCE = Template(
    '{% for c in conversations %}\n  {% include "inbox/_conversation_row.html" %}\n{% endfor %}'
)
TAG = Template("{% load conversation_rows %}{% conversation_rows %}")


def _rows(workspace, channel, agent) -> list[Conversation]:
    first = inbound(channel, "+15557000001", "Hello <b>there</b> & welcome").conversation
    second = inbound(channel, "+15557000002", "x" * 300).conversation
    third = inbound(channel, "+15557000003", "third").conversation
    fourth = inbound(channel, "+15557000004", "fourth").conversation
    first.contact.name = 'Ana "<García>" & Co'
    first.contact.save()
    second.assignee = agent
    second.save()
    agent.first_name, agent.last_name = "Alice", "O'Brien <admin>"
    agent.save()
    Conversation.objects.filter(pk=third.pk).update(last_message_preview="")
    Conversation.objects.filter(pk=fourth.pk).update(last_message_preview="")
    filters = ConversationFilters.from_query({"status": "all", "channel": str(channel.pk)})
    rows = conversation_page(workspace=workspace, user=agent, filters=filters, limit=50).rows
    assert len(rows) == 4
    by_pk = {row.pk: row for row in rows}
    by_pk[first.pk].unread, by_pk[first.pk].waiting, by_pk[first.pk].overdue = 12, "3h", True
    by_pk[first.pk].waiting_since = timezone.now() - timedelta(hours=3)
    by_pk[second.pk].unread, by_pk[second.pk].waiting, by_pk[second.pk].overdue = 0, "5m", False
    by_pk[second.pk].waiting_since = None
    by_pk[third.pk].snippet = "a <mark>-less</mark> snippet & more"
    by_pk[third.pk].waiting = ""
    by_pk[third.pk].last_message_at = None
    by_pk[fourth.pk].waiting = ""
    return rows


@pytest.mark.parametrize("language,zone", [("en", "UTC"), ("es", "America/Argentina/Cordoba")])
def test_the_tag_writes_what_the_row_template_wrote(workspace, channel, agent, language, zone):
    rows = _rows(workspace, channel, agent)
    context = {
        "conversations": rows,
        "workspace": workspace,
        "selected_id": rows[1].pk,
        "filter_qs": f"?status=all&channel={channel.pk}",
    }
    with translation.override(language), timezone.override(zone):
        expected = REFERENCE.render(Context(context))
        drawn = TAG.render(Context(context))
    assert "conv-row--selected" in drawn and "conv-row__snippet" in drawn
    assert "&lt;García&gt;" in drawn and "…" in drawn and "—" in drawn
    assert drawn == expected


def test_no_rows_draw_nothing(workspace):
    assert TAG.render(Context({"conversations": [], "workspace": workspace})) == ""
