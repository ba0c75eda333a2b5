"""A campaign chunk written as sets (bulk_write.py, outbox/bulk_enqueue.py) writes what
the per-recipient path wrote, in a number of statements that does not grow with the
chunk, all or nothing."""

from __future__ import annotations

import json
import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inbox.models import (
    Author,
    Campaign,
    CampaignRecipient,
    Conversation,
    Message,
    MessageStatusEvent,
    Team,
    TrackedLink,
)
from inbox.services.campaigns import bulk_write, expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.recipients import Judge
from inbox.services.campaigns.tracked_links import track_content
from inbox.services.campaigns.window import hold_until
from inbox.services.consent import record_consent
from inbox.services.new_conversation import customer_thread
from inbox.services.sending import send_message
from inbox.services.templates.save import save_template

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db

CODE = re.compile(r"/r/[A-Za-z0-9]{10}")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # the conftest numbers' (+1 415) zone


@pytest.fixture
def linked(workspace, admin_user, definitions):
    """A reminder whose text carries a link (tracked over SMS) and suggestions."""
    return save_template(
        workspace=workspace,
        actor=admin_user,
        name="Linked reminder",
        use_case="payment_reminder",
        content={
            "type": "text",
            "text": "Hola {{first_name}}, you owe {{balance}}: https://pay.example.com/a",
            "suggestions": [
                {"type": "open_url", "text": "Pay now", "url": "https://pay.example.com/"},
                {"type": "reply", "text": "My balance"},
            ],
        },
    )


def _closed_window() -> tuple[time, time]:
    """A one-hour window that opens two hours from now in the recipients' zone."""
    local = timezone.now().astimezone(LOS_ANGELES)
    start = (local + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    end = (local + timedelta(hours=3)).time().replace(second=0, microsecond=0)
    return start, end


def _normal(value) -> str:
    return CODE.sub("/r/CODE", json.dumps(value, sort_keys=True, default=str))


def _snapshot(campaign: Campaign, contact) -> dict:
    """Everything written for one recipient, tracked-link codes masked."""
    row = CampaignRecipient.objects.get(campaign=campaign, contact=contact)
    message = row.message
    conv = message.conversation
    fields = (
        "workspace_id", "channel_id", "direction", "author", "author_user_id", "status",
        "campaign_id", "attempts", "fallback_from_id", "expires_at", "not_before",
        "error_code", "provider_message_id",
    )  # fmt: skip
    return {
        "row": (row.excluded, row.detail, row.arm),
        "message": {f: getattr(message, f) for f in fields},
        "content": _normal(message.content),
        "text": _normal(message.text),
        "times": (message.queued_at == message.created_at, message.sending_at),
        "events": list(
            MessageStatusEvent.objects.filter(message=message).values_list(
                "status", "source", "applied", "error_code", "raw"
            )
        ),
        "thread": (
            conv.workspace_id,
            conv.channel_id,
            conv.team_id,
            conv.assignee_id,
            conv.status,
            _normal(conv.last_message_preview),
            conv.last_message_at == message.created_at,
            conv.waiting_since,
        ),
        "links": sorted(TrackedLink.objects.filter(recipient=row).values_list("url", flat=True)),
    }


def _single_path(campaign: Campaign, contact) -> None:
    """What the expansion wrote per recipient before bulk_write (its old `_write`)."""
    verdict = Judge(campaign).verdicts([contact])[0]
    row = CampaignRecipient.objects.create(
        campaign=campaign, contact=contact, excluded=verdict.excluded, arm=verdict.arm
    )
    conversation = customer_thread(
        campaign.workspace, contact, campaign.channel, None, team=campaign.team
    )
    row.message = send_message(
        conversation,
        track_content(row, verdict.content),
        author=Author.BOT,
        channel=verdict.channel or campaign.channel,
        campaign=campaign,
        not_before=hold_until(
            verdict.phone,
            start=campaign.window_start,
            end=campaign.window_end,
            now=timezone.now(),
            default_zone=campaign.workspace.timezone,
        ),
    )
    row.save(update_fields=["message"])


class _Undo(Exception):
    pass


def test_a_recipient_written_in_bulk_is_written_as_the_single_path_writes_them(
    workspace, admin_user, linked, rcs_channel, definitions
):
    team = Team.objects.create(workspace=workspace, name="Collections")
    contact = make_contact(workspace, 2)
    contact.language = "es"  # the plain phone's version speaks it (with_customer_language)
    contact.save()
    campaign = new_campaign(
        workspace, admin_user, linked, rcs_channel, [contact], team=team, window=_closed_window()
    )
    launch_campaign(campaign=campaign, actor=admin_user)
    campaign = Campaign.objects.select_related("workspace", "channel", "template", "team").get(
        pk=campaign.pk
    )
    try:
        with transaction.atomic():
            _single_path(campaign, contact)
            single = _snapshot(campaign, contact)
            raise _Undo
    except _Undo:
        pass
    assert not Conversation.objects.filter(contact=contact).exists()  # undone
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    bulk = _snapshot(campaign, contact)
    assert bulk == single
    # And what is compared is what the features ask for, not two empty shapes.
    assert bulk["message"]["not_before"] is not None  # held for the local window
    assert "https://pay.example.com/a" in bulk["links"]
    assert '"language": "es"' in bulk["content"] and "/r/CODE" in bulk["content"]
    assert bulk["thread"][2] == team.pk and bulk["events"][0][:2] == ("queued", "api")


def _launched_with_control_arm(workspace, admin_user, reminder, rcs_channel):
    """20 RCS-capable contacts (cached), half drawn into the SMS control arm; launched."""
    from inbox.models import ContactReachability

    contacts = [make_contact(workspace, n) for n in range(1, 21)]
    ContactReachability.objects.bulk_create(
        [
            ContactReachability(
                contact=c, channel=rcs_channel, reachable=True, checked_at=timezone.now()
            )
            for c in contacts
        ]
    )
    campaign = new_campaign(
        workspace, admin_user, reminder, rcs_channel, contacts, control_share=0.5
    )
    launch_campaign(campaign=campaign, actor=admin_user)
    return campaign


def test_the_control_arm_goes_out_on_the_fallback_in_bulk_too(
    workspace, admin_user, reminder, rcs_channel, sms_channel
):
    from inbox.models import Arm

    campaign = _launched_with_control_arm(workspace, admin_user, reminder, rcs_channel)
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    rows = CampaignRecipient.objects.filter(campaign=campaign).select_related("message")
    arms = {row.arm: row.message.channel_id for row in rows}
    assert arms == {Arm.CONTROL: sms_channel.pk, Arm.TREATMENT: rcs_channel.pk}
    control = rows.filter(arm=Arm.CONTROL).first().message
    assert control.content["type"] == "text"  # the SMS version
    assert control.conversation.channel_id == rcs_channel.pk  # the thread is the campaign's


def _chunk_queries(workspace, admin_user, template, channel, contacts, settings, at_most) -> int:
    settings.CAMPAIGN_CHUNK_SIZE = len(contacts)
    record_consent(channel, contacts[1].identities.get().value, opted_out=True, source="keyword")
    Conversation.objects.create(workspace=workspace, contact=contacts[2], channel=channel)
    campaign = new_campaign(workspace, admin_user, template, channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    with at_most(CHUNK_QUERIES) as captured:
        assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    assert Message.objects.filter(campaign=campaign).count() == len(contacts) - 1
    assert TrackedLink.objects.filter(campaign=campaign).count() == 2 * (len(contacts) - 1)
    return len(captured)


# A chunk's statements, whatever its size: the campaign's lock, audience, judged rows and
# the judge's reads; threads (read, insert, read the new); addresses, the ledger, the
# messages, their events, the threads' update; the recipient rows, the links; the cursor.
CHUNK_QUERIES = 21


def test_a_chunk_costs_the_same_statements_whatever_its_size(
    workspace, admin_user, linked, sms_channel, settings, django_assert_max_num_queries
):
    small = [make_contact(workspace, n) for n in range(0, 4)]
    large = [make_contact(workspace, n) for n in range(100, 140)]
    args = (workspace, admin_user, linked, sms_channel)
    four = _chunk_queries(*args, small, settings, django_assert_max_num_queries)
    forty = _chunk_queries(*args, large, settings, django_assert_max_num_queries)
    assert four == forty


def test_one_drain_kick_and_one_live_frame_per_chunk(
    workspace, admin_user, reminder, sms_channel, settings, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from inbox.realtime import publish
    from inbox.services.outbox import enqueue

    settings.CAMPAIGN_CHUNK_SIZE = 5
    contacts = [make_contact(workspace, n) for n in range(1, 6)]
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    sent, kicks = [], []
    monkeypatch.setattr(publish, "_send", lambda group, payload: sent.append((group, payload)))
    monkeypatch.setattr(enqueue, "kick", lambda: kicks.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    assert len(kicks) == 1
    frames = [p for g, p in sent if g == f"ws-{workspace.pk}"]
    assert len(frames) == 1 and frames[0]["event"] == "batch"
    created = [e for e in frames[0]["events"] if e["event"] == "message.created"]
    assert len(created) == 5 and {e["status"] for e in created} == {"queued"}
    # Each open thread still hears of its own new message.
    threads = {g for g, _p in sent if g.startswith("conv-")}
    assert len(threads) == 5


def test_a_rejected_recipient_mid_chunk_is_excluded_and_the_rest_are_written(
    workspace, admin_user, reminder, sms_channel, settings
):
    settings.CAMPAIGN_CHUNK_SIZE = 5
    contacts = [make_contact(workspace, n) for n in range(1, 6)]
    middle = contacts[2]
    middle.name = "Жанна" * 30  # too many SMS segments for this channel, for them alone
    middle.save()
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts)
    sms_channel.config = {**sms_channel.config, "max_segments": 3}
    sms_channel.save()
    launch_campaign(campaign=campaign, actor=admin_user)
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    rows = {r.contact_id: r for r in CampaignRecipient.objects.filter(campaign=campaign)}
    assert rows[middle.pk].excluded == "rejected" and rows[middle.pk].message_id is None
    assert "segments" in rows[middle.pk].detail
    assert [rows[c.pk].message_id is not None for c in contacts] == [True, True, False, True, True]
    assert not Conversation.objects.filter(contact=middle).exists()
    assert Message.objects.filter(campaign=campaign).count() == 4


def test_a_disabled_fallback_rejects_the_control_arm_only(
    workspace, admin_user, reminder, rcs_channel, sms_channel
):
    from inbox.models import Arm, ExclusionReason

    campaign = _launched_with_control_arm(workspace, admin_user, reminder, rcs_channel)
    sms_channel.is_active = False
    sms_channel.save()
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    rows = CampaignRecipient.objects.filter(campaign=campaign)
    control = rows.filter(arm=Arm.CONTROL)
    assert control.exists() and set(control.values_list("excluded", flat=True)) == {
        ExclusionReason.REJECTED
    }
    assert set(control.values_list("detail", flat=True)) == {"channel: disabled"}
    assert not rows.filter(arm=Arm.TREATMENT, message__isnull=True).exists()


def _written(campaign) -> tuple[int, ...]:
    return (
        Message.objects.filter(campaign=campaign).count(),
        MessageStatusEvent.objects.filter(message__campaign=campaign).count(),
        CampaignRecipient.objects.filter(campaign=campaign).count(),
        TrackedLink.objects.filter(campaign=campaign).count(),
        Conversation.objects.count(),
    )


def test_a_crash_mid_chunk_leaves_nothing_half_written(
    workspace, admin_user, linked, sms_channel, settings, monkeypatch
):
    settings.CAMPAIGN_CHUNK_SIZE = 4
    contacts = [make_contact(workspace, n) for n in range(1, 5)]
    campaign = new_campaign(workspace, admin_user, linked, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)

    def dies(*_args):  # the messages, events, threads and recipient rows are in by now
        assert Message.objects.filter(campaign=campaign).count() == 4
        raise RuntimeError("worker killed")

    monkeypatch.setattr(bulk_write, "store_links", dies)
    with pytest.raises(RuntimeError):
        expansion.expand_chunk(campaign.pk)
    assert _written(campaign) == (0, 0, 0, 0, 0)
    campaign.refresh_from_db()
    assert campaign.cursor == 0
    monkeypatch.undo()
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    assert _written(campaign) == (4, 4, 4, 8, 4)  # two links each: text and chip


def test_writing_a_chunk_again_writes_nothing_twice(
    workspace, admin_user, linked, sms_channel, settings
):
    settings.CAMPAIGN_CHUNK_SIZE = 4
    contacts = [make_contact(workspace, n) for n in range(1, 5)]
    campaign = new_campaign(workspace, admin_user, linked, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    before = _written(campaign)
    # Rerun from an earlier cursor: the judged contacts are skipped.
    Campaign.objects.filter(pk=campaign.pk).update(cursor=0)
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    assert _written(campaign) == before
    # A writer that skipped that read meets the unique (campaign, contact): the chunk's
    # insert fails and its messages roll back with it.
    campaign = Campaign.objects.select_related("workspace", "channel", "template", "team").get(
        pk=campaign.pk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_write.write_chunk(campaign, Judge(campaign).verdicts(contacts), now=timezone.now())
    assert _written(campaign) == before
