"""Celery side of the sandbox: user events arrive later, from another process."""

from __future__ import annotations

from celery import shared_task

from . import events


@shared_task(name="channels_rcs.sandbox.post_user_event", ignore_result=True)
def post_user_event(agent_id: str, phone: str, event_type: str, message_id: str = "") -> int | None:
    return events.post_user_event(agent_id, phone, event_type, message_id)
