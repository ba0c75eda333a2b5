"""Celery autodiscovery looks for `<app>.tasks`; the sandbox's tasks live in a subpackage."""

from channels_rcs.brand.tasks import refresh_brand_registrations
from channels_rcs.sandbox.tasks import post_user_event

__all__ = ["post_user_event", "refresh_brand_registrations"]
