"""The WhatsApp channel over Meta's WhatsApp Cloud API (the Graph API, or the sandbox)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    ComposerTemplate,
    Event,
    PermanentSendError,
    SendError,
    SendResult,
    WebhookRequest,
)
from inbox.content import render_text
from inbox.content import validate as validate_content

from . import client, limits, render, signature, webhooks, window
from .forms import WhatsAppChannelForm

if TYPE_CHECKING:
    from inbox.models import Channel, Conversation

log = logging.getLogger(__name__)

# Meta serves media downloads from its CDN host, which wants the same Bearer token
# (Cloud API "Media" reference: "Download Media").
META_MEDIA_ORIGINS = frozenset({"https://lookaside.fbsbx.com"})
_ID = re.compile(r"\d{1,32}")


def to_wire_number(address: str) -> str:
    """The Cloud API's `to`: the number's digits (E.164 without the plus)."""
    return address.lstrip("+")


class WhatsAppAdapter(ChannelAdapter):
    """Config: phone_number_id, waba_id, graph_version; secrets access_token, app_secret,
    verify_token. The API base URL is the Graph API host, or the sandbox's for sandbox
    channels."""

    kind = "whatsapp"
    label = "WhatsApp"
    secret_keys = ("access_token", "app_secret", "verify_token")
    default_api_base_url = client.DEFAULT_API_BASE_URL
    icon = "✆"
    config_form = WhatsAppChannelForm

    def validate_config(self, config: dict, secrets: dict) -> list[str]:
        errors = []
        for key in ("phone_number_id", "waba_id"):
            value = str(config.get(key) or "").strip()
            if not value:
                errors.append(f"{key}: required (in the WhatsApp Manager's API setup)")
            elif not _ID.fullmatch(value):
                errors.append(f"{key}: must be the numeric id Meta shows")
            config[key] = value
        for key in self.secret_keys:
            if not str(secrets.get(key) or "").strip():
                errors.append(f"{key}: required")
        version = str(config.get("graph_version") or client.DEFAULT_GRAPH_VERSION)
        if not re.fullmatch(r"v\d{1,3}\.\d{1,2}", version):
            errors.append("graph_version: must look like v21.0")
        config["graph_version"] = version
        return errors

    def capabilities(self, channel: Channel) -> Capabilities:
        return Capabilities(
            rich_cards=True,
            suggestions=True,
            media=True,
            typing=True,
            read_receipts=True,
            max_text_length=limits.MAX_TEXT,
        )

    def render_text(self, content: dict) -> str:
        return render_text(content)

    def wire_message(self, channel: Channel, content: dict, *, to: str) -> dict:
        """The exact body send() posts (also for tests and the docs)."""
        return render.build(content, to=to_wire_number(to))[0]

    def validate(self, channel: Channel, content: dict) -> list[str]:
        errors = validate_content(content)
        if errors:
            return errors
        if content.get("type") == "suggestion_response":
            return ["content.type: customers send suggestion responses; agents cannot"]
        problems = render.build(content, to="0")[1]
        if problems:
            return problems
        if content.get("template") is not None:
            from .message_templates import template_problems

            return template_problems(channel, content["template"])
        return []

    def validate_for_conversation(
        self, channel: Channel, *, conversation: Conversation, content: dict
    ) -> list[str]:
        """Outside the 24-hour window only an approved template may be sent."""
        if content.get("template") is not None or window.is_open(channel, conversation):
            return []
        return [
            _(
                "content: outside the 24-hour window: choose a template (the customer has "
                "not written to this WhatsApp number in the last 24 hours)"
            )
        ]

    def first_message_problems(self, channel: Channel, content: dict) -> list[str]:
        """A business opens a WhatsApp conversation only with an approved template
        (`template_problems` in `validate` checks the approval itself)."""
        if content.get("template") is not None:
            return []
        return [
            _(
                "content: a campaign on WhatsApp must use an approved WhatsApp message "
                "template (the recipients have not written to this number in the last 24 "
                "hours); pick one of the channel's approved templates"
            )
        ]

    def composer_templates(self, channel: Channel) -> list[ComposerTemplate]:
        """The channel's approved templates, as the last sync reported them."""
        from .message_templates import approved_templates

        return [
            ComposerTemplate(
                key=str(t.pk),
                label=f"{t.name} ({t.language})",
                body=t.body_text,
                variables=t.parameter_count,
            )
            for t in approved_templates(channel)
        ]

    def settings_links(self, channel: Channel) -> list[tuple[str, str]]:
        url = reverse("whatsapp-templates", args=[channel.workspace.slug, channel.pk])
        return [(_("Message templates"), url)]

    def template_content(self, channel: Channel, key: str, values: list[str]) -> dict | None:
        from .message_templates import template_content
        from .models import MessageTemplate

        if not key.isdigit() or len(key) > 18:
            return None
        template = MessageTemplate.objects.filter(channel=channel, pk=int(key)).first()
        return template_content(template, values) if template is not None else None

    def send(self, channel: Channel, *, to: str, content: dict, message_id: str) -> SendResult:
        body, problems = render.build(content, to=to_wire_number(to))
        if problems:
            raise PermanentSendError("; ".join(problems), code="invalid_content")
        sent = client.send_message(client.account_for(channel), body)
        return SendResult(
            provider_message_id=sent["wamid"], status="sent", details={"wa_id": sent["wa_id"]}
        )

    def mark_read(self, channel: Channel, *, to: str, provider_message_id: str) -> None:
        try:
            client.mark_read(client.account_for(channel), provider_message_id)
        except SendError as exc:
            log.info("whatsapp read receipt for %s failed: %s", provider_message_id, exc.reason)

    def send_typing(self, channel: Channel, *, to: str) -> None:
        """The Cloud API shows typing against the customer's latest message (and marks it
        read): without one there is nothing to show it on."""
        from inbox.models import Direction, Message

        wamid = (
            Message.objects.filter(
                channel=channel,
                direction=Direction.INBOUND,
                conversation__contact__identities__value=to,
            )
            .exclude(provider_message_id="")
            .order_by("-created_at")
            .values_list("provider_message_id", flat=True)
            .first()
        )
        if not wamid:
            return
        try:
            client.mark_read(client.account_for(channel), wamid, typing=True)
        except SendError as exc:
            log.info("whatsapp typing indicator to %s failed: %s", to, exc.reason)

    def media_auth(self, channel: Channel) -> str | None:
        token = str((channel.secrets or {}).get("access_token") or "")
        return f"Bearer {token}" if token else None

    def credential_origins(self, channel: Channel) -> frozenset[str]:
        origins = super().credential_origins(channel)
        host = urlsplit(channel.api_base_url or self.default_api_base_url).hostname or ""
        if host == "graph.facebook.com":
            origins |= META_MEDIA_ORIGINS
        return origins

    def resolve_media_url(self, channel: Channel, url: str) -> str:
        """Our media URLs name Meta's media endpoint (GET /{media-id}); its answer holds
        the short-lived download URL. Anything else is downloaded as it is."""
        account = client.account_for(channel)
        prefix = account.url("")
        media_id = url[len(prefix) :] if url.startswith(prefix) else ""
        if not webhooks._MEDIA_ID.fullmatch(media_id):
            return url
        info = client.media_info(account, media_id)
        download = str(info.get("url") or "")
        if not download.startswith(("https://", "http://")):
            raise PermanentSendError(_("the media endpoint gave no download URL"))
        return download

    def verify_webhook(self, channel: Channel, request: WebhookRequest) -> bool:
        secret = str((channel.secrets or {}).get("app_secret") or "")
        return signature.is_valid(secret, request.headers.get(signature.HEADER, ""), request.body)

    def parse_webhook(self, channel: Channel, request: WebhookRequest) -> list[Event]:
        account = client.account_for(channel)
        return webhooks.parse(
            request.body,
            phone_number_id=account.phone_number_id,
            media_url=lambda media_id: account.url(media_id),
        )

    def webhook_urls(self, channel: Channel) -> dict[str, str]:
        path = reverse("whatsapp-webhook", args=[channel.webhook_token])
        return {"callback_url": settings.PUBLIC_BASE_URL + path}

    def test_connection(self, channel: Channel) -> tuple[bool, str]:
        try:
            return client.phone_number(client.account_for(channel))
        except Exception as exc:  # noqa: BLE001 - a test reports, it never crashes the page
            return False, _("Could not run the check (%(error)s).") % {
                "error": exc.__class__.__name__
            }

    def sandbox_api_base_url(self) -> str | None:
        from .sandbox import accounts

        return accounts.api_base_url() if settings.WHATSAPP_SANDBOX_ENABLED else None

    def sandbox_config(self, *, public_base_url: str, name: str) -> dict | None:
        if not settings.WHATSAPP_SANDBOX_ENABLED:
            return None
        from .sandbox import accounts

        return accounts.demo_channel_config(
            api_base_url=public_base_url.rstrip("/") + "/sandbox/whatsapp"
        )
