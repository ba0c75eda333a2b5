from inbox.adapters import InboundMessage
from inbox.models import ReadMarker
from inbox.services import ingest, mark_read


def inbound(channel, pid):
    return ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=pid,
                sender="+14155550100",
                recipient="+15550001",
                content={"type": "text", "text": "hi"},
                text="hi",
            )
        ],
    )[0]


def test_read_receipt_goes_out_once_per_new_customer_message(
    channel, agent, django_capture_on_commit_callbacks
):
    conversation = inbound(channel, "R1").conversation
    with django_capture_on_commit_callbacks() as first:
        mark_read(conversation, agent)
    with django_capture_on_commit_callbacks() as again:
        mark_read(conversation, agent)  # reopened: nothing new to report
    inbound(channel, "R2")
    with django_capture_on_commit_callbacks() as after_new:
        mark_read(conversation, agent)
    assert (len(first), len(again), len(after_new)) == (1, 0, 1)
    assert ReadMarker.objects.filter(conversation=conversation, user=agent).count() == 1
