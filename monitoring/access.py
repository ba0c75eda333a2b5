"""Who may read /metrics: its figures name channels and volumes, tenant data to keep in.

METRICS_TOKEN set: a request must carry `Authorization: Bearer <token>`. Otherwise only
addresses in METRICS_ALLOW (CIDRs; loopback by default) may read. The peer address is
the socket's own (uvicorn believes forwarded headers only from TRUSTED_PROXIES).
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _allowed_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for cidr in settings.METRICS_ALLOW:
        try:
            if ip in ipaddress.ip_network(cidr, strict=False):
                return True
        except ValueError:
            continue
    return False


def may_read_metrics(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    return _allowed_address(request.META.get("REMOTE_ADDR", ""))
