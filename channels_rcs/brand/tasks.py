"""Beat's poll of brand registrations waiting on Google (verification or launch)."""

from __future__ import annotations

from celery import shared_task

from .registration import services

# The name is an interface: beat's schedule (config/settings.py) calls it by this name.
REFRESH_BRAND_REGISTRATIONS = "channels_rcs.brand.refresh_brand_registrations"


@shared_task(name=REFRESH_BRAND_REGISTRATIONS, ignore_result=True)
def refresh_brand_registrations() -> int:
    return services.refresh_pending_registrations()
