"""Celery side of the sandbox: status callbacks arrive later, from another process.

Scheduling lives here, beside the task it enqueues, so callbacks.py (what a callback is
and how it is posted) never imports the tasks that import it.
"""

from __future__ import annotations

from celery import shared_task

from . import callbacks, store


@shared_task(name="channels_sms.sandbox.post_status_callback", ignore_result=True)
def post_status_callback(message_sid: str, status: str, error_code: int = 0) -> int | None:
    return callbacks.post(message_sid, status, error_code)


def schedule(message: dict, controls: dict | None = None) -> None:
    """Queue the plan on Celery with the account's delay ("auto"), or leave it ("manual").

    `controls`: the account's, when the caller has just read them.
    """
    if controls is None:
        controls = store.controls(message["account_sid"])
    if controls.get("callbacks") != "auto" or not message.get("status_callback"):
        return
    delay = max(0, int(controls.get("callback_delay_ms") or 0)) / 1000
    steps = callbacks.plan(message, controls)
    for n, (status, code) in enumerate(steps, start=1):
        post_status_callback.apply_async(args=[message["sid"], status, code], countdown=delay * n)
