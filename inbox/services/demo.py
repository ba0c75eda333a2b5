"""A demo workspace a newcomer can log into and play with, rebuilt safely on every run.

Idempotent by construction: every row is looked up by a natural key before it is created,
and demo messages go through ingest with fixed provider ids, so a re-run is absorbed by
the same unique key that absorbs a provider's duplicate webhooks.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.models import Channel, Membership, Role, Workspace

from .channels import create_channel
from .ingest import ingest

DEMO_WORKSPACE_SLUG = "demo"
DEMO_WORKSPACE_NAME = "Demo Co"

# Demo credentials are public on purpose: never run seed_demo on a production database.
DEMO_USERS = (
    {"username": "admin", "password": "admin-demo-pass", "role": Role.ADMIN},
    {"username": "manager", "password": "manager-demo-pass", "role": Role.MANAGER},
    {"username": "agent", "password": "agent-demo-pass", "role": Role.AGENT},
)

DEMO_SMS_CHANNEL_NAME = "SMS (sandbox)"
DEMO_SMS_NUMBER = "+15005550006"  # Twilio's documented "valid" test number
DEMO_ACCOUNT_SID = "AC" + "d3e0" * 8  # fixed 32 hex digits
DEMO_AUTH_TOKEN = "5a4db0c5" * 4  # fixed 32 hex digits

# (provider id, sender, sender name, text, minutes ago)
DEMO_INBOUND = (
    ("SMdemo0001", "+14155550101", "Ana García", "Hi! Is my order #1042 on its way?", 95),
    ("SMdemo0002", "+14155550102", "Ben Okafor", "Can I change my delivery address?", 60),
    ("SMdemo0003", "+14155550101", "Ana García", "It was supposed to arrive yesterday.", 50),
    ("SMdemo0004", "+14155550103", "", "Do you open on Sundays?", 20),
    ("SMdemo0005", "+14155550104", "Chen Wei", "Thanks, the roses were beautiful!", 5),
)


def demo_sms_config() -> dict:
    """The sandbox SMS account: the built-in Twilio fake at PUBLIC_BASE_URL."""
    return {
        "account_sid": DEMO_ACCOUNT_SID,
        "auth_token": DEMO_AUTH_TOKEN,
        "from_number": DEMO_SMS_NUMBER,
        "api_base_url": settings.PUBLIC_BASE_URL + "/sandbox/twilio",
    }


def seed_demo() -> dict:
    """Create (or find) the demo workspace; returns what a newcomer needs to log in."""
    with transaction.atomic():
        workspace, _ = Workspace.objects.get_or_create(
            slug=DEMO_WORKSPACE_SLUG, defaults={"name": DEMO_WORKSPACE_NAME}
        )
        for spec in DEMO_USERS:
            _ensure_member(workspace, **spec)
        channel = _ensure_sms_channel(workspace)
    now = timezone.now()
    ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=provider_id,
                sender=sender,
                recipient=DEMO_SMS_NUMBER,
                content={"type": "text", "text": text},
                text=text,
                received_at=now - timedelta(minutes=minutes_ago),
                sender_name=name,
            )
            for provider_id, sender, name, text, minutes_ago in DEMO_INBOUND
        ],
    )
    return {
        "workspace": workspace.slug,
        "url": settings.PUBLIC_BASE_URL + "/",
        "users": [
            {"username": u["username"], "password": u["password"], "role": str(u["role"])}
            for u in DEMO_USERS
        ],
        "channels": [
            {
                "id": channel.pk,
                "kind": channel.kind,
                "name": channel.name,
                "webhook_urls": channel.adapter.webhook_urls(channel),
            }
        ],
    }


def _ensure_member(workspace: Workspace, *, username: str, password: str, role: str) -> None:
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.example"}
    )
    changed = created
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    is_admin = role == Role.ADMIN  # Django admin access for the demo admin only
    if user.is_staff != is_admin or user.is_superuser != is_admin or not user.is_active:
        user.is_staff = user.is_superuser = is_admin
        user.is_active = True
        changed = True
    if changed:
        user.save()
    Membership.objects.update_or_create(workspace=workspace, user=user, defaults={"role": role})


def _ensure_sms_channel(workspace: Workspace) -> Channel:
    channel = Channel.objects.filter(
        workspace=workspace, kind="sms", name=DEMO_SMS_CHANNEL_NAME
    ).first()
    if channel is None:
        channel = create_channel(
            workspace, kind="sms", name=DEMO_SMS_CHANNEL_NAME, config=demo_sms_config()
        )
    return channel
