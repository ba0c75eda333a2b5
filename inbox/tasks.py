"""Celery tasks: thin wrappers that call services and decide retry timing."""

from __future__ import annotations

import random

from celery import shared_task

from inbox import services
from inbox.adapters import TransientSendError
from inbox.backoff import backoff_seconds
from inbox.throttle import Throttled


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver_message(self, message_id: str) -> str:
    try:
        return services.deliver(message_id)
    except Throttled as exc:  # not an attempt: the message never left
        raise self.retry(countdown=exc.retry_after + random.uniform(0, 0.2), exc=exc) from exc
    except TransientSendError as exc:
        raise self.retry(
            countdown=backoff_seconds(self.request.retries + 1, exc.retry_after), exc=exc
        ) from exc


@shared_task(acks_late=True, ignore_result=True)
def drain_outbox() -> int:
    """First attempts in batches (kicked by send_message and by the sweep)."""
    from inbox.services.outbox.drain import drain

    return drain()


@shared_task(ignore_result=True)
def apply_inbound_events() -> int:
    """Kicked after webhook commits and by beat (a lost kick only delays, never loses)."""
    from inbox.services.inbound_queue import drain

    return drain()


@shared_task(ignore_result=True)
def help_apply_inbound_events() -> int:
    """A second pair of hands on a backlog; stops when nothing is left for it."""
    applied = 0
    while batch := services.apply_pending():
        applied += batch
    return applied


@shared_task(ignore_result=True)
def requeue_stuck_messages() -> dict:
    return services.requeue_stuck()


@shared_task(ignore_result=True)
def expire_messages() -> dict:
    return services.expire_due()


@shared_task(ignore_result=True)
def adopt_late_orphans() -> int:
    return services.adopt_late_orphans()


@shared_task(ignore_result=True, acks_late=True)
def send_read_receipt(message_id: str) -> None:
    from inbox.models import Message
    from inbox.services.outbox.recipient import recipient_address

    message = (
        Message.objects.select_related("channel", "conversation__contact")
        .filter(pk=message_id)
        .first()
    )
    if message and message.provider_message_id:
        to = recipient_address(message.conversation, message.channel)
        message.channel.adapter.mark_read(
            message.channel, to=to, provider_message_id=message.provider_message_id
        )


@shared_task(bind=True, acks_late=True, max_retries=6, ignore_result=True)
def fetch_media(self, message_id: str) -> str:
    from inbox.services.media import fetch_inbound_media

    try:
        return fetch_inbound_media(message_id)
    except TransientSendError as exc:
        raise self.retry(countdown=backoff_seconds(self.request.retries + 1), exc=exc) from exc


@shared_task(ignore_result=True)
def send_typing(conversation_id: int) -> None:
    """Best effort: a lost typing signal is harmless, so no retries."""
    from inbox.models import Conversation
    from inbox.services.outbox.recipient import recipient_address

    conversation = Conversation.objects.select_related("channel", "contact").get(pk=conversation_id)
    channel = conversation.channel
    channel.adapter.send_typing(channel, to=recipient_address(conversation, channel))


@shared_task(ignore_result=True)
def sweep_presence() -> int:
    """Agents whose tabs stopped beating (closed, crashed process) go offline."""
    from inbox.services.presence import sweep

    return sweep()


@shared_task(ignore_result=True)
def wake_snoozed_conversations() -> int:
    """Beat: snoozed conversations whose time has come are open again."""
    from inbox.services.conversation_status import wake_snoozed

    return wake_snoozed()


# Registered under the name it had in workspace_settings.tasks: beat's schedule and any
# task already in the broker call it by that name.
@shared_task(name="workspace_settings.tasks.reassign_offline_conversations", ignore_result=True)
def reassign_offline_conversations() -> int:
    """Beat: conversations of agents offline past the grace period are routed again."""
    from inbox.services.routing import reassign_from_offline_agents

    return reassign_from_offline_agents()


@shared_task(acks_late=True, ignore_result=True)
def run_contact_import(import_id: int) -> str:
    """A CSV contact import, from its cursor (safe twice: chunks commit with the cursor)."""
    from inbox.services.contact_import.job import run_import

    return run_import(import_id=import_id)


@shared_task(ignore_result=True)
def sweep_contact_imports() -> dict:
    """Beat: re-request imports whose worker died or whose task was lost, and delete the
    files of uploads nobody started."""
    from inbox.services.contact_import.job import sweep_imports

    return sweep_imports()


@shared_task(acks_late=True, ignore_result=True)
def expand_campaign(campaign_id: int) -> str:
    """A running campaign's next chunks (safe twice: each chunk commits with its cursor
    under the campaign's row lock, and (campaign, contact) is unique)."""
    from inbox.services.campaigns.expansion import run_expansion

    return run_expansion(campaign_id)


@shared_task(ignore_result=True)
def publish_campaign_progress(campaign_id: int) -> None:
    """The end of a campaign's one-second progress window: one frame with its counts."""
    from inbox.services.campaigns.progress import publish_progress

    publish_progress(campaign_id)


@shared_task(ignore_result=True)
def sweep_campaigns() -> dict:
    """Beat: start scheduled campaigns whose time came; re-request quiet running ones."""
    from inbox.services.campaigns.expansion import sweep_campaigns as sweep

    return sweep()
