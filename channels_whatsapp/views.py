"""The Cloud API webhook: Meta's GET verification handshake, then the shared pipeline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from inbox.webhooks import ChannelWebhookView, active_channel

from . import webhooks


class WhatsAppWebhookView(ChannelWebhookView):
    """GET answers the subscription check (hub.challenge as plain text, 403 for a wrong
    verify token); POST is a signed event batch (X-Hub-Signature-256)."""

    kind = "whatsapp"

    def get(self, request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        channel = active_channel(self.kind, token)
        if channel is None:
            return HttpResponse("unknown channel\n", status=404, content_type="text/plain")
        query = {key: request.GET.getlist(key) for key in request.GET}
        verify_token = str((channel.secrets or {}).get("verify_token") or "")
        challenge = webhooks.verification_answer(query, verify_token)
        if challenge is None:
            return HttpResponse("verification failed\n", status=403, content_type="text/plain")
        return HttpResponse(challenge, status=200, content_type="text/plain")
