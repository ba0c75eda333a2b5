"""Celery autodiscovery looks for `<app>.tasks`; the sandbox's tasks live in a subpackage."""

from channels_sms.sandbox.tasks import post_status_callback

__all__ = ["post_status_callback"]
