"""Beat and queued tasks call a task by its registered name: moving a task's module keeps it."""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings

from config.celery import app


@pytest.fixture(scope="module")
def registered() -> set[str]:
    app.loader.import_default_modules()  # what a worker imports at start (autodiscovery)
    return set(app.tasks)


def test_every_beat_entry_names_a_registered_task(registered):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - registered == set()


@pytest.mark.parametrize(
    "module, task, name",
    [
        ("outbound_webhooks.tasks", "deliver_webhook", "workspace_settings.tasks.deliver_webhook"),
        (
            "outbound_webhooks.tasks",
            "sweep_webhook_deliveries",
            "workspace_settings.tasks.sweep_webhook_deliveries",
        ),
        (
            "inbox.tasks",
            "reassign_offline_conversations",
            "workspace_settings.tasks.reassign_offline_conversations",
        ),
        ("privacy.tasks", "purge_expired_messages", "members.tasks.purge_expired_messages"),
    ],
)
def test_moved_tasks_keep_their_first_names(registered, module, task, name):
    assert getattr(importlib.import_module(module), task).name == name
    assert name in registered
