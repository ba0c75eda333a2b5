"""Celery side of the sandbox: statuses arrive later, from another process."""

from __future__ import annotations

from celery import shared_task

from . import events, store


@shared_task(name="channels_whatsapp.sandbox.post_status", ignore_result=True)
def post_status(phone_number_id: str, wamid: str, status: str, error_code: int | None = None):
    return events.post_status(phone_number_id, wamid, status, error_code)


def schedule(message: dict) -> None:
    """Queue the message's statuses on Celery ("auto"), or leave them ("manual")."""
    controls = store.controls(message["phone_number_id"])
    if controls.get("statuses") != "auto":
        return
    for status, delay, code in events.plan(message, controls):
        post_status.apply_async(
            args=[message["phone_number_id"], message["id"], status, code], countdown=delay
        )
