"""Celery task of automations: run what inbound messages triggered (thin)."""

from __future__ import annotations

from celery import shared_task

from .services import run_queue


@shared_task(name=run_queue.RUN_AUTOMATIONS, acks_late=True, ignore_result=True)
def run_automations() -> int:
    """Asked for by the receiver when no runner is awake, and by beat every minute (to
    run again what a worker that died had taken)."""
    return run_queue.drain()
