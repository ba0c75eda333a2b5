"""Celery side of the sandbox: user events arrive later, from another process.

Scheduling lives here, beside the task it enqueues, so events.py (what an event is and
how it is posted) never imports the tasks that import it.
"""

from __future__ import annotations

from celery import shared_task

from . import events, store


@shared_task(name="channels_rcs.sandbox.post_user_event", ignore_result=True)
def post_user_event(agent_id: str, phone: str, event_type: str, message_id: str = "") -> int | None:
    return events.post_user_event(agent_id, phone, event_type, message_id)


@shared_task(name="channels_rcs.sandbox.expire_message", ignore_result=True)
def expire_message(agent_id: str, message_id: str) -> int | None:
    return events.expire(agent_id, message_id)


def schedule(message: dict, controls: dict | None = None) -> None:
    """Queue the message's user events on Celery ("auto"), or leave them ("manual"), and
    its expiry when it was sent with a ttl / expireTime ("manual": events.expire).

    `controls`: the agent's, when the caller has read them already (a send has)."""
    if controls is None:
        controls = store.controls(message["agent_id"])
    if controls.get("events") != "auto":
        return
    if message.get("expires_in") is not None:
        expire_message.apply_async(
            args=[message["agent_id"], message["message_id"]],
            countdown=max(0.0, float(message["expires_in"])),
        )
    for event_type, delay in events.plan(controls):
        ref = message["message_id"] if event_type != "IS_TYPING" else ""
        post_user_event.apply_async(
            args=[message["agent_id"], message["phone"], event_type, ref], countdown=delay
        )
