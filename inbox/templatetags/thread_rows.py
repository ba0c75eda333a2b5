"""The thread's messages: the common one (a customer's or an agent's plain text, neither
failed nor rerouted) drawn in Python, every other through templates/inbox/_message.html.

A hundred messages through `{% include "inbox/_message.html" %}` cost about 1 ms each on
the 2-core bench box, most of a thread request (issue 20, p95 <= 50 ms). The fast path
writes the same bytes as that template, which stays the one markup for every kind of
message: tests/web/test_thread_rows_tag.py renders both and compares.
"""

from __future__ import annotations

import html
import re

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template.defaultfilters import linebreaksbr, urlize
from django.utils.safestring import SafeString, mark_safe

from .conversation_rows import Drawing, _e, drawing
from .message_content import shown_rich

register = template.Library()

MESSAGE_TEMPLATE = "inbox/_message.html"
_TICKS = {"queued": "🕓", "sending": "🕓", "sent": "✓", "delivered": "✓✓", "read": "✓✓"}
# Every word Django's Urlizer can turn into a link holds one of these (its simple_url_re
# needs "://", simple_url_2_re "www." or one of seven top-level domains, same
# IGNORECASE, an address "@"); a text without any is only escaped by `urlize`.
_MAYBE_LINK = re.compile(r"://|@|www\.|\.(com|edu|gov|int|mil|net|org)", re.IGNORECASE)
_NEWLINES = re.compile(r"\r\n|\r")


def message_html(text: str) -> str:
    """`{{ text|urlize|linebreaksbr }}`. Urlizer walks the text word by word (an escape
    call per word, tens of microseconds a message); a text that cannot hold a link is
    escaped whole instead, which writes the same bytes (escaping is per character)."""
    if _MAYBE_LINK.search(text):
        return linebreaksbr(urlize(text, autoescape=True), autoescape=True)
    return html.escape(_NEWLINES.sub("\n", text)).replace("\n", "<br>")


def _shown_rich(draw: Drawing, message) -> bool:
    """shown_rich of an outbound message, asked once per channel and render (the adapter's
    capabilities of the channel)."""
    key = ("shown_rich", message.channel_id)
    rich = draw.memo.get(key)
    if rich is None:
        rich = draw.memo[key] = shown_rich(message)
    return rich


def _plain(message, context: template.Context, draw: Drawing | None = None) -> str | None:
    """The message's HTML when it is a plain one, else None (the template draws it)."""
    direction = message.direction
    content = message.content
    if (
        direction not in ("inbound", "outbound")
        or not isinstance(content, dict)
        or content.get("type") != "text"
        or content.get("suggestions")
        or not message.text
        or message.fallback_from_id is not None
        or message.author == "bot"
        or context.get("action_errors")
    ):
        return None
    status = message.status
    if direction == "inbound":
        try:
            if message.campaign_reply:
                return None
        except ObjectDoesNotExist:
            pass
        draw = draw or drawing(context)
        author = draw.t("Customer")
    else:
        if status not in _TICKS:
            return None  # failed (error and retry button) or unknown: the template's
        draw = draw or drawing(context)
        user = message.author_user
        if user:
            author = _e(user.get_full_name() or user.username)
        else:
            author = draw.choice(message, "author")
    pk = _e(message.pk)
    channel = message.channel
    status_e = _e(status)
    text = message_html(message.text)
    if direction == "inbound" or _shown_rich(draw, message):
        bubble = (
            f'\n    \n      <div class="message__bubble"><p class="message__text">{text}</p>'
            "</div>\n    \n    \n  "
        )
    else:
        bubble = (
            f'\n    <div class="message__bubble">\n      <p class="message__text">{text}</p>'
            "\n      \n    </div>\n    \n  "
        )
    if direction == "outbound":
        delivery = (
            f'\n      <span class="message-status message-status--{status_e}" '
            f'data-testid="message-status" data-status="{status_e}">\n'
            f'        <span class="ticks ticks--{status_e}" aria-hidden="true">{_TICKS[status]}'
            "</span>\n"
            f'        <span class="message-status__label">{draw.choice(message, "status")}'
            "</span>\n        \n      </span>\n    "
        )
    else:
        delivery = ""
    at = draw.local(message.created_at)
    return (
        f'\n\n<li id="msg-{pk}" class="message message--{_e(direction)}" data-testid="message" '
        f'data-message-id="{pk}" data-direction="{_e(direction)}" data-status="{status_e}" '
        f'data-channel="{_e(channel.kind)}" data-content-type="text">\n  {bubble}\n'
        f'  <div class="message__meta">\n    <span class="message__author">{author}</span>\n'
        '    <span aria-hidden="true">·</span>\n'
        f'    <time datetime="{draw.iso(at)}">{draw.short(at)}</time>\n'
        '    <span aria-hidden="true">·</span>\n'
        f'    <span class="message__channel badge badge--channel-{_e(channel.kind)}" '
        f'data-testid="message-channel">{draw.t("via")} {_e(channel.name)}</span>\n'
        f"    \n    \n    {delivery}\n  </div>\n  \n</li>\n\n"
    )


@register.simple_tag(takes_context=True)
def thread_message(context: template.Context, message) -> SafeString:
    """What `{% include "inbox/_message.html" %}` writes for `message`."""
    html = _plain(message, context)
    if html is not None:
        return mark_safe(html)
    message_template = context.template.engine.get_template(MESSAGE_TEMPLATE)
    with context.push(message=message):
        return message_template.render(context)
