"""The conversation list's rows, drawn in Python.

Fifty rows through `{% include "inbox/_conversation_row.html" %}` cost about 1 ms each on
the 2-core bench box (a template variable, filter, `{% translate %}` or `{% url %}` is tens
of microseconds, and a row has about forty): most of a list request (issue 20, p95 <= 50
ms). This writes the same bytes as that template, which stays the markup's reference:
tests/web/test_conversation_rows_tag.py renders both for every kind of row and compares.
Per request, not per row: the strings are translated and the row URL reversed once.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import datetime

from django import template
from django.conf import settings
from django.template.defaultfilters import slugify
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext

from .channel_icons import channel_icon

register = template.Library()

_PK_MARK = 987654321987654321  # stands for the row's pk in the URL reversed once
_CURRENT = ' aria-current="page"'


def _e(value) -> str:
    """What `{{ value }}` writes (localized, escaped)."""
    if type(value) is str:  # a plain one (not SafeString): escaped, as Django's escape
        return html.escape(value)
    if isinstance(value, str):
        return conditional_escape(value)
    return conditional_escape(str(localize(value)))


def _t(message: str) -> str:
    # `{% translate "…" %}` writes the translation unescaped (a literal is safe).
    return gettext(mark_safe(message))


class Drawing:
    """What every row of one render shares, looked up once instead of per row: the zone,
    month abbreviations, translated words and choice labels. `date:"M j, H:i"` and
    `date:"c"` through Django's formatter cost tens of microseconds a call (a format
    parse, a translation lookup per month name), a few hundred calls a page.

    Built per render (the language and zone are the render's), see `drawing()`."""

    def __init__(self) -> None:
        self.zone = get_current_timezone() if settings.USE_TZ else None
        self.plain_ints = not settings.USE_THOUSAND_SEPARATOR
        self._months: dict[int, str] = {}
        self._words: dict[str, str] = {}
        self._choices: dict[tuple, str] = {}
        # Anything else a tag computes once per render (keyed by the tag's own tuples).
        self.memo: dict[tuple, object] = {}

    def local(self, value: datetime) -> datetime:
        """template_localtime: an aware datetime in the render's zone."""
        if self.zone is not None and value.utcoffset() is not None:
            return value.astimezone(self.zone)
        return value

    def short(self, local: datetime) -> str:
        """`{{ value|date:"M j, H:i" }}` of an already local datetime, escaped."""
        month = self._months.get(local.month)
        if month is None:
            month = self._months[local.month] = conditional_escape(MONTHS_3[local.month].title())
        return f"{month} {local.day}, {local.hour:02d}:{local.minute:02d}"

    @staticmethod
    def iso(local: datetime) -> str:
        """`{{ value|date:"c" }}` of an already local datetime (digits, '-', ':', '+', 'T',
        '.': nothing to escape)."""
        return local.isoformat()

    def t(self, message: str) -> str:
        """`{% translate message %}`, once per render."""
        word = self._words.get(message)
        if word is None:
            word = self._words[message] = _t(message)
        return word

    def choice(self, instance, field: str) -> str:
        """`{{ instance.get_<field>_display }}`, escaped, once per value and render."""
        key = (type(instance), field, getattr(instance, field))
        label = self._choices.get(key)
        if label is None:
            display = getattr(instance, f"get_{field}_display")()
            label = self._choices[key] = _e(display)
        return label

    def number(self, value) -> str:
        """`{{ value }}` of an int (localize writes str(int) without thousand separators)."""
        if self.plain_ints and type(value) is int:
            return str(value)
        return _e(value)


def drawing(context: template.Context) -> Drawing:
    """The render's Drawing (a list's rows, or a thread's messages: one per render)."""
    found = context.render_context.get(Drawing)
    if found is None:
        found = context.render_context[Drawing] = Drawing()
    return found


def truncated(text: str, length: int = 120) -> str:
    """`{{ text|truncatechars:length }}` (Truncator.chars): a text of at most `length`
    characters once NFC-normalized is returned normalized, as Truncator does, without its
    character-by-character walk."""
    normalized = unicodedata.normalize("NFC", text)
    if len(normalized) <= length:
        return normalized
    return Truncator(text).chars(length)


@register.simple_tag(takes_context=True)
def conversation_rows(context: template.Context) -> SafeString:
    """Every row of `conversations` as the `{% for %}` over the row template wrote it."""
    conversations = context.get("conversations") or []
    if not conversations:
        return mark_safe("")
    selected_id = context.get("selected_id")
    filter_qs = _e(context.get("filter_qs", ""))
    url = conditional_escape(
        reverse("inbox:conversation", args=[context["workspace"].slug, _PK_MARK])
    )
    url_head, url_tail = url.split(str(_PK_MARK))
    draw = drawing(context)
    number = draw.number
    assigned_to = draw.t("Assigned to")
    unassigned = draw.t("Unassigned")
    waiting_word = draw.t("waiting")
    overdue_word = draw.t("(overdue)")
    waiting_since = draw.t("Waiting since %(at)s")
    unread_word = draw.t("Unread:")
    icons: dict[str, str] = {}
    out: list[str] = []
    for c in conversations:
        pk = number(c.pk)
        selected = c.pk == selected_id
        unread = c.unread
        channel = c.channel
        kind = channel.kind
        if kind not in icons:
            icons[kind] = (
                f'<span class="badge badge--channel channel--{_e(slugify(kind))}" '
                f'data-testid="row-channel"><span class="channel-icon" aria-hidden="true">'
                f"{_e(channel_icon(kind))}</span> "
            )
        status = _e(c.status)
        out.append(
            f'\n  <li id="conv-{pk}" class="conv-row'
            f"{' conv-row--selected' if selected else ''}"
            f"{' conv-row--unread' if unread else ''}"
            f'" data-testid="conversation-row" data-conversation-id="{pk}" '
            f'data-cursor="{_e(c.cursor)}" data-status="{status}" data-unread="{number(unread)}">\n'
            f'  <a class="conv-row__link" href="{url_head}{pk}{url_tail}{filter_qs}"'
            f"{_CURRENT if selected else ''}>\n"
            f'    <span class="conv-row__top">\n'
            f'      <span class="conv-row__contact">{_e(c.contact.display_name)}</span>\n'
            f"      "
        )
        if c.last_message_at:
            at = draw.local(c.last_message_at)
            out.append(
                f'<time class="conv-row__time" datetime="{draw.iso(at)}">{draw.short(at)}</time>'
            )
        out.append("\n    </span>\n    ")
        if c.snippet:
            out.append(
                '\n      <span class="conv-row__preview conv-row__snippet" '
                f'data-testid="search-snippet">{_e(c.snippet)}</span>\n    '
            )
        else:
            preview = truncated(str(c.last_message_preview or "—"))
            out.append(f'\n      <span class="conv-row__preview">{_e(preview)}</span>\n    ')
        out.append(
            f'\n    <span class="conv-row__meta">\n      {icons[kind]}{_e(channel.name)}</span>\n'
            f'      <span class="badge badge--status-{status}">{draw.choice(c, "status")}'
            "</span>\n      "
        )
        assignee = c.assignee
        if assignee:
            name = assignee.get_full_name() or assignee.username
            out.append(
                '<span class="conv-row__assignee" data-testid="row-assignee">'
                f'<span class="visually-hidden">{assigned_to} </span>{_e(name)}</span>'
            )
        else:
            out.append(
                f'<span class="conv-row__assignee conv-row__assignee--none">{unassigned}</span>'
            )
        out.append("\n      ")
        if c.waiting:
            overdue = c.overdue
            out.append(
                f'<span class="conv-row__waiting{" conv-row__waiting--overdue" if overdue else ""}"'
                f' data-testid="waiting-age" data-overdue="{"true" if overdue else "false"}"'
            )
            if c.waiting_since:
                since = waiting_since % {"at": draw.short(draw.local(c.waiting_since))}
                out.append(f' title="{since}"')
            out.append(f">{waiting_word} {_e(c.waiting)}")
            if overdue:
                out.append(f'<span class="visually-hidden"> {overdue_word}</span>')
            out.append("</span>")
        out.append("\n      ")
        if unread:
            out.append(
                '<span class="badge badge--unread" data-testid="unread-count">'
                f'<span class="visually-hidden">{unread_word} </span>{number(unread)}</span>'
            )
        out.append("\n    </span>\n  </a>\n</li>\n\n")
    return mark_safe("".join(out))
