"""A small in-test channel kind, so API and command tests do not depend on a real provider."""

from __future__ import annotations

import itertools

from inbox.adapters import Capabilities, ChannelAdapter, SendResult

MAX_TEXT = 40


class FakeAdapter(ChannelAdapter):
    kind = "test"
    label = "Test"
    secret_keys = ("api_key",)

    def __init__(self):
        self._ids = itertools.count(1)

    def validate_config(self, config, secrets):
        errors = []
        if not str(config.get("sender", "")).startswith("+"):
            errors.append("sender: required, E.164 (+...)")
        if not secrets.get("api_key"):
            errors.append("api_key: required")
        return errors

    def capabilities(self, channel):
        return Capabilities(max_text_length=MAX_TEXT)

    def render_text(self, content):
        return content.get("text", "")

    def validate(self, channel, content):
        if content.get("type") != "text":
            return [f"type: {content.get('type')} is not supported on this channel"]
        if len(content["text"]) > MAX_TEXT:
            return [f"text: {len(content['text'])} > {MAX_TEXT} characters"]
        return []

    def send(self, channel, *, to, content, message_id):
        return SendResult(provider_message_id=f"T{next(self._ids)}", status="sent")

    def verify_webhook(self, channel, request):
        return True

    def parse_webhook(self, channel, request):
        return []

    def webhook_urls(self, channel):
        return {"inbound": f"https://example.test/hooks/test/{channel.webhook_token}"}
