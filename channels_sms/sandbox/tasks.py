"""Celery side of the sandbox: status callbacks arrive later, from another process."""

from __future__ import annotations

from celery import shared_task

from . import callbacks


@shared_task(name="channels_sms.sandbox.post_status_callback", ignore_result=True)
def post_status_callback(message_sid: str, status: str, error_code: int = 0) -> int | None:
    return callbacks.post(message_sid, status, error_code)
