"""The one webhook pipeline every channel's view runs: find, verify, parse, accept, ack.

Answering 2xx only after accept() commits the events means the provider's retry covers
any crash; the dedupe key (and ingest's idempotency behind it) makes the retry harmless.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from inbox import metrics, services
from inbox.adapters import WebhookError, WebhookRequest, get_adapter
from inbox.models import Channel

log = logging.getLogger(__name__)


def _multi(qd: QueryDict) -> dict[str, list[str]]:
    return {key: qd.getlist(key) for key in qd}


def webhook_request(request: HttpRequest) -> WebhookRequest:
    """The request as adapters see it, with the public URL the provider signed."""
    body = request.body  # read before POST so the raw bytes stay available
    public = settings.PUBLIC_BASE_URL + request.get_full_path()
    form = (
        _multi(request.POST)
        if request.content_type.startswith("application/x-www-form-urlencoded")
        else {}
    )
    return WebhookRequest(
        url=public,
        alt_urls=(request.build_absolute_uri(),),
        method=request.method or "POST",
        headers=request.headers,  # already case-insensitive (HttpHeaders)
        body=body,
        form=form,
        query=_multi(request.GET),
    )


CHANNEL_CACHE_SECONDS = 5.0
# What Channel issues (secrets.token_urlsafe) fits this; anything else names no channel
# and is answered 404 without a query (a NUL in the URL would make psycopg raise).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,40}")
_recent: dict[tuple[str, str], tuple[float, Channel | None]] = {}


def active_channel(kind: str, token: str) -> Channel | None:
    """The channel a webhook URL names, remembered for a few seconds per process.

    A burst of webhooks for one channel would otherwise read the same row for every
    message; a channel disabled by an admin stops accepting within CHANNEL_CACHE_SECONDS.
    """
    if not _TOKEN.fullmatch(token):
        return None
    now = time.monotonic()
    hit = _recent.get((kind, token))
    if hit and hit[0] > now:
        return hit[1]
    channel = Channel.objects.filter(webhook_token=token, kind=kind, is_active=True).first()
    if len(_recent) > 10_000:
        _recent.clear()
    _recent[(kind, token)] = (now + CHANNEL_CACHE_SECONDS, channel)
    return channel


def forget_channel(kind: str, token: str) -> None:
    """Drop what active_channel remembers for this URL (the channel turned out gone)."""
    _recent.pop((kind, token), None)


NOT_CACHED = object()


def cached_channel(kind: str, token: str):
    """active_channel's answer while it is remembered (no query), else NOT_CACHED."""
    if not _TOKEN.fullmatch(token):
        return None
    hit = _recent.get((kind, token))
    return hit[1] if hit and hit[0] > time.monotonic() else NOT_CACHED


@method_decorator(csrf_exempt, name="dispatch")
class ChannelWebhookView(View):
    """Subclass per channel with `kind`; one URL per channel row (its webhook token)."""

    kind: str = ""
    http_method_names = ["post", "get"]

    def post(self, request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        channel = active_channel(self.kind, token)
        if channel is None:
            metrics.WEBHOOKS.labels(self.kind, "unknown_channel").inc()
            return HttpResponse("unknown channel\n", status=404, content_type="text/plain")
        adapter = get_adapter(self.kind)
        wreq = webhook_request(request)
        if not adapter.verify_webhook(channel, wreq):
            metrics.WEBHOOKS.labels(self.kind, "bad_signature").inc()
            return HttpResponse("invalid signature\n", status=403, content_type="text/plain")
        try:
            events = adapter.parse_webhook(channel, wreq)
        except WebhookError as exc:
            metrics.WEBHOOKS.labels(self.kind, "bad_request").inc()
            return HttpResponse(f"{exc}\n", status=400, content_type="text/plain")
        try:
            services.accept(channel, events)
        except IntegrityError:
            # The channel was deleted after this process remembered it (active_channel
            # keeps it CHANNEL_CACHE_SECONDS): the insert's foreign key finds no row, and
            # the webhook names no channel now. (ON CONFLICT covers the only other key.)
            forget_channel(self.kind, token)
            metrics.WEBHOOKS.labels(self.kind, "unknown_channel").inc()
            return HttpResponse("unknown channel\n", status=404, content_type="text/plain")
        metrics.WEBHOOKS.labels(self.kind, "accepted").inc()
        status, content_type, ack = adapter.webhook_ack()
        return HttpResponse(ack, status=status, content_type=content_type)
