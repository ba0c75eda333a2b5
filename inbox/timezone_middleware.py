"""Every request starts and ends in the site's default time zone.

Agent pages activate their workspace's zone (inbox/views/workspace_timezone.py), and
Django keeps an activated zone for the thread, not the request: sync views share a few
threads, so the next request on that thread, perhaps another workspace's page or a
provider's webhook, would read its times in the wrong zone. Resetting here keeps the
activation scoped to the one request that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def reset_time_zone(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
