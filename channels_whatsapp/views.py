"""The Cloud API webhook: Meta's GET verification handshake, then the shared pipeline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from inbox.webhooks import ChannelWebhookView, active_channel

from . import template_status, webhooks


class WhatsAppWebhookView(ChannelWebhookView):
    """GET answers the subscription check (hub.challenge as plain text, 403 for a wrong
    verify token); POST is a signed event batch (X-Hub-Signature-256), which may also carry
    template review results (message_template_status_update)."""

    kind = "whatsapp"

    def post(self, request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        response = super().post(request, token, **kwargs)
        # 2xx only once the body was verified, parsed and accepted.
        if 200 <= response.status_code < 300:
            channel = active_channel(self.kind, token)
            if channel is not None:
                template_status.apply(channel, request.body)
        return response

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
