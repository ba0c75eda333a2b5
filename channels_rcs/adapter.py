"""The RCS channel over a Google-RBM-compatible API (real RBM or the sandbox)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    ContentNotSupported,
    Event,
    NotReachable,
    Reconciliation,
    SendError,
    SendResult,
    Verdict,
    WebhookRequest,
)
from inbox.content import render_text

from . import auth, capability, client, render, signature, validation, webhooks
from .agent import agent_for
from .brand.demo import seed_brand, seed_conversation
from .forms import RcsChannelForm
from .limits import MAX_TEXT, MAX_TTL_SECONDS, REGIONS, TRAFFIC_TYPES, rbm_traffic_type
from .sandbox import accounts as sandbox_accounts

if TYPE_CHECKING:
    from datetime import datetime

    from inbox.models import Channel

log = logging.getLogger(__name__)

# The demo's sandbox agent. Fixed so a reseeded demo keeps one agent id in the sandbox's
# logs; the sandbox learns its key and client token from the channel row (zero setup).
SANDBOX_DEMO_AGENT_ID = "sandbox_demo_agent"
# The connection test looks this number up (Google's own documentation example number).
CONNECTION_PROBE_NUMBER = "+12223334444"


class RcsAdapter(ChannelAdapter):
    """Config: agent_id; secrets service_account_key (JSON) and client_token (webhooks).

    Optional: message_ttl (seconds, sent as `ttl`, at most 15 days),
    message_traffic_type (the default of content.md's `traffic_type`, which a message's
    content overrides), region ("europe", "us" or "asia": RBM's regional endpoint),
    capability_ttl / capability_negative_ttl (cache seconds), brand_profile_id.
    """

    kind = "rcs"
    label = "RCS"
    secret_keys = ("service_account_key", "client_token")
    default_api_base_url = client.DEFAULT_API_BASE_URL
    icon = "✦"
    config_form = RcsChannelForm

    def validate_config(self, config: dict, secrets: dict) -> list[str]:
        """Also stores a key given as a JSON object as JSON text (one form at rest)."""
        errors = []
        if not str(config.get("agent_id") or "").strip():
            errors.append("agent_id: required (the agent's id in the RBM console)")
        key = secrets.get("service_account_key")
        if not key:
            errors.append("service_account_key: required (the service account's JSON key)")
        else:
            try:
                info = auth.parse_key(key)
            except auth.AuthError as exc:
                errors.append(str(exc))
            else:
                errors += auth.token_uri_errors(
                    info, trusted=frozenset({sandbox_accounts.token_uri()})
                )
                import json

                secrets["service_account_key"] = json.dumps(info)
        if not str(secrets.get("client_token") or "").strip():
            errors.append("client_token: required (shown when the webhook is configured)")
        ttl = config.get("message_ttl")
        if ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool) or ttl <= 0):
            errors.append("message_ttl: must be a positive number of seconds")
        elif ttl is not None and ttl > MAX_TTL_SECONDS:
            errors.append(f"message_ttl: {ttl} > {MAX_TTL_SECONDS} seconds (15 days)")
        traffic = config.get("message_traffic_type")
        if traffic and not rbm_traffic_type(traffic):
            errors.append(f"message_traffic_type: must be one of {', '.join(TRAFFIC_TYPES)}")
        region = config.get("region")
        if region and region not in REGIONS:
            errors.append(f"region: must be one of {', '.join(REGIONS)}")
        return errors

    def capabilities(self, channel: Channel) -> Capabilities:
        return Capabilities(
            rich_cards=True,
            suggestions=True,
            media=True,
            typing=True,
            read_receipts=True,
            max_text_length=MAX_TEXT,
        )

    def render_text(self, content: dict) -> str:
        return render_text(content)

    def validate(self, channel: Channel, content: dict) -> list[str]:
        return validation.validate(content)

    def wire_message(self, channel: Channel, content: dict) -> dict:
        """The exact AgentMessage body send() posts (also for previews and tests)."""
        config = channel.config or {}
        traffic = content.get("traffic_type") or config.get("message_traffic_type") or ""
        return render.agent_message(
            content,
            ttl_seconds=config.get("message_ttl"),
            traffic_type=rbm_traffic_type(traffic),
        )

    def send(self, channel: Channel, *, to: str, content: dict, message_id: str) -> SendResult:
        """Our message UUID is RBM's messageId, so a retried send can never deliver twice."""
        body = self.wire_message(channel, content)
        try:
            payload = client.create_message(
                agent_for(channel), to, message_id=message_id, body=body
            )
        except NotReachable:
            capability.remember(channel, to, None)
            raise
        except ContentNotSupported as exc:  # the outbox falls back, or sends this instead
            raise self._simpler(exc, content) from exc
        capability.note_reachable(channel, to)
        return self._sent(payload, message_id)

    async def asend(
        self, channel: Channel, *, to: str, content: dict, message_id: str
    ) -> SendResult:
        """`send` on the batch path's loop: the call through aiohttp (no thread held for
        the round trip); the capability cache's blocking Redis write on the executor."""
        body = self.wire_message(channel, content)
        loop = asyncio.get_running_loop()
        try:
            payload = await client.acreate_message(
                agent_for(channel), to, message_id=message_id, body=body
            )
        except NotReachable:
            await loop.run_in_executor(None, capability.remember, channel, to, None)
            raise
        except ContentNotSupported as exc:
            raise self._simpler(exc, content) from exc
        if capability.note_needed(channel, to):
            await loop.run_in_executor(None, capability.note_reachable, channel, to)
        return self._sent(payload, message_id)

    @staticmethod
    def _simpler(exc: ContentNotSupported, content: dict) -> ContentNotSupported:
        """The outbox falls back, or sends this plainer rendition instead."""
        return ContentNotSupported(exc.reason, code=exc.code, simpler=render.simpler(content))

    @staticmethod
    def _sent(payload: dict, message_id: str) -> SendResult:
        details = {"name": payload.get("name", "")}
        if payload.get("alreadyExisted"):
            details["already_existed"] = True
        return SendResult(provider_message_id=message_id, status="sent", details=details)

    def reconcile(
        self, channel: Channel, *, to: str, content: dict, message_id: str, since: datetime
    ) -> Reconciliation:
        """The send again, with the same messageId: RBM refuses a reused id (409
        ALREADY_EXISTS, read as accepted), so it creates the message now if the lost call
        never reached it, or says it has it. Exactly once either way."""
        try:
            outcome: SendResult | Exception = self.send(
                channel, to=to, content=content, message_id=message_id
            )
        except Exception as exc:  # noqa: BLE001 - settled by the outbox like a send's error
            outcome = exc
        return Reconciliation(Verdict.ANSWERED, outcome=outcome)

    def reachable(self, channel: Channel, to: str) -> bool | None:
        """Can RBM reach `to` for this agent? None when it could not be told (just try)."""
        return capability.reachable(channel, to)

    def check_capability(self, channel: Channel, phone: str) -> bool:
        return capability.check_capability(channel, phone)

    def check_capabilities(self, channel: Channel, phones: list[str]) -> dict[str, bool | None]:
        return capability.check_capabilities(channel, phones)

    def reachable_many(self, channel: Channel, addresses: list[str]) -> dict[str, bool | None]:
        """Cached answers, then RBM's users:batchGet for the rest (one call per 10,000)."""
        return capability.check_capabilities(channel, addresses)

    def known_reachable_many(
        self, channel: Channel, addresses: list[str]
    ) -> dict[str, bool | None]:
        """The cached answers only (one Redis MGET), never RBM."""
        return capability.known(channel, addresses)

    def send_typing(self, channel: Channel, *, to: str) -> None:
        try:
            client.create_event(agent_for(channel), to, event={"eventType": "IS_TYPING"})
        except SendError as exc:
            log.info("rcs typing event to %s failed: %s", to, exc.reason)

    def mark_read(self, channel: Channel, *, to: str, provider_message_id: str) -> None:
        """READ for a customer's message (RBM addresses events to the customer's number)."""
        event = {"eventType": "READ", "messageId": provider_message_id}
        try:
            client.create_event(agent_for(channel), to, event=event)
        except SendError as exc:
            log.info("rcs read event for %s failed: %s", provider_message_id, exc.reason)

    def revoke(self, channel: Channel, *, to: str, provider_message_id: str) -> bool:
        """Revoke an undelivered message; False when it was already delivered."""
        return client.revoke(agent_for(channel), to, provider_message_id)

    def verify_webhook(self, channel: Channel, request: WebhookRequest) -> bool:
        """Only the Pub/Sub-style body, signed over its decoded `message.data`."""
        token = str(channel.secrets.get("client_token") or "")
        data = webhooks.signed_bytes(request.body)
        sig = request.headers.get(signature.HEADER, "")
        return data is not None and signature.is_valid(token, sig, data)

    def parse_webhook(self, channel: Channel, request: WebhookRequest) -> list[Event]:
        return webhooks.parse(request.body, agent_id=str(channel.config.get("agent_id") or ""))

    def sandbox_config(self, *, public_base_url: str, name: str) -> dict | None:
        """None while the sandbox is switched off: a channel pointing at it would 404."""
        if not settings.RCS_SANDBOX_ENABLED:
            return None
        return sandbox_accounts.channel_config(
            agent_id=SANDBOX_DEMO_AGENT_ID,
            api_base_url=public_base_url.rstrip("/") + "/sandbox/rbm",
        )

    def seed_demo(self, channel: Channel) -> None:
        """A demo brand on the channel and one conversation from an RCS-capable phone."""
        seed_brand(channel)
        seed_conversation(channel)

    def test_connection(self, channel: Channel) -> tuple[bool, str]:
        """An access token from the key, then one capability lookup for a probe number.

        A lookup reads nothing and sends nothing to a phone. RBM answers 200 or 404 (not
        RCS-capable) only once the service account and agent id are accepted; 401 / 403
        mean the credentials or the agent are wrong.
        """
        agent = agent_for(channel)
        try:
            features = client.get_capabilities(agent, CONNECTION_PROBE_NUMBER, timeout=10.0)
        except SendError as exc:
            if isinstance(exc, NotReachable):  # only a 403 gets here (404 returns None)
                return False, (
                    f"RBM denied this service account access to agent {agent.agent_id} "
                    f"({exc.code or 'PERMISSION_DENIED'}); check the agent id and the key."
                )
            return False, f"RBM refused the check: {exc.reason}"
        except Exception as exc:  # noqa: BLE001 - a test reports, it never crashes the page
            # The class only: an exception's text may quote whatever answered.
            return False, f"Could not run the check ({exc.__class__.__name__})."
        seen = "RCS-capable" if features is not None else "not RCS-capable"
        return True, (
            f"Credentials accepted for agent {agent.agent_id} "
            f"(capability lookup answered; probe number {seen})."
        )

    def sandbox_api_base_url(self) -> str | None:
        return sandbox_accounts.api_base_url() if settings.RCS_SANDBOX_ENABLED else None

    def webhook_urls(self, channel: Channel) -> dict[str, str]:
        path = reverse("rcs-webhook", args=[channel.webhook_token])
        return {"webhook": settings.PUBLIC_BASE_URL + path}
