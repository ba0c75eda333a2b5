"""Segments as lists and pages show them: each with its live count."""

from __future__ import annotations

from django.db.models import QuerySet

from inbox.models import Segment, Workspace

from .contact_filter import ContactFilter, FilterInvalid, parse_filter
from .contact_list import contact_count


def workspace_segments(*, workspace: Workspace) -> QuerySet[Segment]:
    return Segment.objects.filter(workspace=workspace).order_by("name", "pk")


def segment_in_workspace(*, workspace: Workspace, pk: int) -> Segment | None:
    return Segment.objects.filter(workspace=workspace, pk=pk).first()


def segment_filter(segment: Segment) -> ContactFilter:
    """The stored document, checked again: a label or attribute it names may have been
    deleted since, which FilterInvalid reports rather than silently matching more."""
    return parse_filter(workspace=segment.workspace, document=segment.filter)


def segment_count(segment: Segment) -> int | None:
    """Today's member count; None when the segment no longer validates."""
    try:
        contact_filter = segment_filter(segment)
    except FilterInvalid:
        return None
    return contact_count(workspace=segment.workspace, contact_filter=contact_filter)
