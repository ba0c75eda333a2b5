"""Each task a service asks for by name (inbox/jobs.py) is one a worker has registered,
so a renamed task fails here and not as a message no worker understands."""

from __future__ import annotations

from celery import current_app

import inbox.tasks  # noqa: F401  (registers the tasks, as the worker's autodiscovery does)
from inbox import jobs


def test_every_requested_task_is_registered():
    names = {value for key, value in vars(jobs).items() if key.isupper()}
    assert names  # the constants are there to be checked
    registered = set(current_app.tasks.keys())
    assert names <= registered, names - registered


def test_enqueue_sends_the_task_by_name(monkeypatch):
    sent = []
    monkeypatch.setattr(
        current_app, "send_task", lambda name, **options: sent.append((name, options))
    )
    jobs.enqueue(jobs.DELIVER_MESSAGE, "m-1", countdown=3)
    assert sent == [(jobs.DELIVER_MESSAGE, {"args": ("m-1",), "countdown": 3})]
