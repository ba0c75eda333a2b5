"""The outbox's settings, read in one place; their defaults live in config/settings.py."""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class OutboxSettings:
    """Each field is the setting OUTBOX_<FIELD NAME>."""

    max_attempts: int  # a transient error after this many attempts fails the message
    stuck_after_seconds: int  # queued this long without progress: the sweep re-requests
    batch_size: int  # first attempts one drain claims at a time
    rate_headroom: float  # slots spaced for this fraction of a sender's rate
    late_tolerance: float  # seconds a batched call may leave after its slot


def outbox_settings() -> OutboxSettings:
    """Read at each use, not at import, so a test's settings override applies."""
    values = {f.name: getattr(settings, f"OUTBOX_{f.name.upper()}") for f in fields(OutboxSettings)}
    return OutboxSettings(**values)
