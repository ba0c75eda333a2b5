"""Notes only an admin of the workspace sees in the header (one cached count each)."""

from __future__ import annotations

from django import template

from inbox.models import Role
from inbox.selectors.set_aside_events import set_aside_count

register = template.Library()


@register.inclusion_tag("inbox/_admin_notes.html")
def admin_notes(workspace, membership) -> dict:
    """The set-aside inbound events, linking to where they can be replayed (admins only)."""
    if workspace is None or membership is None or membership.role != Role.ADMIN:
        return {"set_aside": 0}
    return {"workspace": workspace, "set_aside": set_aside_count(workspace.pk)}
