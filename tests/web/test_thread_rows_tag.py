"""`{% thread_message %}` draws plain messages in Python (issue 20: rendering was most of a
thread request) and hands every other kind to templates/inbox/_message.html; the thread
must read byte for byte as the `{% include %}` of that template wrote it, in every
language and zone."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.html import conditional_escape

from inbox import services
from inbox.adapters import register
from inbox.models import Direction, Message
from inbox.selectors.thread import thread_messages
from inbox.services.notes import add_note
from inbox.templatetags.conversation_rows import truncated
from inbox.templatetags.thread_rows import _plain, message_html

from .fakes import inbound
from .test_thread import CARD, RichPageAdapter, customer_sends

pytestmark = pytest.mark.django_db

REFERENCE = Template(
    "{% load i18n %}{% for message in thread %}\n"
    '  {% include "inbox/_message.html" %}\n'
    "{% empty %}\n"
    '  <li class="thread__empty">{% translate "No messages yet." %}</li>\n'
    "{% endfor %}\n"
)
THREAD = Template("{% include 'inbox/_thread.html' %}")


def _reply(conversation, channel, text: str, status: str, **fields) -> Message:
    return Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=channel,
        direction=Direction.OUTBOUND,
        author=fields.pop("author", "agent"),
        content=fields.pop("content", {"type": "text", "text": text}),
        text=text,
        status=status,
        **fields,
    )


@pytest.fixture
def thread(workspace, channel, agent, manager):
    register(RichPageAdapter())
    rich = services.create_channel(workspace, kind="pagerich", name="Support RCS", config={})
    first = inbound(channel, "+15551230001", "Hi <b>there</b> & see https://example.com/x.\nok")
    conversation = first.conversation
    agent.first_name, agent.last_name = "Alice", "O'Brien <admin>"
    agent.save()
    for status in ("queued", "sending", "sent", "delivered", "read", "failed"):
        _reply(conversation, channel, f"reply {status} www.example.org", status, author_user=agent)
    _reply(conversation, rich, "on the rich channel\nline two", "delivered", author_user=manager)
    _reply(conversation, channel, "no author user", "sent")
    _reply(conversation, channel, "from the bot", "sent", author="bot")
    _reply(conversation, channel, "fell back", "sent", fallback_from=rich, fallback_reason="x")
    _reply(conversation, channel, "", "sent")
    _reply(conversation, channel, "chips", "sent", content={"type": "text", "suggestions": [{}]})
    add_note(conversation, "@mona VIP customer\nsecond line", author=agent)
    customer_sends(rich, CARD, sender="+15551230001")
    customer_sends(rich, {"type": "text", "text": "rich inbound"}, sender="+15551230001")
    return conversation


@pytest.mark.parametrize("language,zone", [("en", "UTC"), ("es", "America/Argentina/Cordoba")])
def test_the_thread_reads_as_the_message_template_wrote_it(workspace, thread, language, zone):
    messages = thread_messages(conversation=thread)
    plain = [m for m in messages if _plain(m, Context()) is not None]
    assert 8 <= len(plain) < len(messages)  # both paths are exercised
    context = {"workspace": workspace, "thread": messages}
    with translation.override(language), timezone.override(zone):
        expected = REFERENCE.render(Context(context))
        drawn = THREAD.render(Context(context))
    assert 'href="https://example.com/x"' in drawn and "O&#x27;Brien &lt;admin&gt;" in drawn
    assert drawn == expected


def test_an_empty_thread(workspace):
    context = {"workspace": workspace, "thread": []}
    assert THREAD.render(Context(context)) == REFERENCE.render(Context(context))
    assert "thread__empty" in THREAD.render(Context(context))


TEXTS = [
    "plain words, no link at all",
    "a <b>tag</b> & 'quotes' \"double\"\r\nwindows\rold mac\nunix",
    "see https://example.com/x. then",
    "www.example.org or example.net, (example.COM)",
    "mail ana@example.es please",
    "ratio 3:2 at 10.30, dots... and colons: fine",
    "ftp://files.example.io/a",
    "ünïcödé café ＷＷＷ.example.ＣＯＭ Kelvin K.com",
    "trailing dot.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_message_text_reads_as_urlize_then_linebreaksbr(text):
    reference = Template("{{ text|urlize|linebreaksbr }}").render(Context({"text": text}))
    assert message_html(text) == reference


@pytest.mark.parametrize("text", ["short", "x" * 120, "x" * 121, "e\u0301" * 130, "ab" * 200])
def test_preview_truncation_reads_as_truncatechars(text):
    reference = Template("{{ text|truncatechars:120 }}").render(Context({"text": text}))
    assert conditional_escape(truncated(text)) == reference
