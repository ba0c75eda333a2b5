"""/healthz, /readyz and /metrics: answers for machines, thin over readiness and metrics.

They sign in to nothing and read no session; config/asgi.py routes them past the
middleware (inbox/bare_routes.py), so a probe costs no session or host lookup.
"""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from . import access, readiness
from .collectors import QueueCollector


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Alive: the process answers. Nothing else is checked (a restart would not help)."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready: 200 when every check passes, else 503 naming each failing check's reason."""
    found = readiness.checks()
    ready = all(check.ok for check in found)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {
            check.name: {"ok": check.ok, "detail": check.detail, "value": check.value}
            for check in found
        },
    }
    return JsonResponse(body, status=200 if ready else 503)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not access.may_read_metrics(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every process's figures, summed
        registry.register(QueueCollector())
        output = generate_latest(registry)
    else:
        registry.register(QueueCollector())
        output = generate_latest(REGISTRY) + generate_latest(registry)
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)
