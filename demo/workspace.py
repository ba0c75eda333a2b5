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

from inbox.adapters import InboundMessage, all_adapters
from inbox.models import Channel, Membership, Role, Workspace
from inbox.services import create_channel, ingest

from . import workspace_setup
from .automations import ensure_automations
from .history import seed_history

DEMO_WORKSPACE_SLUG = "demo"
DEMO_WORKSPACE_NAME = "Demo Co"
DEMO_TIMEZONE = "America/Los_Angeles"  # the demo phone numbers are San Francisco's

# Demo credentials are public on purpose: never run seed_demo on a production database.
DEMO_USERS = (
    {"username": "admin", "password": "admin-demo-pass", "role": Role.ADMIN},
    {"username": "manager", "password": "manager-demo-pass", "role": Role.MANAGER},
    {"username": "agent", "password": "agent-demo-pass", "role": Role.AGENT},
)

# Each registered adapter with a built-in sandbox gets one demo channel named like this.
DEMO_CHANNEL_NAME = "{label} (sandbox)"

# (provider id, sender, sender name, text, minutes ago)
DEMO_INBOUND = (
    ("SMdemo0001", "+14155550101", "Ana García", "Hi! Is my order #1042 on its way?", 95),
    ("SMdemo0002", "+14155550102", "Ben Okafor", "Can I change my delivery address?", 60),
    ("SMdemo0003", "+14155550101", "Ana García", "It was supposed to arrive yesterday.", 50),
    ("SMdemo0004", "+14155550103", "", "Do you open on Sundays?", 20),
    ("SMdemo0005", "+14155550104", "Chen Wei", "Thanks, the roses were beautiful!", 5),
)


def seed_demo() -> dict:
    """Create (or find) the demo workspace; returns what a newcomer needs to log in.

    The output says what to log in with; the history (two weeks of traffic) is written
    once, and the caller refreshes the dashboards after it (see the seed_demo command).
    """
    with transaction.atomic():
        workspace, _ = Workspace.objects.get_or_create(
            slug=DEMO_WORKSPACE_SLUG,
            defaults={"name": DEMO_WORKSPACE_NAME, "timezone": DEMO_TIMEZONE},
        )
        users = [_ensure_member(workspace, **spec) for spec in DEMO_USERS]
        workspace_setup.ensure_names(users)
        teammates = workspace_setup.ensure_teammates(workspace)
        channels = _ensure_sandbox_channels(workspace)
        agents = [
            u for u, spec in zip(users, DEMO_USERS, strict=True) if spec["role"] == Role.AGENT
        ]
        manager = next(
            u for u, s in zip(users, DEMO_USERS, strict=True) if s["role"] == Role.MANAGER
        )
        team = workspace_setup.ensure_team(workspace, channels, [*agents, *teammates])
        labels = workspace_setup.ensure_labels(workspace)
        workspace_setup.ensure_canned(workspace, manager)
        workspace_setup.ensure_business_hours(workspace)
        ensure_automations(workspace, manager, team)
    plain = _first_plain(channels)
    if plain is not None:
        rich = next((c for c in channels if _has_rich_cards(c)), None)
        seed_history(
            workspace,
            sms=plain,
            rcs=rich,
            team=team,
            agents=[*agents, *teammates],
            manager=manager,
            readers=[*users, *teammates],
            labels=labels,
        )
        _ingest_demo_texts(plain)
    for channel in channels:
        channel.adapter.seed_demo(channel)
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
            for channel in channels
        ],
    }


def _ingest_demo_texts(channel: Channel, inbound=DEMO_INBOUND) -> None:
    now = timezone.now()
    ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=provider_id,
                sender=sender,
                # Ingest files a message by its channel; our address is the adapter's
                # business (a number, an agent id) and the demo does not need it.
                recipient="",
                content={"type": "text", "text": text},
                text=text,
                received_at=now - timedelta(minutes=minutes_ago),
                sender_name=name,
            )
            for provider_id, sender, name, text, minutes_ago in inbound
        ],
    )


def _ensure_member(workspace: Workspace, *, username: str, password: str, role: str):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.example"}
    )
    changed = created
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    # Ordinary members, even the workspace admin: their passwords are published, and
    # /admin/ (every workspace at once) is for superusers an operator creates.
    if user.is_staff or user.is_superuser or not user.is_active:
        user.is_staff = user.is_superuser = False
        user.is_active = True
        changed = True
    if changed:
        user.save()
    Membership.objects.update_or_create(workspace=workspace, user=user, defaults={"role": role})
    return user


def _ensure_sandbox_channels(
    workspace: Workspace, name_format: str = DEMO_CHANNEL_NAME, extra_config: dict | None = None
) -> list[Channel]:
    """One channel per adapter that has a sandbox, in registration order.

    Found by workspace + kind + name, so a rerun (or a channel an admin reconfigured) is
    kept as it is; the adapter is asked for a config only when creating, because making
    one may open an account in its sandbox.
    """
    channels = []
    for kind, adapter in all_adapters().items():
        name = name_format.format(label=adapter.label)
        channel = Channel.objects.filter(workspace=workspace, kind=kind, name=name).first()
        if channel is None:
            config = adapter.sandbox_config(public_base_url=settings.PUBLIC_BASE_URL, name=name)
            if config is None:
                continue
            config.update(extra_config or {})
            channel = create_channel(workspace, kind=kind, name=name, config=config)
        channels.append(channel)
    _link_fallbacks(channels)
    return channels


def _has_rich_cards(channel: Channel) -> bool:
    return channel.adapter.capabilities(channel).rich_cards


def _first_plain(channels: list[Channel]) -> Channel | None:
    return next((c for c in channels if not _has_rich_cards(c)), None)


def _link_fallbacks(channels: list[Channel]) -> None:
    """A rich channel falls back to the first plain one (RCS to SMS), as a real setup would,
    so the demo shows a fallback just by messaging a phone the rich channel cannot reach."""
    plain = _first_plain(channels)
    if plain is None:
        return
    for channel in channels:
        if _has_rich_cards(channel) and channel.fallback_id is None:
            channel.fallback = plain
            channel.save(update_fields=["fallback"])
