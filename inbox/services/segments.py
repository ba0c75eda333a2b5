"""Saved contact filters (segments): stored as the contact filter's canonical document, so
a segment is counted and listed by the same SQL as the contacts page."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inbox.models import Segment, Workspace
from inbox.selectors.contact_filter import FilterInvalid, parse_filter
from inbox.services.audit import record

NAME_MAX = 100


def create_segment(workspace: Workspace, *, name: str, document: Any, actor=None) -> Segment:
    """Validate the filter against the workspace and save it under a unique name;
    FilterInvalid lists what is wrong (the name's problems included)."""
    name = (name or "").strip()
    errors = []
    if not name or len(name) > NAME_MAX:
        errors.append(_("name: required, at most %(max)s characters.") % {"max": NAME_MAX})
    try:
        contact_filter = parse_filter(workspace=workspace, document=document)
    except FilterInvalid as exc:
        errors += [f"filter.{error}" for error in exc.errors]
        contact_filter = None
    if errors:
        raise FilterInvalid(errors)
    try:
        with transaction.atomic():
            segment = Segment.objects.create(
                workspace=workspace,
                name=name,
                filter=contact_filter.document,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            record(workspace, actor, "segment.created", segment, after={"filter": segment.filter})
    except IntegrityError:
        raise FilterInvalid([_("name: a segment with this name exists.")]) from None
    return segment


def delete_segment(segment: Segment, *, actor=None) -> None:
    with transaction.atomic():
        record(
            segment.workspace, actor, "segment.deleted", segment, before={"filter": segment.filter}
        )
        segment.delete()
