"""Inclusion tags for the thread head and side panel on the full inbox page, so the page
view needs no knowledge of them: the same context builders serve their htmx fragments."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("inbox/_thread_head.html", takes_context=True)
def thread_head(context) -> dict:
    from inbox.views.thread_header import head_context

    return head_context(
        context["workspace"],
        context["conversation"],
        context["membership"],
        filter_qs=context.get("filter_qs", ""),
        csrf_token=context.get("csrf_token"),
    )


@register.inclusion_tag("inbox/_side_panel.html", takes_context=True)
def side_panel(context) -> dict:
    from inbox.views.side_panel import panel_context

    data = panel_context(context["workspace"], context["conversation"], context["membership"])
    data["csrf_token"] = context.get("csrf_token")
    return data
