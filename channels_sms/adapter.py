"""The SMS channel over a Twilio-compatible Messages API (real Twilio or the sandbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    DraftCost,
    Event,
    Reconciliation,
    SendResult,
    WebhookRequest,
)
from inbox.content import render_text
from inbox.content import validate as validate_content
from inbox.phones import InvalidPhoneNumber, to_e164
from inbox.throttle import Throughput

from . import client, reconcile, signature, smart_encoding, webhooks
from .forms import SmsChannelForm
from .sandbox import accounts as sandbox_accounts
from .segments import count, segment_count
from .senders import default_mps

if TYPE_CHECKING:
    from datetime import datetime

    from inbox.models import Channel

MAX_BODY_CHARACTERS = 1600  # Twilio rejects longer bodies with 21617
DEFAULT_MAX_SEGMENTS = 10  # sms.md 1.7: block sends over 10 segments unless configured
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

# The demo's sandbox account. Fixed (and public) so a freshly seeded demo always has the
# same credentials a newcomer may have pasted into curl; the sandbox knows them through
# the channel row, so they need no registration.
SANDBOX_DEMO_NUMBER = "+15005550006"  # Twilio's documented "valid" test number
SANDBOX_DEMO_ACCOUNT_SID = "AC" + "d3e0" * 8  # 32 hex digits
SANDBOX_DEMO_AUTH_TOKEN = "5a4db0c5" * 4  # 32 hex digits


class SmsAdapter(ChannelAdapter):
    """Config: account_sid, auth_token (secret), from_number (E.164), mms, max_segments."""

    kind = "sms"
    label = "SMS"
    secret_keys = ("auth_token",)
    default_api_base_url = "https://api.twilio.com"
    icon = "✉"
    config_form = SmsChannelForm

    def validate_config(self, config: dict, secrets: dict) -> list[str]:
        """Also rewrites `from_number` to canonical E.164, so "+1 415-555-0100" is accepted.

        The caller (services.create_channel) stores the dict it passed in, which is the
        only way a validation step can normalize without a separate clean() hook.
        """
        errors = []
        sid = str(config.get("account_sid") or "").strip()
        if not sid:
            errors.append("account_sid: required")
        elif not sid.startswith("AC"):
            errors.append("account_sid: must start with AC (find it in the Twilio console)")
        if not str(secrets.get("auth_token") or "").strip():
            errors.append("auth_token: required")
        number = str(config.get("from_number") or "")
        try:
            config["from_number"] = to_e164(number)
        except InvalidPhoneNumber as exc:
            errors.append(f"from_number: {exc}")
        max_segments = config.get("max_segments", DEFAULT_MAX_SEGMENTS)
        if not isinstance(max_segments, int) or isinstance(max_segments, bool) or max_segments < 1:
            errors.append("max_segments: must be a positive integer")
        return errors

    def capabilities(self, channel: Channel) -> Capabilities:
        return Capabilities(
            media=bool(channel.config.get("mms")), max_text_length=MAX_BODY_CHARACTERS
        )

    def render_text(self, content: dict) -> str:
        return render_text(content)

    def _sends_mms(self, channel: Channel, content: dict) -> bool:
        return (
            content.get("type") == "media"
            and bool(channel.config.get("mms"))
            and not content.get("fallback_text")
        )

    def _body(self, channel: Channel, content: dict) -> str:
        if self._sends_mms(channel, content):
            body = str(content.get("caption") or "")
        else:
            body = render_text(content)
        if channel.config.get("smart_encoding"):
            body = smart_encoding.apply(body)
        return body

    def segments(self, channel: Channel, content: dict):
        """What the customer will receive, as the composer shows it (encoding, parts)."""
        return count(self._body(channel, content))

    def draft_cost(self, channel: Channel, content: dict) -> DraftCost:
        """Segments and encoding, counted on the body as sent (smart encoding applied)."""
        info = self.segments(channel, content)
        return DraftCost(
            note=info.describe(),
            segments=info.segments,
            encoding=info.encoding,
            ucs2_chars=tuple(info.ucs2_chars),
            text=info.text,
        )

    def billing_units(self, channel: Channel, text: str) -> int:
        """Segments, as carriers bill them (smart encoding applied as on send)."""
        if channel.config.get("smart_encoding"):
            text = smart_encoding.apply(text)
        return max(1, count(text).segments)

    def throughput(self, channel: Channel, *, to: str, content: dict) -> Throughput:
        """The sender's messages-per-second, counted in segments as carriers count them."""
        per_second = channel.config.get("mps") or default_mps(channel.config["from_number"])
        return Throughput(
            key=f"sms:{channel.config['account_sid']}:{channel.config['from_number']}",
            per_second=float(per_second),
            cost=max(1, segment_count(self._body(channel, content))),
        )

    def media_auth(self, channel: Channel) -> tuple[str, str] | None:
        # Twilio can require HTTP basic auth on media URLs (inbox sends it only to
        # credential_origins below).
        return channel.config["account_sid"], channel.secrets.get("auth_token", "")

    def credential_origins(self, channel: Channel) -> frozenset[str]:
        """The channel's API origin; Twilio serves media from api.twilio.com even to a
        regional API host (api.dublin.ie1.twilio.com), and redirects to its CDN without
        needing the credentials there."""
        origins = super().credential_origins(channel)
        host = urlsplit(channel.api_base_url or self.default_api_base_url).hostname or ""
        if host == "twilio.com" or host.endswith(".twilio.com"):
            origins |= {self.default_api_base_url}
        return origins

    def validate(self, channel: Channel, content: dict) -> list[str]:
        errors = validate_content(content)
        if errors:
            return errors
        body = self._body(channel, content)
        if not body.strip() and not self._sends_mms(channel, content):
            return ["content.text: must not be empty (nothing to send as SMS)"]
        if len(body) > MAX_BODY_CHARACTERS:
            return [
                f"content.text: {len(body)} > {MAX_BODY_CHARACTERS} characters "
                "(the longest body an SMS provider accepts)"
            ]
        limit = channel.config.get("max_segments", DEFAULT_MAX_SEGMENTS)
        segments = count(body).segments
        if segments > limit:
            return [f"content.text: {segments} > {limit} SMS segments (shorten the message)"]
        return []

    def _message(self, channel: Channel, *, to: str, content: dict) -> client.MessageRequest:
        """One send's request (both clients send the same bytes)."""
        return client.message_request(
            self._credentials(channel),
            to=to,
            from_=channel.config["from_number"],
            body=self._body(channel, content),
            media_urls=[content["url"]] if self._sends_mms(channel, content) else [],
            status_callback=self.webhook_urls(channel)["status"],
        )

    @staticmethod
    def _accepted(payload: dict) -> SendResult:
        details = {
            k: payload.get(k)
            for k in ("sid", "status", "num_segments", "num_media")
            if k in payload
        }
        return SendResult(provider_message_id=payload["sid"], status="sent", details=details)

    def send(self, channel: Channel, *, to: str, content: dict, message_id: str) -> SendResult:
        return self._accepted(client.create_message(self._message(channel, to=to, content=content)))

    async def asend(
        self, channel: Channel, *, to: str, content: dict, message_id: str
    ) -> SendResult:
        return self._accepted(
            await client.acreate_message(self._message(channel, to=to, content=content))
        )

    def reconcile(
        self, channel: Channel, *, to: str, content: dict, message_id: str, since: datetime
    ) -> Reconciliation:
        """Look the message up in the account's Messages list (channels_sms/reconcile.py)."""
        return reconcile.reconcile(
            self._credentials(channel),
            to=to,
            from_=channel.config["from_number"],
            body=self._body(channel, content),
            since=since,
        )

    def _credentials(self, channel: Channel) -> client.Credentials:
        return client.Credentials(
            api_base_url=channel.api_base_url or self.default_api_base_url,
            account_sid=channel.config["account_sid"],
            auth_token=channel.secrets.get("auth_token", ""),
        )

    def verify_webhook(self, channel: Channel, request: WebhookRequest) -> bool:
        token = channel.secrets.get("auth_token", "")
        sig = request.headers.get(signature.HEADER, "")
        params = request.form if request.method.upper() == "POST" else None
        return any(
            signature.is_valid(token, sig, url, params, body=request.body)
            for url in (request.url, *request.alt_urls)
        )

    def parse_webhook(self, channel: Channel, request: WebhookRequest) -> list[Event]:
        params = request.form if request.method.upper() == "POST" else request.query
        return webhooks.parse(request.url, webhooks.flatten(params))

    def webhook_ack(self) -> tuple[int, str, str]:
        return 200, "text/xml", TWIML_EMPTY

    def sandbox_config(self, *, public_base_url: str, name: str) -> dict:
        return sandbox_accounts.channel_config(
            SANDBOX_DEMO_NUMBER,
            account_sid=SANDBOX_DEMO_ACCOUNT_SID,
            auth_token=SANDBOX_DEMO_AUTH_TOKEN,
            api_base_url=public_base_url.rstrip("/") + "/sandbox/twilio",
        )

    def test_connection(self, channel: Channel) -> tuple[bool, str]:
        """Fetch the account (Twilio's GET /Accounts/<sid>.json): authenticated, no side effect."""
        creds = client.Credentials(
            api_base_url=channel.api_base_url or self.default_api_base_url,
            account_sid=str(channel.config.get("account_sid", "")),
            auth_token=channel.secrets.get("auth_token", ""),
        )
        return client.fetch_account(creds)

    def sandbox_api_base_url(self) -> str | None:
        return sandbox_accounts.api_base_url() if settings.SMS_SANDBOX_ENABLED else None

    def webhook_urls(self, channel: Channel) -> dict[str, str]:
        base = settings.PUBLIC_BASE_URL
        token = channel.webhook_token
        return {
            "inbound": base + reverse("sms-inbound", args=[token]),
            "status": base + reverse("sms-status", args=[token]),
        }
