"""The RCS app's share of the demo workspace: a brand profile and one RCS conversation.

Reached through RcsAdapter.seed_demo, so the demo app's seed_demo never imports this app.
Idempotent: the brand is found by workspace and display name, and the message goes through
ingest with a fixed provider id, which absorbs a re-run like a duplicate webhook.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from inbox.adapters import InboundMessage
from inbox.models import Channel
from inbox.services import ingest

from .models import BrandProfile
from .services import assign_brand, brand_for_channel, create_brand
from .validation import BANNER_RULE, LOGO_RULE

DEMO_BRAND_NAME = "Demo Co"
DEMO_BRAND_COLOR = "#7B2D8E"  # 8.1:1 against white text, above the 4.5:1 rule
DEMO_BRAND = {
    "display_name": DEMO_BRAND_NAME,
    "description": "Flowers delivered same day: order updates and help from Demo Co",
    "color": DEMO_BRAND_COLOR,
    "websites": [{"label": "Website", "value": "https://example.com"}],
    "emails": [{"label": "Help", "value": "help@example.com"}],
    "privacy_policy_url": "https://example.com/privacy",
    "terms_url": "https://example.com/terms",
}

# An even last digit: the sandbox's default network makes this phone RCS-capable.
DEMO_RCS_CUSTOMER = ("+14155550108", "Dana Ruiz")
DEMO_RCS_MESSAGE = ("rcs-demo-0001", "Hi! Can you show me this week's bouquets?", 8)


def _image(size: tuple[int, int], image_format: str) -> ContentFile:
    """A plain brand-coloured picture with a white disc: real pixels the validator reads."""
    image = Image.new("RGB", size, DEMO_BRAND_COLOR)
    width, height = size
    radius = min(width, height) // 4
    ImageDraw.Draw(image).ellipse(
        (width // 2 - radius, height // 2 - radius, width // 2 + radius, height // 2 + radius),
        fill="#FFFFFF",
    )
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    extension = "png" if image_format == "PNG" else "jpg"
    return ContentFile(buffer.getvalue(), name=f"demo.{extension}")


def seed_brand(channel: Channel) -> BrandProfile:
    """The demo brand, created once; assigned to `channel` unless it already shows one."""
    brand = BrandProfile.objects.filter(
        workspace_id=channel.workspace_id, display_name=DEMO_BRAND_NAME
    ).first()
    if brand is None:
        brand = create_brand(
            channel.workspace,
            DEMO_BRAND,
            logo=_image((LOGO_RULE.width, LOGO_RULE.height), "PNG"),
            banner=_image((BANNER_RULE.width, BANNER_RULE.height), "JPEG"),
        )
    if brand_for_channel(channel) is None:
        assign_brand(brand, channel)
    return brand


def seed_conversation(channel: Channel) -> None:
    """One customer message on the RCS channel, as the sandbox's webhook would bring it."""
    phone, name = DEMO_RCS_CUSTOMER
    provider_id, text, minutes_ago = DEMO_RCS_MESSAGE
    ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=provider_id,
                sender=phone,
                recipient=str(channel.config.get("agent_id", "")),
                content={"type": "text", "text": text},
                text=text,
                received_at=timezone.now() - timedelta(minutes=minutes_ago),
                sender_name=name,
            )
        ],
    )
