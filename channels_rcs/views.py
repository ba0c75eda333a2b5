"""RBM webhook endpoint: the configuration handshake, then the shared inbox pipeline."""

from __future__ import annotations

import hmac

from django.http import HttpRequest, HttpResponse

from inbox.webhooks import ChannelWebhookView, active_channel

from . import webhooks


class RcsWebhookView(ChannelWebhookView):
    """When the webhook is configured RBM posts {clientToken, secret}: echo the secret,
    only when the client token is this channel's. Everything else is a signed event."""

    kind = "rcs"

    def post(self, request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        hello = webhooks.handshake(request.body)
        if hello is None:
            return super().post(request, token, **kwargs)
        channel = active_channel(self.kind, token)
        if channel is None:
            return HttpResponse("unknown channel\n", status=404, content_type="text/plain")
        ours = str(channel.secrets.get("client_token") or "")
        if not ours or not hmac.compare_digest(ours.encode(), hello["clientToken"].encode()):
            return HttpResponse("invalid client token\n", status=403, content_type="text/plain")
        return HttpResponse(hello["secret"], status=200, content_type="text/plain")
