"""Celery entry points; the work is in dashboards.rollup."""

from __future__ import annotations

from celery import shared_task

from . import rollup


@shared_task(ignore_result=True)
def roll_up() -> dict[str, int]:
    return rollup.run()
