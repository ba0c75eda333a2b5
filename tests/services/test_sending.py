from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.adapters import InboundMessage, StatusUpdate
from inbox.models import Message, MessageStatus, OrphanStatus
from inbox.services import (
    SendRejected,
    apply_status,
    deliver,
    ingest,
    requeue_stuck,
    retry_message,
    send_message,
)


@pytest.fixture
def conversation(channel):
    message = ingest(
        channel,
        [
            InboundMessage(
                provider_message_id="IN1",
                sender="+14155550100",
                recipient="+15550001",
                content={"type": "text", "text": "hi"},
                text="hi",
            )
        ],
    )[0]
    return message.conversation


def reply(conversation, agent, text="On it!"):
    return send_message(conversation, {"type": "text", "text": text}, user=agent)


def test_send_commits_queued_row_and_clears_waiting(conversation, agent):
    message = reply(conversation, agent)
    assert message.status == MessageStatus.QUEUED
    assert message.queued_at is not None
    conversation.refresh_from_db()
    assert conversation.waiting_since is None
    assert conversation.first_response_at == message.created_at
    assert list(message.status_events.values_list("status", flat=True)) == ["queued"]


def test_empty_text_is_rejected_and_nothing_written(conversation, agent):
    with pytest.raises(SendRejected) as err:
        reply(conversation, agent, text="   ")
    assert "content.text" in err.value.errors[0]
    assert Message.objects.filter(direction="outbound").count() == 0


def test_deliver_sends_once_even_when_run_twice(conversation, agent, adapter):
    message = reply(conversation, agent)
    assert deliver(str(message.pk)) == "sent"
    assert deliver(str(message.pk)) == "skipped"
    assert len(adapter.sent) == 1
    assert adapter.sent[0]["message_id"] == str(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == "R1"
    assert [e.status for e in message.status_events.order_by("at", "pk")] == [
        "queued",
        "sending",
        "sent",
    ]


def test_transient_error_puts_message_back_in_queue(conversation, agent, adapter, transient):
    from inbox.adapters import TransientSendError

    message = reply(conversation, agent)
    adapter.fail_with = transient
    with pytest.raises(TransientSendError):
        deliver(str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    adapter.fail_with = None
    assert deliver(str(message.pk)) == "sent"


def test_transient_errors_give_up_after_max_attempts(
    conversation, agent, adapter, transient, settings
):
    from inbox.adapters import TransientSendError

    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = reply(conversation, agent)
    adapter.fail_with = transient
    with pytest.raises(TransientSendError):
        deliver(str(message.pk))
    assert deliver(str(message.pk)) == "failed"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "gave up after 2 attempts" in message.error_message


def test_permanent_error_fails_with_readable_reason(conversation, agent, adapter, permanent):
    message = reply(conversation, agent)
    adapter.fail_with = permanent
    assert deliver(str(message.pk)) == "failed"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error_code == "21610"
    assert "STOP" in message.error_message


def test_retry_is_a_real_new_attempt(conversation, agent, adapter, permanent):
    message = reply(conversation, agent)
    adapter.fail_with = permanent
    deliver(str(message.pk))
    adapter.fail_with = None
    retry_message(message, user=agent)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.error_message == ""
    assert deliver(str(message.pk)) == "sent"
    assert len(adapter.sent) == 1
    statuses = [e.status for e in message.status_events.order_by("at", "pk")]
    assert statuses == ["queued", "sending", "failed", "queued", "sending", "sent"]
    assert message.status_events.filter(source="retry").count() == 1


def test_retry_refuses_a_message_that_did_not_fail(conversation, agent):
    message = reply(conversation, agent)
    with pytest.raises(SendRejected):
        retry_message(message)


def test_status_never_moves_backwards(conversation, agent, channel):
    message = reply(conversation, agent)
    deliver(str(message.pk))
    apply_status(channel, StatusUpdate("R1", MessageStatus.DELIVERED))
    apply_status(channel, StatusUpdate("R1", MessageStatus.SENT))  # late, out of order
    apply_status(channel, StatusUpdate("R1", MessageStatus.DELIVERED))  # duplicate
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None
    assert message.status_events.filter(applied=False).count() == 2


def test_late_success_never_hides_a_failure(conversation, agent, channel):
    message = reply(conversation, agent)
    deliver(str(message.pk))
    apply_status(channel, StatusUpdate("R1", MessageStatus.FAILED, error_code="30003"))
    apply_status(channel, StatusUpdate("R1", MessageStatus.DELIVERED))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error_code == "30003"


def test_callback_before_provider_id_is_recorded_waits_and_applies(conversation, agent, channel):
    message = reply(conversation, agent)
    apply_status(channel, StatusUpdate("R1", MessageStatus.DELIVERED))
    assert OrphanStatus.objects.count() == 1
    deliver(str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert OrphanStatus.objects.count() == 0


def test_sweep_requeues_old_queued_and_fails_lost_sending(conversation, agent, settings):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 60
    old = timezone.now() - timedelta(hours=1)
    queued = reply(conversation, agent, "one")
    sending = reply(conversation, agent, "two")
    fresh = reply(conversation, agent, "three")
    Message.objects.filter(pk=queued.pk).update(queued_at=old)
    Message.objects.filter(pk=sending.pk).update(status="sending", sending_at=old)
    result = requeue_stuck()
    assert result == {"requeued": 1, "unknown_outcome": 1}
    sending.refresh_from_db()
    fresh.refresh_from_db()
    assert sending.status == MessageStatus.FAILED
    assert "Outcome unknown" in sending.error_message
    assert fresh.status == MessageStatus.QUEUED


def test_channel_secrets_are_encrypted_at_rest(channel):
    from inbox.models import Channel

    stored = Channel.objects.get(pk=channel.pk)
    assert "s3cret" not in stored.secrets_encrypted
    assert stored.secrets == {"token": "s3cret"}
    assert stored.config == {"sender": "+15550001"}


def test_adapter_crash_fails_the_message_visibly(conversation, agent, adapter):
    message = reply(conversation, agent)
    adapter.fail_with = RuntimeError("bug in adapter")
    with pytest.raises(RuntimeError):
        deliver(str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "Unexpected error while sending (RuntimeError)" in message.error_message


def _recorded_unseen(message, provider_id):
    """The send's record committed without seeing the orphan (the race's outcome)."""
    Message.objects.filter(pk=message.pk).update(
        provider_message_id=provider_id, status=MessageStatus.SENT, sent_at=timezone.now()
    )


def test_a_report_both_sides_missed_is_adopted_by_the_sweep(conversation, agent, channel):
    from inbox.services import adopt_late_orphans

    message = reply(conversation, agent)
    apply_status(channel, StatusUpdate("R9", MessageStatus.DELIVERED))
    _recorded_unseen(message, "R9")

    assert adopt_late_orphans() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert OrphanStatus.objects.count() == 0
    assert message.status_events.filter(status=MessageStatus.DELIVERED, applied=True).exists()
    assert adopt_late_orphans() == 0  # adopted once


@pytest.mark.parametrize("many", [False, True])
def test_the_reporting_transaction_looks_again_once_committed(
    conversation, agent, channel, django_capture_on_commit_callbacks, many
):
    from inbox.services.statuses import apply_statuses

    message = reply(conversation, agent)
    update = StatusUpdate("R8", MessageStatus.DELIVERED)
    with django_capture_on_commit_callbacks() as callbacks:
        if many:
            apply_statuses([(channel, update)])
        else:
            apply_status(channel, update)
    _recorded_unseen(message, "R8")  # between the report's read and its commit

    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert OrphanStatus.objects.count() == 0


def test_the_sweep_drops_orphans_no_message_claims_after_keeping(channel, settings):
    from inbox.services import adopt_late_orphans

    settings.ORPHAN_KEEP_DAYS = 7
    apply_status(channel, StatusUpdate("OLD", MessageStatus.DELIVERED))
    apply_status(channel, StatusUpdate("NEW", MessageStatus.DELIVERED))
    OrphanStatus.objects.filter(provider_message_id="OLD").update(
        at=timezone.now() - timedelta(days=8)
    )

    adopt_late_orphans()
    assert list(OrphanStatus.objects.values_list("provider_message_id", flat=True)) == ["NEW"]
