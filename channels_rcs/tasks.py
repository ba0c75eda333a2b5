"""Celery autodiscovery looks for `<app>.tasks`; the sandbox's tasks live in a subpackage."""

from channels_rcs.sandbox.tasks import post_user_event

__all__ = ["post_user_event"]
