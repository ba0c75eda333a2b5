"""Twilio webhook endpoints: the shared inbox pipeline with Twilio's TwiML ack."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from inbox.webhooks import ChannelWebhookView


class SmsWebhookView(ChannelWebhookView):
    """Inbound messages and status callbacks; Twilio may be configured to use GET."""

    kind = "sms"

    def get(self, request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        return self.post(request, token, **kwargs)
