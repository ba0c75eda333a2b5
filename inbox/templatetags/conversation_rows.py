"""The conversation list's rows, drawn in Python.

Fifty rows through `{% include "inbox/_conversation_row.html" %}` cost about 1 ms each on
the 2-core bench box (a template variable, filter, `{% translate %}` or `{% url %}` is tens
of microseconds, and a row has about forty): most of a list request (issue 20, p95 <= 50
ms). This writes the same bytes as that template, which stays the markup's reference:
tests/web/test_conversation_rows_tag.py renders both for every kind of row and compares.
Per request, not per row: the strings are translated and the row URL reversed once.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import slugify
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from .channel_icons import channel_icon

register = template.Library()

_PK_MARK = 987654321987654321  # stands for the row's pk in the URL reversed once
_CURRENT = ' aria-current="page"'


def _e(value) -> str:
    """What `{{ value }}` writes (localized, escaped)."""
    if isinstance(value, str):
        return conditional_escape(value)
    return conditional_escape(str(localize(value)))


def _date(value, fmt: str) -> str:
    """What `{{ value|date:fmt }}` writes."""
    return conditional_escape(date_format(template_localtime(value), fmt))


def _t(message: str) -> str:
    # `{% translate "…" %}` writes the translation unescaped (a literal is safe).
    return gettext(mark_safe(message))


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
    assigned_to = _t("Assigned to")
    unassigned = _t("Unassigned")
    waiting_word = _t("waiting")
    overdue_word = _t("(overdue)")
    waiting_since = _t("Waiting since %(at)s")
    unread_word = _t("Unread:")
    icons: dict[str, str] = {}
    out: list[str] = []
    for c in conversations:
        pk = _e(c.pk)
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
            f'data-cursor="{_e(c.cursor)}" data-status="{status}" data-unread="{_e(unread)}">\n'
            f'  <a class="conv-row__link" href="{url_head}{pk}{url_tail}{filter_qs}"'
            f"{_CURRENT if selected else ''}>\n"
            f'    <span class="conv-row__top">\n'
            f'      <span class="conv-row__contact">{_e(c.contact.display_name)}</span>\n'
            f"      "
        )
        if c.last_message_at:
            out.append(
                f'<time class="conv-row__time" datetime="{_date(c.last_message_at, "c")}">'
                f"{_date(c.last_message_at, 'M j, H:i')}</time>"
            )
        out.append("\n    </span>\n    ")
        if c.snippet:
            out.append(
                '\n      <span class="conv-row__preview conv-row__snippet" '
                f'data-testid="search-snippet">{_e(c.snippet)}</span>\n    '
            )
        else:
            preview = Truncator(str(c.last_message_preview or "—")).chars(120)
            out.append(f'\n      <span class="conv-row__preview">{_e(preview)}</span>\n    ')
        out.append(
            f'\n    <span class="conv-row__meta">\n      {icons[kind]}{_e(channel.name)}</span>\n'
            f'      <span class="badge badge--status-{status}">{_e(c.get_status_display())}'
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
                since = waiting_since % {"at": _date(c.waiting_since, "M j, H:i")}
                out.append(f' title="{since}"')
            out.append(f">{waiting_word} {_e(c.waiting)}")
            if overdue:
                out.append(f'<span class="visually-hidden"> {overdue_word}</span>')
            out.append("</span>")
        out.append("\n      ")
        if unread:
            out.append(
                '<span class="badge badge--unread" data-testid="unread-count">'
                f'<span class="visually-hidden">{unread_word} </span>{_e(unread)}</span>'
            )
        out.append("\n    </span>\n  </a>\n</li>\n\n")
    return mark_safe("".join(out))
