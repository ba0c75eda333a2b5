"""Celery application; tasks live next to the services they drive (inbox.tasks)."""

import os

from celery import Celery

from config import broker_reconnect

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("inbox")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A worker reconnects after its Redis broker restarts instead of exiting.
broker_reconnect.install()
